"""The HTML report and the score cards: bars as long as what decides the rank, grades in the
policy's order, one language, the first page's facts, and the same bytes for the same results.
(How it prints on A4 is checked in a real browser: tests/test_report_browser.py.)"""

from __future__ import annotations

import re
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import pytest

import targetdsl
from targetdsl.cli import main
from targetdsl.evaluation.results import Assessment
from targetdsl.office.htmlreport import CHART_ROWS, render
from targetdsl.office.publication import LABELS, edition
from targetdsl.office.scorecards import render_cards

ROOT = Path(__file__).resolve().parents[2]
POLICY = ROOT / "policies/lianyungang-2003.tdsl"
UNITS = ROOT / "examples/lianyungang-2003/units.yaml"
CARRIED = ROOT / "examples/lianyungang-2003/carried-in.yaml"
CJK = re.compile(r"[\u4e00-\u9fff\u3000-\u303f\uff00-\uffef]")


@pytest.fixture(scope="module")
def evaluated() -> tuple[targetdsl.Policy, Assessment]:
    policy = targetdsl.load_policy(str(POLICY))
    return policy, policy.evaluate(str(UNITS), carried_in=str(CARRIED))


@pytest.fixture(scope="module")
def page(evaluated: tuple[targetdsl.Policy, Assessment]) -> str:
    policy, assessment = evaluated
    return render(assessment, edition(policy, office="连云港市目标管理考核办公室", date="2004年1月15日"))


class Bars(HTMLParser):
    """Each unit's bar: its data, and the (class, x, width) of every rectangle in it; the px per point."""

    def __init__(self) -> None:
        super().__init__()
        self.bars: dict[str, dict[str, object]] = {}
        self._unit: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "g" and found.get("class") == "bar":
            self._unit = found["data-unit"]
            self.bars[self._unit or ""] = {"total": Decimal(found["data-total"] or "0"), "rects": []}
        elif tag == "rect" and self._unit is not None:
            rects = self.bars[self._unit]["rects"]
            assert isinstance(rects, list)
            rects.append((found.get("class"), Decimal(found["x"] or "0"), Decimal(found["width"] or "0")))

    def handle_endtag(self, tag: str) -> None:
        if tag == "g":
            self._unit = None


def bars(page: str) -> dict[str, dict[str, object]]:
    parser = Bars()
    parser.feed(page)
    return parser.bars


def test_a_bar_is_as_long_as_the_reported_total_bonus_included(
    evaluated: tuple[targetdsl.Policy, Assessment], page: str
) -> None:
    _, assessment = evaluated
    drawn = bars(page)
    assert len(drawn) == len(assessment.units)
    scales: dict[str, set[Decimal]] = {}
    for unit in assessment.units:
        rects = drawn[unit.id]["rects"]
        assert isinstance(rects, list)
        solid = sum((w for kind, _, w in rects if kind in ("category", "bonus")), Decimal(0))
        if unit.total > 0:
            scales.setdefault(unit.unit_class, set()).add(solid / unit.total)
        bonus = [w for kind, _, w in rects if kind == "bonus"]
        assert bool(bonus) == (unit.bonus > 0), unit.id
        deductions = [w for kind, _, w in rects if kind == "deduction"]
        assert bool(deductions) == (unit.deductions > 0), unit.id
        # the segments follow each other with no gap
        ends = [x + w for _, x, w in rects]
        assert all(abs(rects[i + 1][1] - ends[i]) < Decimal("0.02") for i in range(len(rects) - 1))
    # one scale in a class (to the hundredths of a pixel widths are written in): a longer bar is a larger total
    assert all(max(s) - min(s) < Decimal("0.01") for s in scales.values()), scales
    # the issue's example: 赣榆县 (#7, 100.12, with bonus) is drawn longer than 东海县 (#8, 98.80)
    ganyu = next(u for u in assessment.units if u.name == "赣榆县")
    donghai = next(u for u in assessment.units if u.name == "东海县")
    assert ganyu.rank < donghai.rank and ganyu.total > donghai.total
    length = {
        u.id: sum((w for kind, _, w in drawn[u.id]["rects"] if kind != "deduction"), Decimal(0))  # type: ignore[attr-defined]
        for u in (ganyu, donghai)
    }
    assert length[ganyu.id] > length[donghai.id]


