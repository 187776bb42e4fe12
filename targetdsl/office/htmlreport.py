"""The published report: one self-contained static HTML page, in one language.

The first page states what the results are (title, year, period, the policy's status, the
issuing office and date where given) and the summary figures; then each class's ranking with a
bar per unit whose length is its reported total — category subtotals, the bonus as its own
segment, deductions drawn pale past the end (taken off) — the grades in the policy's order with
empty ones shown, the vetoes and their effects in words, the completion table, and every unit's
explanation. Charts are inline SVG; there are no scripts, fonts or links to fetch, so the page
opens anywhere without a network. It prints on A4: a chart is never split across pages, a
heading never ends a page, explanations print expanded. Every label comes from
`publication.LABELS` in the edition's language. Nothing is computed here but layout.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from html import escape

from targetdsl.audit.explain import render_text
from targetdsl.evaluation.results import Assessment, UnitResult
from targetdsl.messages import Language, translate
from targetdsl.numeric import CONTEXT, ZERO, in_context
from targetdsl.office.publication import Edition, edition
from targetdsl.office.tables import rate

COLOURS = ["#4e79a7", "#59a14f", "#76b7b2", "#b07aa1", "#9c755f", "#edc948", "#ff9da7", "#bab0ac"]
BONUS_COLOUR = "#f28e2b"
DEDUCTION_COLOUR = "#e15759"
DEDUCTION_LOOK = f'fill="#f9d3d4" stroke="{DEDUCTION_COLOUR}" stroke-dasharray="3 2"'  # taken off: pale, dashed
# Grades best first: green to red, then greys for longer ladders.
GRADE_COLOURS = ["#2e7d32", "#4e79a7", "#f2b134", "#e15759", "#8c564b", "#7f7f7f", "#bcbd22", "#17becf"]

STYLE = """
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", "WenQuanYi Zen Hei",
       sans-serif;
       margin: 2em auto; max-width: 1100px; color: #222; line-height: 1.45; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; } h2 { margin-top: 2em; border-bottom: 2px solid #4e79a7; }
