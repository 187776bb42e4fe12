"""Assessment results as text tables (aligned by terminal display width) and CSV.

Chinese names take two terminal columns per character; columns are padded
by display width so tables line up in a terminal. Names and ids come from
the data: the table shows their control characters as visible escapes, and
CSV cells never start a formula (`outputs`). This module only
formats: it computes nothing the Assessment does not already hold.

Every word is English unless a language is asked for: then the words are those the workbook and the
report print (`publication.LABELS`), and a grade's reason is put into that language through the
catalog. CSV keeps its English column names for programs unless Chinese is asked for.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from decimal import Decimal
from typing import Any, ClassVar

import attrs

from targetdsl.evaluation.drafts import Brief
from targetdsl.evaluation.periods import PeriodCombination
from targetdsl.evaluation.results import Assessment, MeasureResult, UnitResult, shown_measure, unit_json
from targetdsl.messages import Language, translate_clauses
from targetdsl.numeric import CONTEXT, EXACT, HUNDRED, Shown, quantize, text
from targetdsl.outputs import csv_cell, json_visible, render_table, two, visible_inline


def word(key: str, english: str, language: Language) -> str:
    """`english` as this module prints it, or in Chinese the label `key` of `publication.LABELS`."""
    if language is Language.ENGLISH:
        return english
    from targetdsl.office.publication import LABELS  # publication reads the engine: imported when needed

    return LABELS[key][0]


def rate(done: int, items: int) -> str:
    if items == 0:
        return "—"
    return format(quantize(CONTEXT.divide(Decimal(done) * HUNDRED, Decimal(items)), 1), "f") + "%"


def yes_no(eligible: bool | None, language: Language = Language.ENGLISH) -> str:
    """Eligibility in CSV: yes, no, or empty where the class has no award (as `money` is empty)."""
    return "" if eligible is None else word("yes", "yes", language) if eligible else word("no", "no", language)


def award_cell(unit: UnitResult, language: Language = Language.ENGLISH) -> str:
    """The money, or `not eligible`; `won` where the class's awards pay no money (目标奖: won or not)."""
    if unit.eligible is False:
        return word("not_eligible", "not eligible", language)
    if unit.money is None:
        return word("won", "won", language) if unit.eligible else "—"
    return money(unit.money)


def money(value: Decimal) -> str:
    """An amount of money as a reader reads it: 16,000.00."""
    return format(quantize(value, 2), ",f")


def grade_note(unit: UnitResult) -> str | None:
    """Why the grade is not the one the total's band gives (a quota, a veto), or None when it is: the
    grade reason past its first clause, which says only which band the total is in."""
    _, separator, rest = unit.grade_reason.partition("; ")
    return rest if separator and unit.grade is not None else None


def veto_cell(unit: UnitResult) -> str:
    return "、".join(v.label or v.name for v in unit.vetoes) or "—"


def class_table(assessment: Assessment, unit_class: str, *, language: Language = Language.ENGLISH) -> str:
    """The class's units in rank order; each category headed with its points (`定量指标 (50)`), the award
    money where the class has an award, and under the table a note for each grade a quota or a veto
    changed from the one the total's band gives (marked `*`)."""
    units = assessment.in_class(unit_class)
    categories = [f"{c.label or c.name} ({text(c.points)})" for c in units[0].categories] if units else []
    awards = any(unit.eligible is not None for unit in units)  # the class has an award: its money is shown
    headers = [
        word("rank", "rank", language),
        word("unit", "unit", language),
        word("total", "total", language),
        *categories,
        word("bonus", "bonus", language),
        word("veto", "veto", language),
        word("grade", "grade", language),
        *([word("award", "award", language)] if awards else []),
    ]
    rows = []
    for unit in units:
        rows.append(
            [
                str(unit.rank),
                unit.name,
                two(unit.total),
                *(two(c.subtotal) for c in unit.categories),
                two(unit.bonus),
                veto_cell(unit),
                (word("not_graded", "not graded", language) if unit.not_graded else unit.grade or "—")
                + ("*" if grade_note(unit) else ""),
                *([award_cell(unit, language)] if awards else []),
            ]
        )
    right = {0, 2, *range(3, 3 + len(categories) + 1), *([6 + len(categories)] if awards else [])}
    # one line per cause, naming its units: a quota gives every unit below it the same reason
    noted: dict[str, list[str]] = {}
    for unit in units:
        note = grade_note(unit)
        if note is not None:
            noted.setdefault(translate_clauses(note, language), []).append(unit.name)
    colon = ": " if language is Language.ENGLISH else "："
    lines = [f"* {note}{colon}{'、'.join(names)}" for note, names in noted.items()]
    return render_table(headers, rows, right) + "".join(f"\n{visible_inline(line)}" for line in lines)