def test_bar_lengths_follow_the_totals_in_every_class(
    evaluated: tuple[targetdsl.Policy, Assessment], page: str
) -> None:
    _, assessment = evaluated
    drawn = bars(page)
    for unit_class in assessment.classes:
        units = assessment.in_class(unit_class)
        lengths = [
            sum((w for kind, _, w in drawn[u.id]["rects"] if kind in ("category", "bonus")), Decimal(0))  # type: ignore[attr-defined]
            for u in units
        ]
        by_total = sorted(range(len(units)), key=lambda i: units[i].total)
        by_length = sorted(range(len(units)), key=lambda i: lengths[i])
        assert [units[i].total for i in by_total] == [units[i].total for i in by_length]


def test_a_long_class_is_drawn_in_charts_that_fit_a_page(page: str) -> None:
    charts = re.findall(r'<figure class="chart">(.*?)</figure>', page, re.S)
    rows = [chart.count('<g class="bar"') for chart in charts if "ranking-chart" in chart]
    assert rows == [9, CHART_ROWS, 48 - CHART_ROWS, 18]


def test_grades_in_the_policys_order_with_the_empty_ones(evaluated: tuple[targetdsl.Policy, Assessment]) -> None:
    policy = targetdsl.parse_policy(
        'policy "g" { year 2003 status adopted }\n'
        "class c { all 100 }\n"
        "category all { indicator s points 100 { input s: number score s } }\n"
        "grades { 优秀 >= 90 良好 80 to 90 合格 60 to 80 不合格 < 60 }\n"
    )
    units = [{"id": "a", "class": "c", "indicators": {"s": {"s": 50}}}]
    units += [{"id": "b", "class": "c", "indicators": {"s": {"s": 95}}}]
    html = render(policy.evaluate(units), edition(policy))
    head = re.search(r'<table id="grades"><thead><tr>(.*?)</tr>', html)
    assert head is not None
    assert re.findall(r"<th[^>]*>([^<]*)</th>", head.group(1)) == ["类别", "优秀", "良好", "合格", "不合格"]
    assert re.search(r'<td>c</td><td class="num">1</td><td class="num">0</td><td class="num">0</td>', html)
    legend = re.search(r'<section class="part" id="grade-part">.*?<div class="legend">(.*?)</div>', html, re.S)
    assert legend is not None and re.findall(r"</i>([^<]*)</span>", legend.group(1)) == [
        "优秀",
        "良好",
        "合格",
        "不合格",
    ]
    # colours follow the ladder: the best grade has the first colour whoever holds it
    assert re.search(r'data-grade="优秀"[^>]*fill="#2e7d32"', html) and re.search(
        r'data-grade="不合格"[^>]*fill="#e15759"', html
    )


def test_the_first_page_says_status_office_and_date(page: str, evaluated: tuple[targetdsl.Policy, Assessment]) -> None:
    front = page[page.index('id="front"') : page.index("</section>")]
    assert "征求意见稿" in front and "发布单位：连云港市目标管理考核办公室" in front and "日期：2004年1月15日" in front
    policy, assessment = evaluated
    plain = render(assessment, edition(policy))
    assert "日期" not in plain and "发布单位" not in plain  # nothing from the clock
    assert plain == render(assessment, edition(policy))


def test_one_language_per_page(evaluated: tuple[targetdsl.Policy, Assessment], page: str) -> None:
    policy, assessment = evaluated
    english = render(assessment, edition(policy, lang="en"))
    assert '<html lang="en">' in english and '<html lang="zh-CN">' in page
    shown = re.sub(r"<[^>]*>", " ", re.sub(r"<pre>.*?</pre>|<style>.*?</style>", "", page, flags=re.S))
    for _, en in LABELS.values():
        fixed = re.sub(r"{\w+}", "", en)
        if len(fixed) > 3 and "&" not in fixed:
            assert fixed not in shown, en
    # every heading of the English page is English
    for heading in re.findall(r"<h2[^>]*>([^<]*)</h2>", english):
        assert heading.split(" (")[0] in assessment.classes or not CJK.search(heading), heading
    assert "Summary" in english and "概况" in page and "Summary" not in page


def test_vetoes_are_listed_in_words(page: str) -> None:
    vetoes = re.search(r'<ul id="vetoes">(.*?)</ul>', page, re.S)
    assert vetoes is not None
    assert "灌南县</b>（县区）：环境保护一票否决：等次最高为良好，不得获奖" in vetoes.group(1)
    assert "cap grade" not in page.split('id="explanations"', maxsplit=1)[0]


