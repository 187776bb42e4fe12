"""Render the HTML report in headless Chromium, keep a screenshot, and
check the rendered DOM: ranked units per class, a vetoed unit's cause,
the completion totals. Chromium comes from Debian's `chromium` package
(.ci/run installs it); without it this test is skipped."""

import subprocess
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from targetdsl.cli import main
from tests.browser import CHROMIUM, Browser, destinations, pdf_pages

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"

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
    page = report_page(tmp_path)
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
    assert "环境保护一票否决：等次最高为良好，不得获奖" in collected.vetoes["C04"]
    assert collected.total[:4] == ["合计", "1079", "1017", "94.3%"]
    assert "<svg" in dom and "http://" not in dom.replace("http://www.w3.org/2000/svg", "")


# ---------------------------------------------------------------- printed on A4

# Run in the page before printing: an empty marker at the start and the end of every chart, at the
# start of every heading and of the first content after it (descending into the next element to
# its first cell, item or line), each the target of a hidden link, for which Chromium writes a PDF
# destination with its page. Returns the marker pairs.
MARK = """(() => {
  const marker = (name, inline) => {
    const span = document.createElement('span');
    span.id = name;
    span.style.cssText = inline ? 'display:inline-block;width:1px;height:1px' : 'display:block;height:0';
    return span;
  };
  const links = document.createElement('div');
  links.style.display = 'none';
  const pairs = {charts: [], headings: []};
  const link = (name) => { const a = document.createElement('a'); a.href = '#' + name; links.append(a); };
  document.querySelectorAll('figure.chart').forEach((figure, i) => {
    figure.prepend(marker(`chart-${i}-start`));
    figure.append(marker(`chart-${i}-end`));
    pairs.charts.push([`chart-${i}-start`, `chart-${i}-end`]);
  });
  document.querySelectorAll('h2').forEach((heading, i) => {
    heading.prepend(marker(`heading-${i}`, true));
    let next = heading.nextElementSibling;
    while (next && next.id && next.id.startsWith('chart-')) next = next.nextElementSibling;
    while (next && next.firstElementChild && !['TH', 'TD', 'LI', 'SUMMARY', 'P'].includes(next.tagName)) {
      next = next.firstElementChild;
      while (next && next.id && next.id.startsWith('chart-')) next = next.nextElementSibling;
    }
    if (!next || next.tagName === 'svg' || next.closest('svg')) next = heading.nextElementSibling;
    next.prepend(marker(`heading-${i}-next`, true));
    pairs.headings.push([`heading-${i}`, `heading-${i}-next`]);
  });
  for (const kind of ['charts', 'headings']) pairs[kind].forEach((pair) => pair.forEach(link));
  document.body.append(links);
  return pairs;
})()"""


def report_page(tmp_path: Path, *extra: str) -> Path:
    page = tmp_path / "report.html"
    arguments = [
        "report",
        str(ROOT / "policies/lianyungang-2003.tdsl"),
        str(ROOT / "examples/lianyungang-2003/units.yaml"),
        "--carry-in",
        str(ROOT / "examples/lianyungang-2003/carried-in.yaml"),
        "-o",
        str(page),
        "--lang",
        "zh",
        *extra,
    ]
    assert main(arguments) == 0
    return page


def printed(page: Path) -> tuple[bytes, dict[str, list[list[str]]], dict[str, Any]]:
    """The page printed to PDF after marking it, the marker pairs, and what print layout shows."""
    assert CHROMIUM is not None
    with Browser(CHROMIUM) as browser:
        browser.open(page)
        pairs = browser.evaluate(MARK)
        browser.media("print")
        layout = browser.evaluate(LAYOUT)
        pdf = browser.pdf()
    return pdf, pairs, layout


# What print media shows, measured in the page: every explanation shown (a closed <details> hides its
# content with content-visibility, which checkVisibility sees), the tallest chart.
LAYOUT = """(() => ({
  explanations: document.querySelectorAll('details pre').length,
  shown: [...document.querySelectorAll('details pre')].filter((p) => p.checkVisibility()).length,
  tallest: Math.max(0, ...[...document.querySelectorAll('figure.chart')].map((f) => f.getBoundingClientRect().height)),
}))()"""

A4_LANDSCAPE_BODY = (210 - 2 * 12) / 25.4 * 96  # CSS pixels of a page's height inside the report's margins


def test_the_printed_report_keeps_charts_and_headings_whole(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = report_page(tmp_path, "--office", "连云港市目标管理考核办公室", "--date", "2004年1月15日")
    capsys.readouterr()
    pdf, pairs, layout = printed(page)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "report.pdf").write_bytes(pdf)
    pages = pdf_pages(pdf)
    places = destinations(pdf)
    assert len(pairs["charts"]) == 5 and len(pairs["headings"]) == 8  # 县区, 市直部门 in two, 驻连部省属单位, grades
    for start, end in pairs["charts"]:
        assert start in places and end in places, sorted(places)
        assert places[start][0] == places[end][0], (
            f"{start} begins on page {places[start][0]}, ends on {places[end][0]}"
        )
    for heading, following in pairs["headings"]:
        assert places[heading][0] == places[following][0], f"{heading} ends page {places[heading][0]}"
    # every part starts a page: the front page, three classes, grades, vetoes, completion, explanations
    assert [places[h][0] for h, _ in pairs["headings"]] == sorted({places[h][0] for h, _ in pairs["headings"]})
    assert places["heading-0"][0] == 1
    assert layout["explanations"] == 75 and layout["shown"] == 75, layout  # printed expanded
    assert layout["tallest"] < A4_LANDSCAPE_BODY
    # the parts before the explanations take a dozen pages; 75 explanations in two columns, 40 to 75 more
    explanations = places[pairs["headings"][-1][0]][0]
    assert explanations <= 15 and explanations + 40 <= len(pages) <= explanations + 75, (explanations, len(pages))


def test_score_cards_print_one_a4_page_per_unit(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = report_page(tmp_path, "--cards")
    capsys.readouterr()
    assert CHROMIUM is not None
    with Browser(CHROMIUM) as browser:
        browser.open(page)
        units = browser.evaluate(
            """(() => {
              const links = document.createElement('div');
              links.style.display = 'none';
              const ids = [...document.querySelectorAll('section.card')].map((card, i) => {
                card.id = `card-${i}`;
                const end = document.createElement('span');
                end.id = `card-${i}-end`;
                card.append(end);
                for (const name of [card.id, end.id]) {
                  const a = document.createElement('a'); a.href = '#' + name; links.append(a);
                }
                return card.dataset.unit;
              });
              document.body.append(links);
              return ids;
            })()"""
        )
        pdf = browser.pdf()
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "cards.pdf").write_bytes(pdf)
    assert len(units) == 75 and units[:2] == ["C05", "C08"]
    assert len(pdf_pages(pdf)) == 75
    places = destinations(pdf)
    for index in range(75):
        assert places[f"card-{index}"][0] == places[f"card-{index}-end"][0] == index + 1