def completion_table(assessment: Assessment, *, language: Language = Language.ENGLISH) -> str:
    rows = [
        [row.unit_class, row.category, str(row.items), str(row.completed), rate(row.completed, row.items)]
        for row in assessment.completion
    ]
    rows.append(
        [
            word("all", "all", language),
            "",
            str(assessment.total_items),
            str(assessment.total_completed),
            rate(assessment.total_completed, assessment.total_items),
        ]
    )
    headers = [word(key, key, language) for key in ("class", "part", "items", "completed", "rate")]
    return render_table(headers, rows, {2, 3, 4})


def render_assessment(assessment: Assessment, *, language: Language = Language.ENGLISH) -> str:
    chinese = language is Language.CHINESE
    period = ""
    shown = assessment.period_shown(chinese=chinese)
    if assessment.weighted and shown:
        period = f"（{visible_inline(shown)}）" if chinese else f" — {visible_inline(shown)}"
    elif shown:
        period = f"（{visible_inline(shown)}）" if chinese else f" — period {visible_inline(shown)}"
    parts = [visible_inline(assessment.title) + period]
    for unit_class in assessment.classes:
        units = assessment.in_class(unit_class)
        if not units:
            continue
        count = f"（{len(units)} 个单位）" if chinese else f" ({len(units)} units)"
        parts.append(f"\n{visible_inline(unit_class)}{count}")
        shared = assessment.ranking_of(unit_class)
        if shared is not None:  # its ranks are of a ranking across classes: say so above them
            everyone = sum(len(assessment.in_class(c)) for c in shared.classes)
            ranking = visible_inline(shared.label or shared.name)
            classes = ("、" if chinese else ", ").join(visible_inline(c) for c in shared.classes)
            parts.append(
                f"名次为{ranking}（{classes}，共 {everyone} 个单位）"
                if chinese
                else f"ranked in {ranking} ({classes}: {everyone} units)"
            )
        parts.append(class_table(assessment, unit_class, language=language))
    commended = commendation_lines(assessment, chinese=chinese)
    if commended:  # who each commendation names: an honour the office publishes, as the score card says
        parts.append(f"\n{word('commendations', 'commendations', language)}\n" + "\n".join(commended))
    parts.append(f"\n{word('completion', 'completion', language)}\n" + completion_table(assessment, language=language))
    if assessment.ledger:
        rows = [
            [c.unit, c.bonus, c.level, c.name or "", c.date.isoformat() if c.date else ""] for c in assessment.ledger
        ]
        headers = ["unit", "bonus", "level", "award", "date"]
        if chinese:
            headers = [word("unit", "", language), word("bonus", "", language), "级别", "奖项", "颁奖日期"]
        title = "结转下一年度" if chinese else "carried over to next year"
        parts.append(f"\n{title}\n" + render_table(headers, rows, set()))
    return "\n".join(parts) + "\n"


def commendation_lines(assessment: Assessment, *, chinese: bool = False) -> list[str]:
    """Each commendation given, with the units it names (by name, in class and rank order; the classes
    of a ranking across classes together, in the order of their shared rank)."""
    order = {name: index for index, name in enumerate(assessment.classes)}

    def group(unit_class: str) -> int:
        shared = assessment.ranking_of(unit_class)
        return order.get(shared.classes[0] if shared is not None else unit_class, 0)

    named: dict[str, list[str]] = {}
    for unit in sorted(assessment.units, key=lambda u: (group(u.unit_class), u.rank or 0)):
        for commendation in unit.commendations:
            named.setdefault(commendation, []).append(visible_inline(unit.name or unit.id))
    if chinese:
        return [f"{visible_inline(c)}（{len(units)} 个单位）：{'、'.join(units)}" for c, units in named.items()]
    return [f"{visible_inline(c)} ({len(units)} units): {', '.join(units)}" for c, units in named.items()]


