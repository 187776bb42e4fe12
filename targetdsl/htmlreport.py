"""The published report: one self-contained static HTML page.

Summary figures, each class's ranking with a stacked bar chart of its
category subtotals, the grade distribution, the vetoes with their causes,
the completion table, and every unit's explanation trace to drill into.
Charts are inline SVG; there are no scripts, fonts or links to fetch, so
the page opens anywhere without a network, and a print stylesheet lays it
out on A4. Everything shown comes from the Assessment; nothing is
computed here but layout.
"""

from __future__ import annotations

from decimal import Decimal
from html import escape

from targetdsl.explain import render_text
from targetdsl.numeric import CONTEXT, in_context
from targetdsl.results import Assessment, UnitResult
from targetdsl.tables import rate, two

COLOURS = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#9c755f"]

STYLE = """
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", "WenQuanYi Zen Hei",
       sans-serif;
       margin: 2em auto; max-width: 1100px; color: #222; line-height: 1.45; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; } h2 { margin-top: 2em; border-bottom: 2px solid #4e79a7; }
table { border-collapse: collapse; margin: 0.8em 0; font-size: 0.92em; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; } th { background: #eef3f8; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.vetoed td { background: #fdecea; }
.figures { display: flex; gap: 1em; flex-wrap: wrap; }
.figure { border: 1px solid #ccc; border-radius: 6px; padding: 0.6em 1em; min-width: 9em; }
.figure b { display: block; font-size: 1.5em; }
details { margin: 0.3em 0; } summary { cursor: pointer; }
pre { background: #f7f7f7; padding: 0.8em; overflow-x: auto; font-size: 0.85em; }
.legend span { display: inline-block; margin-right: 1em; }
.legend i { display: inline-block; width: 0.9em; height: 0.9em; margin-right: 0.3em; vertical-align: middle; }
@media print {
  @page { size: A4 landscape; margin: 12mm; }
  body { margin: 0; max-width: none; font-size: 10pt; }
  h2 { page-break-before: always; } h2.first { page-break-before: avoid; }
  details { page-break-inside: avoid; } details > pre { white-space: pre-wrap; }
  tr { page-break-inside: avoid; }
}
"""


@in_context
def render(assessment: Assessment) -> str:
    parts = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN">',
        "<head>",
        '<meta charset="utf-8">',
        f"<title>{escape(assessment.title)}</title>",
        f"<style>{STYLE}</style>",
        "</head>",
        "<body>",
        f"<h1>{escape(assessment.title)}</h1>",
    ]
    if assessment.period:
        parts.append(f"<p>期间 period: {escape(assessment.period)}</p>")
    parts.append(summary(assessment))
    for index, unit_class in enumerate(assessment.classes):
        units = assessment.in_class(unit_class)
        if units:
            parts.append(class_section(unit_class, units, first=index == 0))
    parts.append(grade_section(assessment))
    parts.append(veto_section(assessment))
    parts.append(completion_section(assessment))
    parts.append(drill_down(assessment))
    if assessment.provenance is not None:
        provenance = assessment.provenance
        parts.append(
            f'<p class="provenance"><small>policy SHA-256 {provenance.policy_sha256} · units SHA-256 '
            f"{provenance.units_sha256} · targetdsl {escape(provenance.targetdsl)}</small></p>"
        )
    parts += ["</body>", "</html>"]
    return "\n".join(parts) + "\n"


def summary(assessment: Assessment) -> str:
    vetoed = sum(1 for u in assessment.units if u.vetoes)
    figures = [("单位 units", str(len(assessment.units)))]
    figures += [(escape(c), str(len(assessment.in_class(c)))) for c in assessment.classes]
    figures += [
        ("考核项目 items", str(assessment.total_items)),
        ("完成 completed", str(assessment.total_completed)),
        ("完成率 rate", rate(assessment.total_completed, assessment.total_items)),
        ("一票否决 vetoed", str(vetoed)),
    ]
    cells = "".join(f'<div class="figure">{label}<b>{value}</b></div>' for label, value in figures)
    return f'<h2 class="first">概况 Summary</h2>\n<div class="figures" id="summary">{cells}</div>'


