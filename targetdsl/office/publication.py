"""What a published result says beyond its numbers, in the reader's language.

The results workbook and the HTML report are handed to people who never see the policy: they
need its status, its grades in its own order, its rounding, the issuing office and the date, and
each veto and grade reason said in words rather than in the policy's keywords. An `Edition` holds
those facts, taken from the checked policy and the options of the command; `LABELS` is the one
table of every word those outputs print, in Chinese and in English.

This module decides no result. It reads what grading decided back from typed data — the band the
reported total is in (the engine's own test), the veto effects — to say which step set a grade;
`tests/unit/test_results_workbook.py` holds that reading to the engine's reasons on every shipped
policy.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

import attrs

from targetdsl.evaluation.engine import in_band
from targetdsl.evaluation.results import Assessment, UnitResult, VetoEffect, VetoResult
from targetdsl.keywords import BY_CONCEPT, CHINESE
from targetdsl.language.checker import assumptions
from targetdsl.language.nodes import Band, EffectKind
from targetdsl.numeric import CONTEXT, quantize

if TYPE_CHECKING:
    from targetdsl.api import Policy

LANGUAGES = ("zh", "en")

# Every word the workbook and the report print, by key: one row per label, Chinese first. A `{…}`
# is filled by the caller with names from the policy or the data.
LABELS: dict[str, tuple[str, str]] = {
    "results": ("考核结果", "assessment results"),
    "year": ("{year}年度", "year {year}"),
    "period": ("期间：{period}", "period: {period}"),
    "status.draft": ("征求意见稿", "draft for comment"),
    "status.adopted": ("正式稿", "adopted"),
    "assumptions": ("本办法的假定", "assumptions of the method"),
    "status.unknown": ("未注明状态", "status not given"),
    "office": ("发布单位：{office}", "issued by {office}"),
    "date": ("日期：{date}", "date: {date}"),
    "page": ("第 &P 页，共 &N 页", "page &P of &N"),
    "rank": ("名次", "rank"),
    "id": ("单位编号", "unit id"),
    "unit": ("单位", "unit"),
    "units": ("{count} 个单位", "{count} units"),
    "class": ("类别", "class"),
    "total": ("总分", "total"),
    "raw_total": ("否决前总分", "total before vetoes"),
    "bonus": ("加分", "bonus"),
    "deductions": ("扣分", "deductions"),
    "veto": ("一票否决", "one-vote veto"),
    "grade": ("等次", "grade"),
    "grade_reason": ("等次说明", "why this grade"),
    "not_graded": ("不定等次", "not graded"),
    "award": ("奖金（元）", "award (yuan)"),
    "not_eligible": ("不得获奖", "not eligible"),
    "eligible": ("可获奖", "eligible"),
    "won": ("获奖", "won"),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
    "quota_mark": ("名额限制", "quota"),
    "none": ("无", "none"),
    "all": ("合计", "all"),
    "part": ("考核内容", "part"),
    "items": ("目标项数", "targets"),
    "completed": ("完成项数", "completed"),
    "rate": ("完成率", "completion rate"),
    "rate_note": ("完成率 = 完成项数 ÷ 目标项数", "completion rate = targets completed ÷ targets"),
    "completion": ("完成情况", "completion"),
    "breakdown": ("明细", "breakdown"),
    "exact": ("精确值", "exact values"),
    "exact_note": (
        "各项得分的精确值（以文本保存，不经舍入）：审核时核对用。",
        "Every figure exactly, as text, never rounded: for auditors.",
    ),
    "rounding_note": (
        "分数按考核办法舍入（{mode}，保留 {places} 位小数）；精确值见“{sheet}”表。",
        "Figures are rounded as the policy rounds ({mode}, {places} decimals); exact values are on sheet '{sheet}'.",
    ),
    "figure": ("项目", "figure"),
    "value": ("数值", "value"),
    "category": ("考核内容", "category"),
    "indicator": ("指标", "indicator"),
    "earned": ("得分", "earned"),
    "points": ("分值", "points"),
    "not_applicable": ("不适用", "not applicable"),
    "summary": ("概况", "Summary"),
    "grades": ("等次分布", "Grades"),
    "vetoes": ("一票否决", "Vetoes"),
    "explanations": ("逐单位说明", "Unit explanations"),
    "units_assessed": ("参评单位", "units assessed"),
    "targets_completed": ("目标完成", "targets completed"),
    "vetoed_units": ("被否决单位", "units vetoed"),
    "legend.bonus": ("加分", "bonus"),
    "legend.deductions": ("扣分（已从总分中减去）", "deductions (taken off the total)"),
    "chart.ranking": ("各单位总分构成", "what each total is made of"),
    "chart.grades": ("等次分布", "grade distribution"),
    "vetoed_zero": ("否决前 {raw}", "{raw} before the veto"),
    "card": ("成绩单", "Score card"),
    "card.rank": ("第 {rank} 名（共 {size} 个单位）", "rank {rank} of {size}"),
    "card.subtotal": ("得分", "score"),
    "card.share": ("满分", "out of"),
    "card.no_award": ("本类别不设奖金", "no award in this class"),
    "commendations": ("嘉奖", "commendations"),
    "provenance": ("依据", "computed from"),
    "policy_hash": ("考核办法", "policy"),
    "units_hash": ("单位数据", "unit data"),
    "effect.grade": ("等次定为{grade}", "grade set to {grade}"),
    "effect.cap_grade": ("等次最高为{grade}", "grade at most {grade}"),
    "effect.no_award": ("不得获奖", "no award"),
    "effect.zero_score": ("总分计零", "total counted as 0"),
    "reason.not_graded": ("{name}不定等次", "{name} is not graded"),
    "reason.band": ("总分 {total} 在{grade}档", "total {total} is in the {grade} band"),
    "reason.veto": ("{veto}一票否决：{effect}", "{veto} veto: {effect}"),
    "reason.quota": (
        "{grade}名额限 {quota}%，按名次评为{result}",
        "{grade} is limited to {quota}% of the class; by rank, {result}",
    ),
    # quota forms: a fixed head count, a share with the fewest it keeps
    "reason.quota_count": (
        "{grade}名额限 {count} 个，按名次评为{result}",
        "{grade} is limited to {count} units; by rank, {result}",
    ),
    "reason.quota_floor": (
        "{grade}名额限 {quota}%（不少于 {floor} 个），按名次评为{result}",
        "{grade} is limited to {quota}% of the class, at least {floor}; by rank, {result}",
    ),
    "reason.passed_over": (
        "一票否决不得获奖，不占{grade}名额，评为{result}",
        "a veto withholds the award: no place in the {grade} quota; {result}",
    ),
    "mode.half_up": ("四舍五入", "half up"),
    "mode.half_even": ("四舍六入五成双", "half even"),
    "mode.down": ("截尾", "down"),
    "mode.up": ("进一", "up"),
}


@attrs.frozen
class Grade:
    """A grade of the policy's ladder, best first: its name, label and quota (a share, or a fixed head
    count; a share may keep at least `floor` units)."""

    name: str
    label: str | None
    quota: Decimal | None = None
    count: Decimal | None = None
    floor: Decimal | None = None

    @property
    def limited(self) -> bool:
        return self.quota is not None or self.count is not None


@attrs.frozen
class Edition:
    """The facts a published result states about itself: the policy's status, grades best first,
    rounding, the issuing office and date (none unless given: the same results give the same bytes),
    and the language of every label."""

    status: str | None = None
    grades: tuple[Grade, ...] = ()
    places: int = 2
    mode: str = "half_up"
    office: str | None = None
    date: str | None = None
    lang: str = "zh"
    bands: tuple[tuple[str, Band], ...] = attrs.field(default=(), eq=False, repr=False)
    # what the method's source left open and the policy decided (`assume "…"`): (what it belongs to, text)
    assumptions: tuple[tuple[str, str], ...] = ()

    def say(self, key: str, **values: object) -> str:
        """The label `key` in this edition's language, with `values` filled in."""
        words = LABELS[key][LANGUAGES.index(self.lang)]
        return words.format(**values) if values else words

    @property
    def colon(self) -> str:
        return "：" if self.lang == "zh" else ": "

    @property
    def semicolon(self) -> str:
        return "；" if self.lang == "zh" else "; "

    def aside(self, words: str) -> str:
        """`words` in brackets, as this language writes them after a name."""
        return f"（{words}）" if self.lang == "zh" else f" ({words})"

    def figure(self, value: Decimal) -> Decimal:
        """A figure as the policy reports it: rounded to its places by its mode."""
        return quantize(value, self.places, self.mode)

    def figure_text(self, value: Decimal) -> str:
        return format(self.figure(value), "f")

    @property
    def number_format(self) -> str:
        """The spreadsheet format of a figure with the policy's places."""
        return "0." + "0" * self.places if self.places > 0 else "0"

    def status_text(self) -> str:
        return self.say(f"status.{self.status}") if self.status in ("draft", "adopted") else self.say("status.unknown")

    def heading(self, assessment: Assessment) -> str:
        """`<title> 2003年度 考核结果（征求意见稿）`: what the first line of every printed page says."""
        title = assessment.title
        year = assessment.year
        shown_year = f" {self.say('year', year=year)}" if year is not None and str(year) not in title else ""
        shown = assessment.period_shown(chinese=self.lang == "zh")
        period = f" {self.say('period', period=shown)}" if shown else ""
        status = self.status_text()
        shown_status = "" if status in title else self.aside(status)
        return f"{title}{shown_year}{period} {self.say('results')}{shown_status}"

    def grade_names(self, assessment: Assessment) -> list[str]:
        """The policy's grades best first; without a policy, the grades the results hold, as found."""
        if self.grades:
            return [g.name for g in self.grades]
        names: list[str] = []
        for unit in assessment.units:
            if unit.grade is not None and unit.grade not in names:
                names.append(unit.grade)
        return names

    # ------------------------------------------------------ vetoes and grades in words

    def effect(self, action: VetoEffect) -> str:
        return self.say(f"effect.{action.kind.value}", grade=action.grade)

    def veto_cause(self, veto: VetoResult) -> str:
        """`环境保护一票否决：等次最高为良好，不得获奖`: the veto's label and its effects as the policy states them."""
        separator = "，" if self.lang == "zh" else ", "
        return self.say(
            "reason.veto", veto=veto.label or veto.name, effect=separator.join(self.effect(a) for a in veto.actions)
        )

    def quota_grade(self, unit: UnitResult) -> str | None:
        """The grade whose quota placed the unit lower than its total and its vetoes would, or None.

        Grading gives the band the reported total is in, then applies the veto effects, then the
        quotas (docs/semantics.md, steps 8 and 9): a grade below what the first two give was set by a
        quota, the quota of the grade the first two give."""
        ladder = [g.name for g in self.grades]
        if unit.grade is None or unit.grade not in ladder or not self.bands:
            return None
        expected = next((name for name, band in self.bands if in_band(band, unit.total)), ladder[-1])
        for veto in unit.vetoes:
            for action in veto.actions:
                if action.kind is EffectKind.GRADE and action.grade in ladder:
                    expected = action.grade
                elif action.kind is EffectKind.CAP_GRADE and action.grade in ladder:
                    if ladder.index(expected) < ladder.index(action.grade):
                        expected = action.grade
        return expected if ladder.index(unit.grade) > ladder.index(expected) else None

    def grade_cell(self, unit: UnitResult, none: str = "—") -> str:
        """The unit's grade as a table shows it: `不定等次` for a unit not graded, `none` for no grade."""
        if unit.not_graded:
            return self.say("not_graded")
        return unit.grade or none

    def grade_reasons(self, unit: UnitResult) -> list[str]:
        """Why the unit has its grade, in words: the vetoes that set or capped it, a quota that lowered
        it. Empty when the band of its total alone decided."""
        if unit.not_graded:  # units not graded
            return [self.say("reason.not_graded", name=unit.unit_class)]
        reasons = [
            self.veto_cause(v)
            for v in unit.vetoes
            if any(a.kind in (EffectKind.GRADE, EffectKind.CAP_GRADE) for a in v.actions)
        ]
        limited = self.quota_grade(unit)
        if limited is not None:
            grade = next(g for g in self.grades if g.name == limited)
            if any(v.withholds_award for v in unit.vetoes):
                reasons.append(self.say("reason.passed_over", grade=limited, result=unit.grade))
            elif grade.count is not None:
                count = format(grade.count, "f")
                reasons.append(self.say("reason.quota_count", grade=limited, count=count, result=unit.grade))
            elif grade.floor is not None:
                quota, floor = format(grade.quota, "f"), format(grade.floor, "f")
                reasons.append(
                    self.say("reason.quota_floor", grade=limited, quota=quota, floor=floor, result=unit.grade)
                )
            else:
                quota = format(grade.quota, "f") if grade.quota is not None else "?"
                reasons.append(self.say("reason.quota", grade=limited, quota=quota, result=unit.grade))
        return reasons

    def money_format(self, amounts: Sequence[Decimal | None]) -> str:
        """`#,##0` for whole yuan; with the decimals the amounts have when one has a fraction."""
        places = 0
        for amount in amounts:
            if amount is not None and amount != amount.to_integral_value():
                exponent = amount.normalize(CONTEXT).as_tuple().exponent
                places = max(places, -exponent if isinstance(exponent, int) else 0)
        return "#,##0" if places == 0 else "#,##0." + "0" * places