def render_csv(assessment: Assessment, *, language: Language = Language.ENGLISH, shown: Shown = EXACT) -> str:
    """One row per unit: every category subtotal, bonus, deductions, veto, grade, rank, money, and the
    commendations given when the policy declares any; the subtotals, bonus and deductions as `shown`
    shows them (`Policy.shown`: the policy's places, as `targetdsl evaluate` writes them)."""
    categories: list[str] = []
    for unit in assessment.units:
        for category in unit.categories:
            if category.name not in categories:
                categories.append(category.name)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    commended = bool(assessment.commending)
    writer.writerow([csv_cell(c) for c in csv_header(categories, language=language, commendations=commended)])
    for unit in assessment.units:
        writer.writerow(csv_row(unit, categories, language=language, commendations=commended, shown=shown))
    return out.getvalue()


# The CSV columns in Chinese, beside the English names programs read.
CSV_CHINESE = {
    "class": "类别",
    "rank": "名次",
    "id": "单位编号",
    "name": "单位名称",
    "total": "总分",
    "raw_total": "否决前总分",
    "bonus": "加分",
    "deductions": "扣分",
    "vetoes": "一票否决",
    "grade": "等次",
    "eligible": "可获奖",
    "money": "奖金",
    "items": "目标项数",
    "completed_items": "完成项数",
    "commendations": "嘉奖",
}


def csv_header(
    categories: Sequence[str], *, language: Language = Language.ENGLISH, commendations: bool = False
) -> list[str]:
    """The CSV's column names: a column per category, and `commendations` last when the policy declares
    a commendation (`commendations`), so that no result the policy gives is left out of the file."""
    names = _csv_names(categories) + (["commendations"] if commendations else [])
    if language is Language.ENGLISH:
        return names
    # a category keeps its name, even one spelled like a column
    fixed = range(6, 6 + len(categories))
    return [name if index in fixed else CSV_CHINESE[name] for index, name in enumerate(names)]


def _csv_names(categories: Sequence[str]) -> list[str]:
    return [
        "class",
        "rank",
        "id",
        "name",
        "total",
        "raw_total",
        *categories,
        "bonus",
        "deductions",
        "vetoes",
        "grade",
        "eligible",
        "money",
        "items",
        "completed_items",
    ]


def csv_row(
    unit: UnitResult | Brief,
    categories: Sequence[str],
    *,
    language: Language = Language.ENGLISH,
    commendations: bool = False,
    shown: Shown = EXACT,
) -> list[Any]:
    """The numbers as numbers (a negative total stays one): the total, the total before vetoes and the money
    as computed (the policy's stages round them), the subtotals, bonus and deductions as `shown` shows them;
    every name through `csv_cell`. With `commendations`, the names of the unit's commendations last, joined
    by `;` as its vetoes are."""
    subtotals = [shown(s) if (s := unit.subtotal(c)) is not None else "" for c in categories]
    return [
        csv_cell(unit.unit_class),
        unit.rank,
        csv_cell(unit.id),
        csv_cell(unit.name),
        text(unit.total),
        text(unit.raw_total),
        *subtotals,
        shown(unit.bonus),
        shown(unit.deductions),
        csv_cell(";".join(v.name for v in unit.vetoes)),
        csv_cell(unit.grade or ""),
        yes_no(unit.eligible, language),
        "" if unit.money is None else text(unit.money),
        unit.items,
        unit.completed_items,
        *([csv_cell(";".join(unit.commendations))] if commendations else []),
    ]


def csv_line(
    unit: UnitResult | Brief,
    categories: Sequence[str],
    *,
    language: Language = Language.ENGLISH,
    commendations: bool = False,
    shown: Shown = EXACT,
) -> str:
    """One unit's CSV line as `evaluate` writes it (before control characters are made visible), with
    `shown=policy.shown`."""
    out = io.StringIO()
    row = csv_row(unit, categories, language=language, commendations=commendations, shown=shown)
    csv.writer(out, lineterminator="\n").writerow(row)
    return out.getvalue()


