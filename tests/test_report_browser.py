"""Render the HTML report in headless Chromium, keep a screenshot, and
check the rendered DOM: ranked units per class, a vetoed unit's cause,
the completion totals. Chromium comes from Debian's `chromium` package
(.ci/run installs it); without it this test is skipped."""

import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from targetdsl.cli import main

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium is not installed")


class Collector(HTMLParser):
    """The parts of the rendered DOM the test looks at."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[str, int] = {}
        self.vetoes: dict[str, str] = {}
        self.total: list[str] = []
        self._table: str | None = None
        self._veto: str | None = None
        self._in_total = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "table" and attributes.get("class") == "ranking":
            self._table = attributes.get("data-class")
        elif tag == "tr" and self._table and "unit-row" in (attributes.get("class") or ""):
            self.rows[self._table] = self.rows.get(self._table, 0) + 1
        elif tag == "li" and attributes.get("class") == "veto":
            self._veto = attributes.get("data-unit")
            self.vetoes[self._veto or ""] = ""
        elif tag == "tr" and attributes.get("id") == "completion-total":
            self._in_total = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self._table = None
        elif tag == "li":
            self._veto = None
        elif tag == "tr":
            self._in_total = False

    def handle_data(self, data: str) -> None:
        if self._veto is not None:
            self.vetoes[self._veto] += data
        if self._in_total and data.strip():
            self.total.append(data.strip())


def test_report_renders_in_chromium(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = tmp_path / "report.html"
    assert (
        main(
            [
                "report",
                str(ROOT / "policies/lianyungang-2003.tdsl"),
                str(ROOT / "examples/lianyungang-2003/units.yaml"),
                "--carry-in",
                str(ROOT / "examples/lianyungang-2003/carried-in.yaml"),
                "-o",
                str(page),
            ]
        )
        == 0
    )
    capsys.readouterr()
    ARTIFACTS.mkdir(exist_ok=True)
    screenshot = ARTIFACTS / "report.png"
    common = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars"]
    subprocess.run(
        [*common, "--window-size=1280,2400", f"--screenshot={screenshot}", page.as_uri()],
        check=True,
        capture_output=True,
        timeout=120,
    )
    assert screenshot.stat().st_size > 20_000
    dom = subprocess.run(
        [*common, "--dump-dom", page.as_uri()], check=True, capture_output=True, timeout=120, text=True
    ).stdout
    collected = Collector()
    collected.feed(dom)
    assert collected.rows == {"县区": 9, "市直部门": 48, "驻连部省属单位": 18}
    assert "环境保护" in collected.vetoes["C04"] and "cap grade 良好" in collected.vetoes["C04"]
    assert collected.total[:4] == ["合计 all", "1079", "1017", "94.3%"]
    assert "<svg" in dom and "http://" not in dom.replace("http://www.w3.org/2000/svg", "")