.meta { margin: 0.2em 0; color: #444; } .meta b { color: #222; }
table { border-collapse: collapse; margin: 0.8em 0; font-size: 0.92em; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; } th { background: #eef3f8; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.name, td.grade { white-space: nowrap; } td.words { min-width: 10em; }
tr.vetoed td { background: #fdecea; } tr.quota td { background: #fff2cc; }
.figures { display: flex; gap: 1em; flex-wrap: wrap; }
.figure { border: 1px solid #ccc; border-radius: 6px; padding: 0.6em 1em; min-width: 9em; }
.figure b { display: block; font-size: 1.5em; }
details { margin: 0.3em 0; } summary { cursor: pointer; }
pre { background: #f7f7f7; padding: 0.8em; overflow-x: auto; font-size: 0.85em; }
.legend span { display: inline-block; margin-right: 1em; }
.legend i { display: inline-block; width: 0.9em; height: 0.9em; margin-right: 0.3em; vertical-align: middle; }
.legend i.deduction { background: #f9d3d4; border: 1px dashed #e15759; box-sizing: border-box; }
figure.chart { margin: 0.5em 0; } svg.chart { max-width: 100%; height: auto; }
@media print {
  @page { size: A4 landscape; margin: 12mm; }
  body { margin: 0; max-width: none; font-size: 10pt; }
  section.part > h2:first-child, section.part > .keep > h2:first-child { margin-top: 0; }
  table { font-size: 8.5pt; } td.words { min-width: 16em; }
  section.part { break-before: page; } section.part.first { break-before: auto; }
  h1, h2, h3, .lead { break-after: avoid; }
  figure.chart, .keep { break-inside: avoid; }
  summary { break-after: avoid; } details > pre { orphans: 4; widows: 4; }
  #explanations .columns { columns: 2; column-gap: 8mm; } #explanations details { margin-top: 0; }
  details > pre { white-space: pre-wrap; overflow: visible; font-size: 7.5pt; line-height: 1.25; padding: 0.4em; }
  details::details-content { content-visibility: visible; display: block; }
  summary { list-style: none; font-weight: bold; }
  tr { break-inside: avoid; } thead { display: table-header-group; }
  a { color: inherit; text-decoration: none; }
}
"""


@in_context
def render(assessment: Assessment, issue: Edition | None = None) -> str:
    """The report of `assessment`; `issue` gives the policy's facts and the language (default: Chinese,
    no policy facts)."""
    issue = issue or edition()
    say = issue.say
    parts = [
        *page_head(assessment, issue),
        '<section class="part first" id="front">',
        *masthead(assessment, issue),
        f'<h2 class="lead">{escape(say("summary"))}</h2>',
        summary(assessment, issue),
        "</section>",
    ]
    for unit_class in assessment.classes:
        units = assessment.in_class(unit_class)
        if units:
            parts.append(class_section(unit_class, units, issue, commended=unit_class in assessment.commending))
    parts.append(grade_section(assessment, issue))
    parts.append(veto_section(assessment, issue))
    parts.append(completion_section(assessment, issue))
    parts.append(drill_down(assessment, issue))
    parts.append(provenance(assessment, issue))
    parts += ["</body>", "</html>"]
    return "\n".join(p for p in parts if p) + "\n"


def page_head(assessment: Assessment, issue: Edition, style: str = STYLE) -> list[str]:
    return [
        "<!DOCTYPE html>",
        f'<html lang="{"zh-CN" if issue.lang == "zh" else "en"}">',
        "<head>",
        '<meta charset="utf-8">',
        f"<title>{escape(issue.heading(assessment))}</title>",
        f"<style>{style}</style>",
        "</head>",
        "<body>",
    ]


def masthead(assessment: Assessment, issue: Edition) -> list[str]:
    """The title and what the results are: status, office and date where given."""
    say = issue.say
    lines = [f"<h1>{escape(issue.heading(assessment))}</h1>"]
    facts = [say("status." + issue.status) if issue.status in ("draft", "adopted") else say("status.unknown")]
    shown = assessment.period_shown(chinese=issue.lang == "zh")
    if shown:
        facts.append(say("period", period=shown))
    if issue.office:
        facts.append(say("office", office=issue.office))
    if issue.date:
        facts.append(say("date", date=issue.date))
    lines.append(f'<p class="meta" id="masthead">{" · ".join(escape(f) for f in facts)}</p>')
    if issue.assumptions:  # a reader of the results sees what the method assumed
        owners = [translate(owner, Language(issue.lang)) for owner, _ in issue.assumptions]  # `veto 安全`
        items = "".join(
            f"<li>{escape(owner)}{issue.colon}{escape(said)}</li>"
            for owner, (_, said) in zip(owners, issue.assumptions, strict=True)
        )
        lines.append(f'<div id="assumptions"><p class="meta">{escape(say("assumptions"))}</p><ul>{items}</ul></div>')
    return lines


def summary(assessment: Assessment, issue: Edition) -> str:
    say = issue.say
    vetoed = sum(1 for u in assessment.units if u.vetoes)
    figures = [(say("units_assessed"), str(len(assessment.units)))]
    figures += [(c, str(len(assessment.in_class(c)))) for c in assessment.classes]
    figures += [
        (say("items"), str(assessment.total_items)),
        (say("completed"), str(assessment.total_completed)),
        (say("rate"), rate(assessment.total_completed, assessment.total_items)),
        (say("vetoed_units"), str(vetoed)),
    ]
    cells = "".join(f'<div class="figure">{escape(label)}<b>{value}</b></div>' for label, value in figures)
    return f'<div class="figures" id="summary">{cells}</div>'


def class_section(unit_class: str, units: Sequence[UnitResult], issue: Edition, *, commended: bool = False) -> str:
    """The class's ranking: charts, then a row per unit; with `commended` (the class declares a commendation)
    a last column naming each unit's commendations."""
    say, show = issue.say, issue.figure_text
    categories = [c.label or c.name for c in units[0].categories]
    awards = any(u.eligible is not None for u in units)
    paid = any(u.money is not None for u in units)  # an award without money (目标奖) shows won or not
    head = "".join(f'<th class="num">{escape(c)}</th>' for c in categories)
    rows = []
    for unit in units:
        subtotals = "".join(f'<td class="num">{show(c.subtotal)}</td>' for c in unit.categories)
        limited = issue.quota_grade(unit)
        css = "unit-row vetoed" if unit.vetoes else "unit-row quota" if limited else "unit-row"
        veto = issue.semicolon.join(issue.veto_cause(v) for v in unit.vetoes) or "—"
        reasons = issue.semicolon.join(issue.grade_reasons(unit))
        money = ""
        if awards and paid:
            money = f'<td class="num">{_money(unit.money)}</td>'
        elif awards:
            money = f'<td class="words">{say("yes" if unit.eligible else "no")}</td>'
        commendations = (
            f'<td class="words">{escape(issue.semicolon.join(unit.commendations))}</td>' if commended else ""
        )
        rows.append(
            f'<tr class="{css}" data-unit="{escape(unit.id)}"><td class="num">{unit.rank}</td>'
            f'<td class="name"><a href="#unit-{escape(unit.id)}">{escape(unit.name)}</a></td>'
            f'<td class="num">{show(unit.total)}</td>{subtotals}<td class="num">{show(unit.bonus)}</td>'
            f'<td class="num">{show(unit.deductions)}</td><td class="words">{escape(veto)}</td>'
            f'<td class="grade">{escape(issue.grade_cell(unit))}</td>'
            f'<td class="words">{escape(reasons)}</td>{money}{commendations}</tr>'
        )
    commend_head = f"<th>{say('commendations')}</th>" if commended else ""
    award_head = f'<th class="num">{say("award")}</th>' if awards and paid else ""
    if awards and not paid:
        award_head = f"<th>{say('eligible')}</th>"
    table = (
        f'<table class="ranking" data-class="{escape(unit_class)}"><thead><tr><th class="num">{say("rank")}</th>'
        f'<th>{say("unit")}</th><th class="num">{say("total")}</th>{head}<th class="num">{say("bonus")}</th>'
        f'<th class="num">{say("deductions")}</th><th>{say("veto")}</th><th>{say("grade")}</th>'
        f"<th>{say('grade_reason')}</th>{award_head}{commend_head}"
        f"</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )
    heading = unit_class + issue.aside(say("units", count=len(units)))
    return (
        f'<section class="part class-part" data-class="{escape(unit_class)}">'
        f'<h2 class="lead">{escape(heading)}</h2>\n{ranking_charts(units, categories, issue)}\n{table}</section>'
    )


def _money(money: Decimal | None) -> str:
    if money is None:
        return "—"
    whole = money == money.to_integral_value()
    return f"{money:,.0f}" if whole else f"{money:,.2f}"


CHART_ROWS = 24  # bars per chart: a chart of more would not fit an A4 landscape page, so it is drawn in parts


def ranking_charts(units: Sequence[UnitResult], categories: list[str], issue: Edition) -> str:
    """The class's ranking as charts of at most CHART_ROWS bars each, on one scale."""
    top = max([_reach(u) for u in units] + [Decimal(1)])
    return "\n".join(
        f'<figure class="chart">{ranking_chart(units[start : start + CHART_ROWS], categories, issue, top)}</figure>'
        for start in range(0, len(units), CHART_ROWS)
    )


def ranking_chart(units: Sequence[UnitResult], categories: list[str], issue: Edition, top: Decimal) -> str:
    """A bar per unit in rank order, as long as its reported total: the category subtotals (scaled
    to what remains of the total without the bonus and before deductions), the bonus, and the
    deductions drawn pale past the end, taken off. A unit whose veto counts its total as 0 has no bar;
    an outline shows its total before the veto."""
    say = issue.say
    bar, gap, label_width, scale_width = 18, 6, 190, 700
    height = len(units) * (bar + gap) + 10
    scale = CONTEXT.divide(Decimal(scale_width), top)
    shapes = [
        '<svg class="chart ranking-chart" role="img" '
        f'aria-label="{escape(say("chart.ranking"))}" width="{label_width + scale_width + 150}" '
        f'height="{height}" viewBox="0 0 {label_width + scale_width + 150} {height}" '
        'xmlns="http://www.w3.org/2000/svg">',
    ]
    for row, unit in enumerate(units):
        y = 5 + row * (bar + gap)
        shapes.append(
            f'<g class="bar" data-unit="{escape(unit.id)}" data-total="{issue.figure_text(unit.total)}">'
            f'<text x="{label_width - 6}" y="{y + bar - 4}" text-anchor="end" font-size="12">'
            f"{unit.rank}. {escape(unit.name)}</text>"
        )
        x = Decimal(label_width)
        for kind, title, colour, length in _segments(unit, issue):
            width = CONTEXT.multiply(length, scale)
            look = DEDUCTION_LOOK if kind == "deduction" else f'fill="{colour}"'
            shapes.append(
                f'<rect class="{kind}" x="{x:.2f}" y="{y}" width="{width:.2f}" height="{bar}" {look}>'
                f"<title>{escape(title)} {issue.figure_text(length)}</title></rect>"
            )
            x = CONTEXT.add(x, width)
        label = issue.figure_text(unit.total)
        if any(v.zeroes_score for v in unit.vetoes):
            raw = max(unit.raw_total, ZERO)
            shapes.append(
                f'<rect class="before-veto" x="{label_width}" y="{y}" width="{CONTEXT.multiply(raw, scale):.2f}" '
                f'height="{bar}" fill="none" stroke="#999" stroke-dasharray="4 3"/>'
            )
            label += issue.aside(say("vetoed_zero", raw=issue.figure_text(unit.raw_total)))
            x = max(x, Decimal(label_width) + CONTEXT.multiply(raw, scale))
        shapes.append(f'<text x="{x + 4:.2f}" y="{y + bar - 4}" font-size="12">{escape(label)}</text></g>')
    shapes.append("</svg>")
    legend = "".join(
        f'<span><i style="background:{COLOURS[i % len(COLOURS)]}"></i>{escape(c)}</span>'
        for i, c in enumerate(categories)
    )
    legend += f'<span><i style="background:{BONUS_COLOUR}"></i>{escape(say("legend.bonus"))}</span>'
    legend += f'<span><i class="deduction"></i>{escape(say("legend.deductions"))}</span>'
    return f'<div class="legend">{legend}</div>' + "".join(shapes)


def _reach(unit: UnitResult) -> Decimal:
    """How far a unit's drawing reaches: its total and the deductions after it, or its total before a veto."""
    return max(max(unit.total, ZERO) + unit.deductions, unit.raw_total)


def _segments(unit: UnitResult, issue: Edition) -> list[tuple[str, str, str, Decimal]]:
    """(kind, title, colour, length) of each part of a unit's bar. The solid parts add up to the
    reported total (never below 0): the bonus at its length, the categories sharing the rest in
    proportion to their subtotals; the deductions follow, pale."""
    total = max(unit.total, ZERO)
    parts: list[tuple[str, str, str, Decimal]] = []
    bonus = min(max(unit.bonus, ZERO), total)
    rest = total - bonus
    subtotals = [max(c.subtotal, ZERO) for c in unit.categories]
    whole = sum(subtotals, ZERO)
    if whole > ZERO and rest > ZERO:
        for index, (category, subtotal) in enumerate(zip(unit.categories, subtotals, strict=True)):
            length = CONTEXT.divide(CONTEXT.multiply(subtotal, rest), whole)
            parts.append(("category", category.label or category.name, COLOURS[index % len(COLOURS)], length))
    elif rest > ZERO:  # no category earned anything, yet there is a total: shown undivided
        parts.append(("category", issue.say("total"), COLOURS[0], rest))
    if bonus > ZERO:
        parts.append(("bonus", issue.say("bonus"), BONUS_COLOUR, bonus))
    if unit.deductions > ZERO and not any(v.zeroes_score for v in unit.vetoes):
        parts.append(("deduction", issue.say("deductions"), DEDUCTION_COLOUR, unit.deductions))
    return [p for p in parts if p[3] > ZERO]


def grade_section(assessment: Assessment, issue: Edition) -> str:
    say = issue.say
    grades = issue.grade_names(assessment)
    rows = []
    for unit_class in assessment.classes:
        units = assessment.in_class(unit_class)
        counts = [sum(1 for u in units if u.grade == g) for g in grades]
        rows.append((unit_class, counts))
    head = "".join(f'<th class="num">{escape(g)}</th>' for g in grades)
    body = "".join(
        f"<tr><td>{escape(c)}</td>" + "".join(f'<td class="num">{n}</td>' for n in counts) + "</tr>"
        for c, counts in rows
    )
    table = f'<table id="grades"><thead><tr><th>{say("class")}</th>{head}</tr></thead><tbody>{body}</tbody></table>'
    legend = "".join(
        f'<span><i style="background:{GRADE_COLOURS[i % len(GRADE_COLOURS)]}"></i>{escape(g)}</span>'
        for i, g in enumerate(grades)
    )
    return (
        f'<section class="part" id="grade-part"><div class="keep"><h2 class="lead">{say("grades")}</h2>\n'
        f'<figure class="chart"><div class="legend">{legend}</div>{grade_chart(rows, grades, issue)}</figure>\n'
        f"{table}</div></section>"
    )


def grade_chart(rows: list[tuple[str, list[int]]], grades: list[str], issue: Edition) -> str:
    bar, gap, label_width, scale_width = 22, 8, 150, 600
    height = len(rows) * (bar + gap) + 10
    shapes = [
        f'<svg class="chart grade-chart" role="img" aria-label="{escape(issue.say("chart.grades"))}" '
        f'width="{label_width + scale_width + 40}" height="{height}" '
        f'viewBox="0 0 {label_width + scale_width + 40} {height}" xmlns="http://www.w3.org/2000/svg">'
    ]
    for row, (unit_class, counts) in enumerate(rows):
        y = 5 + row * (bar + gap)
        total = sum(counts) or 1
        shapes.append(
            f'<text x="{label_width - 6}" y="{y + bar - 6}" text-anchor="end" font-size="12">'
            f"{escape(unit_class)}</text>"
        )
        x = Decimal(label_width)
        for index, count in enumerate(counts):
            width = CONTEXT.divide(Decimal(count * scale_width), Decimal(total))
            if count:
                shapes.append(
                    f'<rect data-grade="{escape(grades[index])}" x="{x:.1f}" y="{y}" width="{width:.1f}" '
                    f'height="{bar}" fill="{GRADE_COLOURS[index % len(GRADE_COLOURS)]}">'
                    f"<title>{escape(grades[index])} {count}</title></rect>"
                    f'<text x="{x + 4:.1f}" y="{y + bar - 6}" font-size="11" fill="#fff">'
                    f"{escape(grades[index])} {count}</text>"
                )
            x = CONTEXT.add(x, width)
    shapes.append("</svg>")
    return "".join(shapes)


def veto_section(assessment: Assessment, issue: Edition) -> str:
    say = issue.say
    items = []
    for unit in assessment.units:
        for veto in unit.vetoes:
            items.append(
                f'<li class="veto" data-unit="{escape(unit.id)}"><b>{escape(unit.name)}</b>'
                f"{escape(issue.aside(unit.unit_class))}{issue.colon}{escape(issue.veto_cause(veto))}"
                f"{issue.semicolon}{say('raw_total')} {issue.figure_text(unit.raw_total)}{issue.semicolon}"
                f"{say('grade')} {escape(issue.grade_cell(unit))}</li>"
            )
    body = f'<ul id="vetoes">{"".join(items)}</ul>' if items else f'<p id="vetoes">{say("none")}</p>'
    return f'<section class="part" id="veto-part"><h2 class="lead">{say("vetoes")}</h2>\n{body}</section>'


def completion_section(assessment: Assessment, issue: Edition) -> str:
    say = issue.say
    rows = "".join(
        f'<tr><td>{escape(r.unit_class)}</td><td>{escape(r.category)}</td><td class="num">{r.items}</td>'
        f'<td class="num">{r.completed}</td><td class="num">{rate(r.completed, r.items)}</td></tr>'
        for r in assessment.completion
    )
    total = (
        f'<tr id="completion-total"><th>{say("all")}</th><th></th><th class="num">{assessment.total_items}</th>'
        f'<th class="num">{assessment.total_completed}</th>'
        f'<th class="num">{rate(assessment.total_completed, assessment.total_items)}</th></tr>'
    )
    return (
        f'<section class="part" id="completion-part"><h2 class="lead">{say("completion")}</h2>\n'
        f'<table id="completion"><thead><tr><th>{say("class")}</th><th>{say("part")}</th>'
        f'<th class="num">{say("items")}</th><th class="num">{say("completed")}</th>'
        f'<th class="num">{say("rate")}</th></tr></thead><tbody>{rows}{total}</tbody></table></section>'
    )


def drill_down(assessment: Assessment, issue: Edition) -> str:
    parts = [
        f'<section class="part" id="explanations"><h2 class="lead">{issue.say("explanations")}</h2>',
        '<div class="columns">',
    ]
    for unit in assessment.units:
        size = assessment.ranked_with(unit.unit_class)
        parts.append(
            f'<details id="unit-{escape(unit.id)}"><summary>{escape(unit.unit_class)} · {unit.rank}. '
            f"{escape(unit.name)} — {issue.figure_text(unit.total)} {escape(unit.grade or '')}</summary>"
            f"<pre>{escape(render_text(unit, size, language=Language(issue.lang)))}</pre></details>"
        )
    parts.append("</div></section>")
    return "\n".join(parts)


def provenance(assessment: Assessment, issue: Edition) -> str:
    if assessment.provenance is None:
        return ""
    facts = assessment.provenance
    return (
        f'<p class="provenance"><small>{issue.say("provenance")}{issue.colon}{issue.say("policy_hash")} SHA-256 '
        f"{facts.policy_sha256} · {issue.say('units_hash')} SHA-256 {facts.units_sha256} · "
        f"targetdsl {escape(facts.targetdsl)}</small></p>"
    )
