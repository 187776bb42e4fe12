"""Score cards (成绩单): one A4 page per unit, to hand to the unit.

Each card says what the results are (title, status, office and date where given), the unit's
rank in its class, its reported total, grade and award money, each category's subtotal against
its points, the bonus and deductions, the vetoes with their effects and why the grade is what it
is, in words, and every measure's score. A self-contained HTML page like the report, one card per
printed page (`targetdsl report … --cards`). Nothing is computed here but layout.
"""

from __future__ import annotations

from html import escape

from targetdsl.evaluation.results import Assessment, UnitResult
from targetdsl.numeric import in_context
from targetdsl.office.htmlreport import masthead, page_head
from targetdsl.office.publication import Edition, edition

STYLE = """
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", "WenQuanYi Zen Hei",
       sans-serif; margin: 2em auto; max-width: 800px; color: #222; line-height: 1.4; }
section.card { border: 1px solid #ccc; padding: 1em 1.5em; margin-bottom: 2em; }
h1 { font-size: 1.15em; margin: 0 0 0.2em; } h2 { font-size: 1.5em; margin: 0.4em 0; }
.meta { margin: 0.1em 0; color: #444; font-size: 0.9em; }
.headline { display: flex; gap: 1em; flex-wrap: wrap; margin: 0.6em 0; }
.headline div { border: 1px solid #ccc; border-radius: 6px; padding: 0.4em 0.9em; min-width: 7em; }
.headline b { display: block; font-size: 1.4em; }
table { border-collapse: collapse; margin: 0.5em 0; font-size: 0.9em; width: 100%; }
th, td { border: 1px solid #ccc; padding: 0.2em 0.5em; } th { background: #eef3f8; text-align: left; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
ul.reasons { margin: 0.3em 0; padding-left: 1.4em; }
#assumptions ul { margin: 0.1em 0 0.3em; padding-left: 1.4em; color: #444; font-size: 0.85em; }
@media print {
  @page { size: A4 portrait; margin: 14mm; }
  body { margin: 0; max-width: none; font-size: 9.5pt; }
  section.card { border: none; padding: 0; margin: 0; break-after: page; break-inside: avoid; }
  section.card:last-child { break-after: auto; }
}
"""


@in_context
def render_cards(assessment: Assessment, issue: Edition | None = None) -> str:
    """Every unit's score card, in the results' order (class by class, by rank)."""
    issue = issue or edition()
    parts = page_head(assessment, issue, STYLE)
    for unit in assessment.units:
        parts.append(card(assessment, unit, issue))
    parts += ["</body>", "</html>"]
    return "\n".join(parts) + "\n"


def card(assessment: Assessment, unit: UnitResult, issue: Edition) -> str:
    say, show = issue.say, issue.figure_text
    size = assessment.ranked_with(unit.unit_class)
    headline = [
        (say("rank"), say("card.rank", rank=unit.rank, size=size)),
        (say("total"), show(unit.total)),
        (say("grade"), issue.grade_cell(unit)),
    ]
    if unit.eligible is not None and unit.money is None:  # an award without money (目标奖): won or not
        headline.append((say("eligible"), say("yes" if unit.eligible else "no")))
    elif unit.eligible is not None:
        money = say("not_eligible") if unit.eligible is False else f"{unit.money or 0:,.0f}"
        if unit.money is not None and unit.money != unit.money.to_integral_value():
            money = f"{unit.money:,.2f}"
        headline.append((say("award"), money))
    boxes = "".join(f"<div>{escape(k)}<b>{escape(v)}</b></div>" for k, v in headline)
    categories = "".join(
        f'<tr><td>{escape(c.label or c.name)}</td><td class="num">{show(c.points)}</td>'
        f'<td class="num">{show(c.subtotal)}</td></tr>'
        for c in unit.categories
    )
    minus = "−" if unit.deductions > 0 else ""
    categories += (
        f'<tr><td>{say("bonus")}</td><td></td><td class="num">{show(unit.bonus)}</td></tr>'
        f'<tr><td>{say("deductions")}</td><td></td><td class="num">{minus}{show(unit.deductions)}</td></tr>'
    )
    reasons = [issue.veto_cause(v) for v in unit.vetoes]
    reasons += [r for r in issue.grade_reasons(unit) if r not in reasons]
    if not reasons and unit.grade is not None:
        reasons.append(say("reason.band", total=show(unit.total), grade=unit.grade))
    if unit.commendations:
        reasons.append(say("commendations") + issue.colon + "、".join(unit.commendations))
    measures = "".join(
        f"<tr><td>{escape(m.category)}</td><td>{escape(m.label or m.name)}</td>"
        f'<td class="num">{show(m.points) if m.applicable else ""}</td>'
        f'<td class="num">{show(m.earned) if m.applicable else escape(say("not_applicable"))}</td></tr>'
        for m in unit.breakdown.computed()
    )
    title = unit.name + issue.aside(unit.id)
    return (
        f'<section class="card" data-unit="{escape(unit.id)}">'
        + "".join(masthead(assessment, issue))
        + f"<h2>{escape(say('card'))}{issue.colon}{escape(title)}</h2>"
        + f'<p class="meta">{say("class")}{issue.colon}{escape(unit.unit_class)}</p>'
        + f'<div class="headline">{boxes}</div>'
        + f'<table class="categories"><thead><tr><th>{say("category")}</th><th class="num">{say("card.share")}</th>'
        + f'<th class="num">{say("card.subtotal")}</th></tr></thead><tbody>{categories}</tbody></table>'
        + f'<ul class="reasons">{"".join(f"<li>{escape(r)}</li>" for r in reasons)}</ul>'
        + f'<table class="measures"><thead><tr><th>{say("category")}</th><th>{say("indicator")}</th>'
        + f'<th class="num">{say("points")}</th><th class="num">{say("earned")}</th></tr></thead>'
        + f"<tbody>{measures}</tbody></table></section>"
    )