@attrs.frozen
class CsvLine:
    """`csv_line` with its options, as an evaluation in parts renders each unit it finishes (`render`):
    it reads only what a table row shows (`rows`), so a part may give it the row its first pass kept of a
    unit (`evaluation.drafts.Brief`) instead of scoring the unit again."""

    language: Language = Language.ENGLISH
    commendations: bool = False
    shown: Shown = EXACT
    rows: ClassVar[bool] = True

    def __call__(self, unit: UnitResult | Brief, categories: Sequence[str]) -> str:
        return csv_line(unit, categories, language=self.language, commendations=self.commendations, shown=self.shown)


def jsonl_line(unit: UnitResult, categories: Sequence[str] = (), *, shown: Shown = EXACT) -> str:
    """One unit's JSON Lines line as `evaluate` writes it, with `shown=policy.shown`: the JSON text of
    `unit_json(unit, shown=shown)`, control characters made visible. Its measures, the most of it, are
    written one by one from pieces kept for every unit (`_measure_line`) rather than walked as a whole."""
    whole = json.dumps(unit_json(unit, shown=shown, measures=False), ensure_ascii=False)
    # "measures" is a key of the unit alone, and no text holds a bare quote: the one place of its list
    before, marker, after = whole.partition(_NO_MEASURES)
    if not marker or _NO_MEASURES in after:
        raise RuntimeError(f"unit {unit.id}: its JSON line has no one place for its measures")
    measures = ", ".join([_measure_line(m, shown) for m in unit.breakdown.computed()])
    return json_visible(f"{before}{_MEASURES_AT}{measures}]{after}") + "\n"


_NO_MEASURES = '"measures": []'
_MEASURES_AT = '"measures": ['
# each measure's name, label, category and kind as its JSON writes them, by those values (from the policy)
_MEASURE_HEADS: dict[tuple[Any, ...], str] = {}


def _measure_line(measure: MeasureResult, shown: Shown) -> str:
    """`json.dumps(shown_measure(measure, shown), ensure_ascii=False)`, from its parts: a measure without
    items and with fields of their usual types (else written so)."""
    points, earned, applicable = measure.points, measure.earned, measure.applicable
    completed, counted = measure.completed, measure.counted
    if (
        measure.items
        or points.__class__ is not Decimal
        or earned.__class__ is not Decimal
        or applicable.__class__ is not bool
        or completed.__class__ is not int
        or counted.__class__ is not int
    ):
        return json.dumps(shown_measure(measure, shown), ensure_ascii=False)
    key = (measure.name, measure.label, measure.category, measure.kind)
    head = _MEASURE_HEADS.get(key)
    if head is None:
        head = json.dumps(dict(zip(("name", "label", "category", "kind"), key, strict=True)), ensure_ascii=False)
        if len(_MEASURE_HEADS) >= 4096:  # a long-lived process evaluating many policies: kept bounded
            _MEASURE_HEADS.clear()
        head = _MEASURE_HEADS[key] = head[:-1]  # without its closing brace
    shown_earned = shown.of(text(earned)) if shown.places is not None else text(earned)
    return (
        f'{head}, "points": "{text(points)}", "earned": "{shown_earned}", '
        f'"applicable": {"true" if applicable else "false"}, "completed": {completed}, '
        f'"counted": {counted}, "items": []}}'
    )


def period_table(combined: PeriodCombination, *, language: Language = Language.ENGLISH) -> str:
    """Period results combined into an annual ranking, as a text table: each period's total beside its
    weight, the weighted score."""
    words = ["class", "rank", "unit", "weighted"]
    if language is Language.CHINESE:
        words = ["类别", "名次", "单位", "加权得分"]
    headers = [*words[:3], *(f"{p} ({text(w)}%)" for p, w in combined.periods), words[3]]
    rows = [[u.unit_class, str(u.rank), u.name, *(two(t) for _, t in u.totals), two(u.score)] for u in combined.units]
    return render_table(headers, rows, {1, *range(3, 4 + len(combined.periods))}) + "\n"