def class_section(unit_class: str, units: tuple[UnitResult, ...], *, first: bool) -> str:
    categories = [c.label or c.name for c in units[0].categories]
    head = "".join(f"<th>{escape(c)}</th>" for c in categories)
    rows = []
    for unit in units:
        veto = "、".join(v.label or v.name for v in unit.vetoes) or "—"
        subtotals = "".join(f'<td class="num">{two(c.subtotal)}</td>' for c in unit.categories)
        css = ' class="unit-row vetoed"' if unit.vetoes else ' class="unit-row"'
        rows.append(
            f'<tr{css} data-unit="{escape(unit.id)}"><td class="num">{unit.rank}</td>'
            f'<td><a href="#unit-{escape(unit.id)}">{escape(unit.name)}</a></td>'
            f'<td class="num">{two(unit.total)}</td>{subtotals}<td class="num">{two(unit.bonus)}</td>'
            f"<td>{escape(veto)}</td><td>{escape(unit.grade or '—')}</td></tr>"
        )
    table = (
        f'<table class="ranking" data-class="{escape(unit_class)}"><thead><tr><th>名次 rank</th>'
        f"<th>单位 unit</th><th>总分 total</th>{head}<th>加分 bonus</th><th>一票否决 veto</th>"
        f"<th>等次 grade</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )
    return f"<h2>{escape(unit_class)}（{len(units)} 个单位）</h2>\n" + stacked_bars(units, categories) + "\n" + table


def stacked_bars(units: tuple[UnitResult, ...], categories: list[str]) -> str:
    """Horizontal bars, one per unit in rank order, stacked by category subtotal."""
    bar, gap, label_width, scale_width = 18, 6, 190, 700
    top = max([u.raw_total for u in units] + [Decimal(1)])
    height = len(units) * (bar + gap) + 10
    shapes = [
        f'<svg class="chart" role="img" aria-label="category subtotals" width="{label_width + scale_width + 70}" '
        f'height="{height}" xmlns="http://www.w3.org/2000/svg">'
    ]
    for row, unit in enumerate(units):
        y = 5 + row * (bar + gap)
        shapes.append(
            f'<text x="{label_width - 6}" y="{y + bar - 4}" text-anchor="end" font-size="12">{escape(unit.name)}</text>'
        )
        x = Decimal(label_width)
        for index, category in enumerate(unit.categories):
            width = CONTEXT.divide(CONTEXT.multiply(max(category.subtotal, Decimal(0)), Decimal(scale_width)), top)
            colour = COLOURS[index % len(COLOURS)]
            shapes.append(
                f'<rect x="{x:.1f}" y="{y}" width="{width:.1f}" height="{bar}" fill="{colour}">'
                f"<title>{escape(category.label or category.name)} {two(category.subtotal)}</title></rect>"
            )
            x = CONTEXT.add(x, width)
        shapes.append(f'<text x="{x + 4:.1f}" y="{y + bar - 4}" font-size="12">{two(unit.total)}</text>')
    shapes.append("</svg>")
    legend = "".join(
        f'<span><i style="background:{COLOURS[i % len(COLOURS)]}"></i>{escape(c)}</span>'
        for i, c in enumerate(categories)
    )
    return f'<div class="legend">{legend}</div>' + "".join(shapes)


def grade_section(assessment: Assessment) -> str:
    grades: list[str] = []
    for unit in assessment.units:
        if unit.grade is not None and unit.grade not in grades:
            grades.append(unit.grade)
    rows = []
    for unit_class in assessment.classes:
        units = assessment.in_class(unit_class)
        counts = [sum(1 for u in units if u.grade == g) for g in grades]
        rows.append((unit_class, counts))
    head = "".join(f"<th>{escape(g)}</th>" for g in grades)
    body = "".join(
        f"<tr><td>{escape(c)}</td>" + "".join(f'<td class="num">{n}</td>' for n in counts) + "</tr>"
        for c, counts in rows
    )
    table = f'<table id="grades"><thead><tr><th>类别 class</th>{head}</tr></thead><tbody>{body}</tbody></table>'
    return "<h2>等次分布 Grades</h2>\n" + grade_chart(rows, grades) + "\n" + table


def grade_chart(rows: list[tuple[str, list[int]]], grades: list[str]) -> str:
    bar, gap, label_width, scale_width = 22, 8, 150, 600
    height = len(rows) * (bar + gap) + 10
    shapes = [
        f'<svg class="chart" role="img" aria-label="grade distribution" width="{label_width + scale_width + 40}" '
        f'height="{height}" xmlns="http://www.w3.org/2000/svg">'
    ]
    for row, (unit_class, counts) in enumerate(rows):
        y = 5 + row * (bar + gap)
        total = sum(counts) or 1
        shapes.append(
            f'<text x="{label_width - 6}" y="{y + bar - 6}" text-anchor="end" font-size="12">'
            f"{escape(unit_class)}</text>"
        )
        x = float(label_width)
        for index, count in enumerate(counts):
            width = count * scale_width / total
            if count:
                shapes.append(
                    f'<rect x="{x:.1f}" y="{y}" width="{width:.1f}" height="{bar}" '
                    f'fill="{COLOURS[index % len(COLOURS)]}"><title>{escape(grades[index])} {count}</title>'
                    f'</rect><text x="{x + 4:.1f}" y="{y + bar - 6}" font-size="11" fill="#fff">'
                    f"{escape(grades[index])} {count}</text>"
                )
            x += width
    shapes.append("</svg>")
    return "".join(shapes)


def veto_section(assessment: Assessment) -> str:
    items = []
    for unit in assessment.units:
        for veto in unit.vetoes:
            items.append(
                f'<li class="veto" data-unit="{escape(unit.id)}"><b>{escape(unit.name)}</b>'
                f"（{escape(unit.unit_class)}）：{escape(veto.label or veto.name)} — "
                f"{escape(', '.join(veto.effects))}; raw total {two(unit.raw_total)}, grade "
                f"{escape(unit.grade or '—')}</li>"
            )
    body = f'<ul id="vetoes">{"".join(items)}</ul>' if items else '<p id="vetoes">无 none</p>'
    return "<h2>一票否决 Vetoes</h2>\n" + body


def completion_section(assessment: Assessment) -> str:
    rows = "".join(
        f'<tr><td>{escape(r.unit_class)}</td><td>{escape(r.category)}</td><td class="num">{r.items}</td>'
        f'<td class="num">{r.completed}</td><td class="num">{rate(r.completed, r.items)}</td></tr>'
        for r in assessment.completion
    )
    total = (
        f'<tr id="completion-total"><th>合计 all</th><th></th><th class="num">{assessment.total_items}</th>'
        f'<th class="num">{assessment.total_completed}</th>'
        f'<th class="num">{rate(assessment.total_completed, assessment.total_items)}</th></tr>'
    )
    return (
        '<h2>完成情况 Completion</h2>\n<table id="completion"><thead><tr><th>类别 class</th><th>部分 part</th>'
        f"<th>项目 items</th><th>完成 completed</th><th>完成率 rate</th></tr></thead><tbody>{rows}{total}"
        "</tbody></table>"
    )


def drill_down(assessment: Assessment) -> str:
    parts = ["<h2>逐单位说明 Unit explanations</h2>"]
    for unit in assessment.units:
        size = len(assessment.in_class(unit.unit_class))
        parts.append(
            f'<details id="unit-{escape(unit.id)}"><summary>{escape(unit.unit_class)} · {unit.rank}. '
            f"{escape(unit.name)} — {two(unit.total)} {escape(unit.grade or '')}</summary>"
            f"<pre>{escape(render_text(unit, size))}</pre></details>"
        )
    return "\n".join(parts)