def test_score_cards_one_per_unit(evaluated: tuple[targetdsl.Policy, Assessment]) -> None:
    policy, assessment = evaluated
    cards = render_cards(assessment, edition(policy, office="连云港市目标管理考核办公室"))
    sections = re.findall(r'<section class="card" data-unit="([^"]+)">(.*?)</section>', cards, re.S)
    assert [unit for unit, _ in sections] == [u.id for u in assessment.units]
    body = dict(sections)
    assert "第 4 名（共 9 个单位）" in body["C06"] and "优秀名额限 30%，按名次评为良好" in body["C06"]
    assert "环境保护一票否决：等次最高为良好，不得获奖" in body["C04"] and "不得获奖" in body["C04"]
    assert "发布单位：连云港市目标管理考核办公室" in body["C05"]
    assert "break-after: page" in cards and "size: A4 portrait" in cards


def test_the_command_takes_lang_office_date_and_cards(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "cards.html"
    base = ["report", str(POLICY), str(UNITS), "--carry-in", str(CARRIED), "-o", str(out)]
    assert main([*base, "--cards", "--lang", "en", "--office", "Target Office", "--date", "2004-01-15"]) == 0
    text = out.read_text(encoding="utf-8")
    assert text.count('<section class="card"') == 75 and "issued by Target Office" in text and "2004-01-15" in text
    capsys.readouterr()
    with pytest.raises(SystemExit) as exited:
        main([*base, "--lang", "fr"])
    assert exited.value.code == 2
    assert "invalid choice: 'fr'" in capsys.readouterr().err


HARD = """policy "=HYPERLINK(\\"x\\") & <b>t</b>" { year 2003 status adopted rounding down 1 at total }
class c { a 60 b 40 }
category a { indicator s points 60 { input s: number score s } }
category b { indicator t points 40 { input t: number score t } }
veto z "总分清零" { input bad: bool missing default false when bad effect zero score }
veto g "定级" { input bad: bool missing default false when bad effect grade 不合格 }
deduction d "扣分项" { input n: number missing zero amount n }
grades { 优秀 >= 90 quota 20% 良好 80 to 90 合格 60 to 80 不合格 < 60 }
award m { money { 优秀 1000.5 良好 500 } }
"""
HARD_UNITS = [
    {"id": "<script>", "name": "=1+1", "class": "c", "indicators": {"s": {"s": 59}, "t": {"t": 39}}},
    {"id": "neg", "class": "c", "indicators": {"s": {"s": 10}, "t": {"t": 0}}, "deductions": {"d": {"n": 30}}},
    {"id": "zero", "class": "c", "indicators": {"s": {"s": 55}, "t": {"t": 30}}, "vetoes": {"z": {"bad": True}}},
    {"id": "g", "class": "c", "indicators": {"s": {"s": 60}, "t": {"t": 38}}, "vetoes": {"g": {"bad": True}}},
    {"id": "q", "class": "c", "indicators": {"s": {"s": 58}, "t": {"t": 37.77}}},
]


def test_zero_scores_negative_totals_and_hostile_names() -> None:
    policy = targetdsl.parse_policy(HARD)
    assessment = policy.evaluate(HARD_UNITS)
    issue = edition(policy)
    html = render(assessment, issue)
    assert "<script>" not in html and "&lt;script&gt;" in html and "<b>t</b>" not in html
    drawn = bars(html)
    kinds = {unit: [kind for kind, _, _ in bar["rects"]] for unit, bar in drawn.items()}  # type: ignore[union-attr]
    assert kinds["zero"] == ["before-veto"]  # counted as 0: no bar, its total before the veto outlined
    assert "0.0（否决前 85.0）" in html
    assert kinds["neg"] == ["deduction"]  # a total below 0 has no bar; the deductions are still shown
    assert drawn["q"]["total"] == Decimal("95.7")  # rounded down to 1 place, as the policy rounds
    rows = {u.id: (issue.quota_grade(u), issue.grade_reasons(u)) for u in assessment.units}
    assert rows["q"] == ("优秀", ["优秀名额限 20%，按名次评为良好"])
    assert rows["g"] == (None, ["定级一票否决：等次定为不合格"])
    cards = render_cards(assessment, issue)
    assert cards.count('<section class="card"') == 5 and "<b>1,000.50</b>" in cards  # money keeps its fraction
    assert "<script>" not in cards
