"""The language's inputs (issue 14, item 8): inputs of words (enumerations) and cross-field constraints.

Each construct is held to its grammar in both keyword languages, its diagnostics, the canonical layout,
`diff`, validation (the general path and the generated usual path judge alike) and evaluation."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import targetdsl
from targetdsl.data import Validator
from targetdsl.diff import diff_effective
from targetdsl.formatter import format_policy
from targetdsl.keywords import Language
from targetdsl.parser import parse
from targetdsl.values import PercentCell

HEAD = 'policy "inputs" { year 2023 status draft }\nclass 乡镇 { 评价 100 }\n'

WORDS = (
    HEAD
    + """
category 评价 {
    indicator 综合 points 10 {
        input 等次 "综合评价": {好: 10, 较好: 8, 一般: 6, "差（含）": 0} missing default 一般
        score 等次
    }
}
"""
)


def policy(text: str) -> targetdsl.Policy:
    return targetdsl.parse_policy(text, name="inputs.tdsl")


def codes(text: str) -> list[str]:
    return [d.code for d in targetdsl.check_text(text, name="inputs.tdsl").diagnostics]


def record(unit: str, word: Any) -> dict[str, Any]:
    measure = {} if word is None else {"等次": word}
    return {"id": unit, "class": "乡镇", "indicators": {"综合": measure}}


def both(schema: Any, records: list[Any]) -> tuple[str, str]:
    """Validation with the usual path taking every record, and with the general path alone."""
    seen = []
    for usual in (1, None):
        validator = Validator(schema, "data.yaml", usual_after=usual)
        units = validator.units({"units": records})
        seen.append(f"{units!r}\n{validator.problems!r}")
    return seen[0], seen[1]


# -------------------------------------------------------------- inputs of words


def test_a_word_scores_the_number_it_stands_for() -> None:
    assessment = policy(WORDS).evaluate(
        {"units": [record("A", "较好"), record("B", " 好 "), record("C", None), record("D", "差（含）")]}
    )
    assert [(u.id, u.total) for u in assessment.units] == [
        ("B", Decimal("100.00")),
        ("A", Decimal("80.00")),
        ("C", Decimal("60.00")),  # missing: the default word 一般
        ("D", Decimal("0.00")),
    ]


@pytest.mark.parametrize(
    ("given", "shown", "hint"),
    [
        ("很好", "`很好`", "; did you mean `好`?"),
        ("差", "`差`", "; did you mean `差（含）`?"),
        ("8", "`8`", ""),
        (8, "`8`", ""),
        (True, "`true`", ""),
        ([1], "a list", ""),
    ],
)
def test_any_other_value_is_refused_naming_the_words(given: Any, shown: str, hint: str) -> None:
    with pytest.raises(targetdsl.DataError) as caught:
        policy(WORDS).evaluate({"units": [record("A", given)]})
    (problem,) = caught.value.problems
    assert problem.code == "data.bad-value"
    words = "(好, 较好, 一般, 差（含）)"
    assert str(problem).endswith(
        f"unit A: indicators.综合.等次: expected one of the words of `等次` {words}, found {shown}{hint}"
    )


def test_the_words_read_from_a_csv_file(tmp_path: Path) -> None:
    data = tmp_path / "units.csv"
    data.write_text("id,class,综合.等次\nA,乡镇,较好\nB,乡镇,\nC,乡镇,优\n", encoding="utf-8")
    with pytest.raises(targetdsl.DataError) as caught:
        policy(WORDS).evaluate(data)
    (problem,) = caught.value.problems
    assert "line 4" in str(problem) and "unit C" in str(problem) and "found `优`" in str(problem)
    data.write_text("id,class,综合.等次\nA,乡镇,较好\nB,乡镇,\n", encoding="utf-8")
    assert [u.total for u in policy(WORDS).evaluate(data).units] == [Decimal("80.00"), Decimal("60.00")]


HOSTILE = ["好", " 好", "好\u3000", "较好", "", "  ", None, "好好", "8", 8, 8.0, Decimal(8), True, False, [], {}]
HOSTILE += [PercentCell(Decimal(8)), "一般 ", "差（含）", "差(含)", "GOOD", "\u200b好"]


def test_the_usual_path_judges_words_as_the_general_path() -> None:
    schema = policy(WORDS).schema
    records: list[Any] = [record(f"U{i:02d}", value) for i, value in enumerate(HOSTILE)]
    usual, general = both(schema, records)
    assert usual == general
    assert "found `8`" in general and "Decimal('8')" in general  # refused, and scored, as the words say


def test_the_words_print_canonically_in_both_languages() -> None:
    text = (
        HEAD + 'category 评价 { indicator 综合 { input 等次: { 好 : 10 , "true": -1, "差 含": 0.5 ,} score 等次 } }\n'
    )
    english = format_policy(text, name="inputs.tdsl")
    assert 'input 等次: {好: 10, "true": -1, "差 含": 0.5}' in english
    chinese = format_policy(text, name="inputs.tdsl", keywords=Language.CHINESE)
    assert '填报 等次: {好: 10, "true": -1, "差 含": 0.5}' in chinese
    assert parse(english, "a.tdsl").file == parse(chinese, "b.tdsl").file == parse(text, "c.tdsl").file


@pytest.mark.parametrize(
    ("declaration", "code"),
    [
        ("input 等次: {好: 10, 好: 8}", "check.duplicate-name"),
        ("input 等次: {好: 100%, 差: 0}", "check.unit-mismatch"),
        ("input 等次: {好: 10, 差: 0} range 0 to 10", "check.type-mismatch"),
        ("input 等次: {好: 10, 差: 0} prorated", "check.type-mismatch"),
        ("input 等次: {好: 10, 差: 0} missing default 中", "check.bad-value"),
        ("input 等次: {好: 10, 差: 0} missing default 10", "check.bad-value"),
    ],
)
def test_words_declared_wrongly_are_refused(declaration: str, code: str) -> None:
    text = HEAD + f"category 评价 {{ indicator 综合 {{ {declaration} score 等次 }} }}\n"
    assert code in codes(text)


def test_a_change_of_a_word_is_a_change_an_auditor_sees() -> None:
    old = policy(WORDS)
    new = policy(WORDS.replace("较好: 8", "较好: 7"))
    assert [(c.kind, c.group) for c in diff_effective(old.effective, new.effective).changes] != []
    assert diff_effective(old.effective, policy(WORDS).effective).changes == ()


def test_the_template_offers_the_words_as_a_dropdown(tmp_path: Path) -> None:
    import openpyxl

    from targetdsl import template

    workbook = tmp_path / "template.xlsx"
    template.write(policy(WORDS), workbook, rows=3)
    sheet = openpyxl.load_workbook(workbook)["乡镇"]
    header = [cell.value for cell in sheet[1]]
    letter = "ABCDEFGHIJ"[header.index("综合.等次")]
    (validation,) = [v for v in sheet.data_validations.dataValidation if str(v.sqref).startswith(letter)]
    assert validation.type == "list" and validation.formula1 == '"好,较好,一般,差（含）"'
    assert validation.errorStyle == "stop"