def edition(
    policy: Policy | None = None, *, office: str | None = None, date: str | None = None, lang: str = "zh"
) -> Edition:
    """The edition of results computed with `policy` (status, grades, rounding from it), issued by
    `office` on `date` (as given: nothing is read from the clock), labelled in `lang`."""
    if lang not in LANGUAGES:
        raise ValueError(f"lang is one of {', '.join(LANGUAGES)}, not {lang!r}")
    if policy is None:
        return Edition(office=office, date=date, lang=lang)
    schema = policy.schema
    header = policy.effective.header
    return Edition(
        status=header.status.value if header is not None and header.status is not None else None,
        grades=tuple(
            Grade(g.name, g.label, g.band.quota, g.band.quota_count, g.band.quota_floor) for g in schema.grades
        ),
        places=schema.rounding.places,
        mode=schema.rounding.mode,
        office=office,
        date=date,
        lang=lang,
        bands=tuple((g.name, g.band) for g in schema.grades),
        assumptions=tuple((_owner(s.owner, lang), s.assumption.text) for s in assumptions(policy.effective)),
    )


def _owner(owner: str, lang: str) -> str:
    """What an assumption belongs to (`veto 计划生育`) with its keyword in the edition's language
    (`一票否决 计划生育`): a Chinese page says no English keyword."""
    kind, _, name = owner.partition(" ")
    if lang != "zh" or kind not in BY_CONCEPT:
        return owner
    return f"{CHINESE.word(kind)} {name}".rstrip()  # the header's and the grades' own: no name
