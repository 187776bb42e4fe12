"""The pictures of the README, made again from the example data: `python -m benchmarks.screenshots`.

Each is a page of a PDF as it prints, rendered to PNG by `pdftoppm` and cut below the last line of
text above the page's footer (an A4 page holding a short table is mostly white):

- `docs/images/results-workbook.png`: the results workbook (`targetdsl evaluate … -o results.xlsx`)
  printed to PDF by LibreOffice (`soffice --headless --convert-to pdf`), page 1: the counties;
- `docs/images/report-printed.png`: the HTML report (`targetdsl report`) printed to PDF by headless
  Chromium as the browser tests print it, page 2: the counties' ranking;
- `docs/images/score-card.png`: the first score card (`targetdsl report --cards`), printed the same way.

It needs Debian's `libreoffice-calc-nogui`, `poppler-utils`, `chromium` and `fonts-noto-cjk` (the
Chinese text is drawn with the fonts installed: another machine gives other pixels). The test suite
runs it only with `-m slow` (into a folder of its own); the pictures are committed. `--keep DIR` also
keeps the PDFs and the files they were printed from; `--out DIR` writes the pictures elsewhere.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
IMAGES = ROOT / "docs" / "images"
POLICY = ROOT / "policies" / "lianyungang-2003.tdsl"
UNITS = ROOT / "examples" / "lianyungang-2003" / "units.yaml"
CARRIED_IN = ROOT / "examples" / "lianyungang-2003" / "carried-in.yaml"
ISSUED = ["--office", "连云港市目标管理考核办公室", "--date", "2004年1月15日"]
DPI = 110
MARGIN = 18  # points kept below the last line of text
FOOTER = 48  # points at the bottom of a page where a footer (the page number) is printed
TOOLS = {
    "soffice": "libreoffice-calc-nogui",
    "pdftoppm": "poppler-utils",
    "pdftotext": "poppler-utils",
    "pdfinfo": "poppler-utils",
}


def targetdsl(*arguments: str) -> None:
    from targetdsl.cli import main

    if main([*arguments, "--lang", "zh"]) != 0:
        raise SystemExit(f"targetdsl {' '.join(arguments)} failed")


def workbook_pdf(work: Path) -> Path:
    """The results workbook, printed by LibreOffice."""
    book = work / "results.xlsx"
    targetdsl("evaluate", str(POLICY), str(UNITS), "--carry-in", str(CARRIED_IN), "-o", str(book), "-q", *ISSUED)
    # a profile of its own: an office suite the user has open is neither used nor disturbed
    profile = (work / "soffice-profile").as_uri()
    subprocess.run(
        ["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf", "--outdir", str(work)]
        + [str(book)],
        check=True,
        capture_output=True,
    )
    return work / "results.pdf"


def chromium_pdf(work: Path, name: str, *extra: str) -> Path:
    """The HTML report (or the score cards), printed by headless Chromium as the browser tests print it."""
    from tests.browser import CHROMIUM, Browser

    if CHROMIUM is None:
        raise SystemExit("no Chromium: apt-get install chromium")
    page = work / f"{name}.html"
    targetdsl("report", str(POLICY), str(UNITS), "--carry-in", str(CARRIED_IN), "-o", str(page), "-q", *extra)
    with Browser(CHROMIUM) as browser:
        browser.open(page)
        pdf = browser.pdf()
    path = work / f"{name}.pdf"
    path.write_bytes(pdf)
    return path


def page_size(pdf: Path, page: int) -> tuple[float, float]:
    info = subprocess.run(
        ["pdfinfo", "-f", str(page), "-l", str(page), str(pdf)], check=True, capture_output=True, text=True
    ).stdout
    found = re.search(r"Page(?:\s+\d+)? size:\s+([\d.]+) x ([\d.]+)", info)
    if found is None:
        raise SystemExit(f"pdfinfo gave no page size for {pdf}")
    return float(found.group(1)), float(found.group(2))


def text_bottom(pdf: Path, page: int, height: float) -> float:
    """The lowest edge, in points from the top, of the text on `page` above its footer."""
    boxes = subprocess.run(
        ["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    bottoms = [float(y) for y in re.findall(r'<word [^>]*yMax="([\d.]+)"', boxes)]
    above = [y for y in bottoms if y < height - FOOTER]
    if not above:
        raise SystemExit(f"no text on page {page} of {pdf}")
    return max(above)


def picture(pdf: Path, page: int, target: Path) -> None:
    """`page` of `pdf` as a PNG, cut below its last line of text."""
    width, height = page_size(pdf, page)
    bottom = min(height, text_bottom(pdf, page, height) + MARGIN)
    scale = DPI / 72
    stem = target.with_suffix("")
    subprocess.run(
        ["pdftoppm", "-png", "-singlefile", "-r", str(DPI), "-f", str(page), "-l", str(page)]
        + ["-x", "0", "-y", "0", "-W", str(round(width * scale)), "-H", str(round(bottom * scale))]
        + [str(pdf), str(stem)],
        check=True,
    )
    shown = target.relative_to(ROOT) if target.is_relative_to(ROOT) else target
    print(f"wrote {shown} (page {page} of {pdf.name})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--keep", metavar="DIR", type=Path, help="keep the PDFs and what they were printed from")
    parser.add_argument("--out", metavar="DIR", type=Path, default=IMAGES, help="where the pictures go (docs/images)")
    args = parser.parse_args(argv)
    missing = sorted({package for tool, package in TOOLS.items() if shutil.which(tool) is None})
    if missing:
        print(f"missing: apt-get install {' '.join(missing)}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="targetdsl-screenshots-") as temporary:
        work = args.keep or Path(temporary)
        work.mkdir(parents=True, exist_ok=True)
        args.out.mkdir(parents=True, exist_ok=True)
        picture(workbook_pdf(work), 1, args.out / "results-workbook.png")
        picture(chromium_pdf(work, "report", *ISSUED), 2, args.out / "report-printed.png")
        picture(chromium_pdf(work, "cards", "--cards", *ISSUED), 1, args.out / "score-card.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
