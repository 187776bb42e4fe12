"""The language's inputs (issue 14, item 8): inputs of words (enumerations) and cross-field constraints.

Each construct is held to its grammar in both keyword languages, its diagnostics, the canonical layout,
`diff`, validation (the general path and the generated usual path judge alike) and evaluation."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import targetdsl
from targetdsl.audit.diff import diff_effective
from targetdsl.keywords import Language
from targetdsl.language.formatter import format_policy
from targetdsl.language.parser import parse
from targetdsl.units.data import Validator
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

    from targetdsl.office import template

    workbook = tmp_path / "template.xlsx"
    template.write(policy(WORDS), workbook, rows=3)
    sheet = openpyxl.load_workbook(workbook)["乡镇"]
    header = [cell.value for cell in sheet[1]]
    letter = "ABCDEFGHIJ"[header.index("综合.等次")]
    (validation,) = [v for v in sheet.data_validations.dataValidation if str(v.sqref).startswith(letter)]
    assert validation.type == "list" and validation.formula1 == '"好,较好,一般,差（含）"'
    assert validation.errorStyle == "stop"


# ---------------------------------------------------------- cross-field constraints

STAFF = (
    'policy "inputs" { year 2023 status draft }\nclass 部门 { 编制 100 }\n'
    + """
category 编制 {
    indicator 编制使用 points 10 {
        input 核定: count
        input 实有: count
        input 比例: percent missing zero
        require 实有 <= 核定
        require 比例 <= 100% and 核定 / 实有 > 0
        score points * 实有 / 核定
    }
    indicator 子项 points 10 {
        subitem 甲 points 10 {
            input a: number
            input b: number missing na
            require a < b
            score points
        }
    }
}
deduction 借调 {
    input 借调: count missing zero
    input 实有: count
    require 借调 <= 实有
    amount 0.5 * 借调
}
"""
)


def staff(unit: str, quota: Any = 10, staffed: Any = 8, share: Any = None, a: Any = 1, b: Any = 2, out: Any = 0) -> Any:
    """A department's record: establishment (核定), staff (实有), a share, a sub-item's a and b, seconded (借调)."""
    indicator = {"核定": quota, "实有": staffed} | ({} if share is None else {"比例": share})
    return {
        "id": unit,
        "class": "部门",
        "indicators": {"编制使用": indicator, "子项": {"甲": {"a": a, "b": b}}},
        "deductions": {"借调": {"借调": out, "实有": staffed}},
    }


def test_a_constraint_the_data_break_is_a_data_error_naming_the_fields() -> None:
    with pytest.raises(targetdsl.DataError) as caught:
        policy(STAFF).evaluate({"units": [staff("A", staffed=12, share="101.5%", a=3, b=3, out=13), staff("B")]})
    assert [(p.code, p.unit, p.field) for p in caught.value.problems] == [
        ("data.constraint", "A", "indicators.编制使用.实有"),
        ("data.constraint", "A", "indicators.编制使用.比例"),
        ("data.constraint", "A", "indicators.子项.甲.a"),
        ("data.constraint", "A", "deductions.借调.借调"),
    ]
    first, second, _, _ = (p.message for p in caught.value.problems)
    fields = "indicators.编制使用.实有 = 12, indicators.编制使用.核定 = 10"
    assert first == f"the data do not meet `require 实有 <= 核定` (line 9): {fields}"
    assert second.endswith(
        "indicators.编制使用.比例 = 101.5, indicators.编制使用.核定 = 10, indicators.编制使用.实有 = 12"
    )


def test_data_that_meet_the_constraints_score_as_without_them() -> None:
    units = {"units": [staff("A", staffed=10, share=50), staff("B", b=None), staff("C", out=None)]}
    constrained = policy(STAFF).evaluate(units).to_json()["units"]
    free = policy("\n".join(line for line in STAFF.splitlines() if "require" not in line)).evaluate(units)
    assert constrained == free.to_json()["units"] and len(constrained) == 3


def test_a_constraint_the_data_cannot_decide_is_refused() -> None:
    with pytest.raises(targetdsl.DataError) as caught:
        policy(STAFF).evaluate({"units": [staff("A", quota=0, staffed=0)]})
    (problem,) = caught.value.problems
    assert problem.code == "data.constraint"
    assert problem.message.startswith(
        "`require 比例 <= 100% and 核定 / 实有 > 0` (line 10) cannot be decided (division"
    )


def test_a_missing_or_refused_value_leaves_its_constraints_to_its_own_rule() -> None:
    with pytest.raises(targetdsl.DataError) as caught:
        policy(STAFF).evaluate({"units": [staff("A", staffed="多", b=None)]})
    assert [p.code for p in caught.value.problems] == ["data.bad-number", "data.bad-number"]


def test_a_constraint_points_at_its_cell_in_a_workbook(tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "部门"
    header = ["id", "编制使用.核定", "编制使用.实有", "子项.甲.a", "子项.甲.b", "deductions.借调.实有"]
    sheet.append([*header, "编制使用.比例", "deductions.借调.借调"])  # inputs that may be missing: blank
    sheet.append(["A", 10, 12, 1, 2, 12])
    book.save(tmp_path / "units.xlsx")
    with pytest.raises(targetdsl.DataError) as caught:
        policy(STAFF).evaluate(tmp_path / "units.xlsx")
    (problem,) = caught.value.problems
    assert problem.code == "data.constraint" and "C2" in str(problem)


HOSTILE_STAFF = [10, 12, "12", " 8 ", None, "", -1, 1.5, "x", True, Decimal("1E+20"), 0, "0"]


def test_the_usual_path_checks_constraints_as_the_general_path() -> None:
    schema = policy(STAFF).schema
    records: list[Any] = []
    for index, value in enumerate(HOSTILE_STAFF):
        records.append(staff(f"U{index:02d}", staffed=value))
        records.append(staff(f"V{index:02d}", quota=value, out=value, a=value, b=None if index % 2 else value))
        records.append(staff(f"W{index:02d}", share=value))
    usual, general = both(schema, records)
    assert usual == general
    assert general.count("data.constraint") >= 10  # not a path that checks nothing


@pytest.mark.parametrize(
    ("statement", "code"),
    [
        ("let k = 核定 require 实有 <= k", "check.constraint-scope"),
        ("require 实有 <= points", "check.constraint-scope"),
        ("require 实有 <= 上限", "check.constraint-scope"),
        ("require 实有 <= 单位人数", "check.constraint-scope"),
        ("require 实有 <= peer_max(核定)", "check.constraint-scope"),
        ("require 实有 + 核定", "check.type-mismatch"),
        ("require 实有 <= 未知", "check.constraint-scope"),
    ],
)
def test_a_constraint_reads_only_the_inputs_beside_it(statement: str, code: str) -> None:
    text = (
        'policy "inputs" { year 2023 status draft }\nclass 部门 { 编制 100 }\nconst 上限 = 100\n'
        "input 单位人数: count\n"
        f"category 编制 {{ indicator 编制使用 {{ input 核定: count input 实有: count {statement} score 实有 }} }}\n"
    )
    assert code in codes(text)


def test_constraints_print_canonically_and_read_alike_in_both_languages() -> None:
    english = format_policy(STAFF, name="inputs.tdsl")
    assert "        require 实有 <= 核定\n" in english and "    require 借调 <= 实有\n" in english
    chinese = format_policy(STAFF, name="inputs.tdsl", keywords=Language.CHINESE)
    assert "        校验 实有 <= 核定\n" in chinese and "        校验 比例 <= 100% 且 核定 / 实有 > 0\n" in chinese
    assert parse(chinese, "zh.tdsl").file == parse(STAFF, "en.tdsl").file
    assert format_policy(chinese, name="zh.tdsl", keywords=Language.ENGLISH) == english


def test_a_changed_constraint_is_a_change_an_auditor_sees() -> None:
    old = policy(STAFF)
    new = policy(STAFF.replace("require 实有 <= 核定", "require 实有 <= 核定 + 2"))
    found = [(c.group, c.kind, c.what) for c in diff_effective(old.effective, new.effective).changes]
    assert ("category 编制", "removed", "indicator `编制使用`: data constraint `require 实有 <= 核定`") in found
    assert ("category 编制", "added", "indicator `编制使用`: data constraint `require 实有 <= 核定 + 2`") in found
    assert diff_effective(old.effective, policy(STAFF).effective).changes == ()


# ---------------------------------------------------------- user-defined functions

VOTES = (
    'policy "inputs" { year 2023 status draft }\nclass 乡镇 { 测评 100 }\n'
    + """
function 得票率(好, 较好, 一般, 票数) = (好 + 0.8 * 较好 + 0.6 * 一般) / 票数
function 分(率, 满) = 满 * min(率, 1)

category 测评 {
    indicator 干部 points 60 {
        input 好: count
        input 较好: count
        input 一般: count
        input 差: count
        score 分(得票率(好, 较好, 一般, 好 + 较好 + 一般 + 差), points)
    }
    indicator 群众 points 40 {
        input 好: count
        input 较好: count
        input 一般: count
        input 票数: count
        let 率 = 得票率(好, 较好, 一般, 票数)
        score 分(率, points)
    }
}
"""
)
WRITTEN_OUT = (
    "\n".join(line for line in VOTES.splitlines() if not line.startswith("function"))
    .replace(
        "分(得票率(好, 较好, 一般, 好 + 较好 + 一般 + 差), points)",
        "points * min((好 + 0.8 * 较好 + 0.6 * 一般) / (好 + 较好 + 一般 + 差), 1)",
    )
    .replace("得票率(好, 较好, 一般, 票数)", "(好 + 0.8 * 较好 + 0.6 * 一般) / 票数")
    .replace("分(率, points)", "points * min(率, 1)")
)


def votes(unit: str, cadres: tuple[int, int, int, int], public: tuple[int, int, int, int]) -> dict[str, Any]:
    return {
        "id": unit,
        "class": "乡镇",
        "indicators": {
            "干部": dict(zip(("好", "较好", "一般", "差"), cadres, strict=True)),
            "群众": dict(zip(("好", "较好", "一般", "票数"), public, strict=True)),
        },
    }


VOTERS = [
    votes("A", (10, 5, 3, 2), (50, 30, 10, 100)),
    votes("B", (20, 0, 0, 0), (7, 2, 1, 9)),
    votes("C", (0, 0, 0, 3), (1, 1, 1, 3)),
    votes("D", (1, 1, 1, 0), (0, 0, 0, 7)),
]


def test_a_function_scores_as_its_formula_written_out() -> None:
    assert "得票率" not in WRITTEN_OUT and "分(" not in WRITTEN_OUT
    called = policy(VOTES)
    written = policy(WRITTEN_OUT)
    for explain in (True, False):
        ours = called.evaluate({"units": VOTERS}, explain=explain).to_json()["units"]
        theirs = written.evaluate({"units": VOTERS}, explain=explain).to_json()["units"]
        assert ours == theirs
    a = called.evaluate({"units": VOTERS}).unit("A")
    assert a.total == Decimal("79.40")  # 60 × 15.8 / 20 + 40 × 80 / 100


def test_the_explanation_names_each_function_and_what_it_gave() -> None:
    unit = policy(VOTES).evaluate({"units": VOTERS}).unit("A")
    text = "\n".join(note for step in unit.explanation for child in step.children for note in child.notes)
    assert "得票率(…) = 0.79 (line 13)" in text and "分(…) = 47.4 (line 13)" in text
    assert "得票率(…) = 0.8 (line 20)" in text and "分(…) = 32 (line 21)" in text


def test_a_division_by_zero_in_a_function_points_at_its_body() -> None:
    with pytest.raises(targetdsl.EvaluationError) as caught:
        policy(VOTES).evaluate({"units": [votes("A", (0, 0, 0, 0), (1, 0, 0, 1))]})
    (problem,) = caught.value.problems
    assert problem.span.line == 4 and "division by zero" in problem.message


def test_the_fast_paths_take_a_function_and_the_plan_shows_its_inputs() -> None:
    from targetdsl.evaluation.plan import Evaluator

    (made,) = policy(VOTES).plan().classes
    steps = {s.quantity.name: s for s in made.steps}
    score = steps["测评.干部.score"]
    assert (
        score.evaluator is Evaluator.KERNEL
        and "分(得票率(好, 较好, 一般, 好 + 较好 + 一般 + 差), points)" in score.quantity.detail
    )
    assert set(score.quantity.dependencies) == {f"测评.干部.input.{x}" for x in ("好", "较好", "一般", "差")}
    let = steps["测评.群众.let.率"].quantity
    assert set(let.dependencies) == {f"测评.群众.input.{x}" for x in ("好", "较好", "一般", "票数")}


@pytest.mark.parametrize(
    ("declarations", "call", "code"),
    [
        ("function min(a, b) = a", "min(x, 1)", "check.duplicate-name"),
        ("function f(a, a) = a", "f(x, x)", "check.duplicate-name"),
        ("function f(a) = a + b", "f(x)", "check.unknown-name"),
        ("function f(a) = a + points", "f(x)", "check.unknown-name"),
        ("function f(a) = a / peer_max(a)", "f(x)", "check.peer-in-function"),
        ("function f(a) = f(a) + 1", "f(x)", "check.cycle"),
        ("function f(a) = g(a)\nfunction g(a) = h(a)\nfunction h(a) = f(a)", "f(x)", "check.cycle"),
        ("function f(a) = a", "f(x, 1)", "check.arity"),
        ("function f(a) = nosuch(a)", "f(x)", "check.unknown-function"),
        ("function f(a) = a > 2pp", "f(x)", "check.unit-mismatch"),
        ("function f(a) = a and true", "f(x)", "check.type-mismatch"),
        ("function f(a) = a", "g(x)", "check.unknown-function"),
    ],
)
def test_a_function_declared_or_called_wrongly_is_refused(declarations: str, call: str, code: str) -> None:
    text = HEAD + declarations + f"\ncategory 评价 {{ indicator 综合 {{ input x: number score {call} }} }}\n"
    assert code in codes(text)


def test_a_function_is_typed_at_each_call() -> None:
    text = HEAD + (
        "function 增幅(实际, 目标) = 实际 - 目标\n"
        "category 评价 { indicator 综合 { input a: percent input b: percent input m: money input n: money\n"
        "    score if 增幅(a, b) > 2pp then 增幅(m, n) / m * 10 else 0 } }\n"
    )
    assert codes(text) == []
    assert "check.unit-mismatch" in codes(text.replace("> 2pp", "> 2"))


def test_an_expansion_that_would_grow_without_bound_is_refused() -> None:
    chain = "\n".join(f"function f{i}(a) = f{i + 1}(a) + f{i + 1}(a)" for i in range(20)) + "\nfunction f20(a) = a"
    text = HEAD + chain + "\ncategory 评价 { indicator 综合 { input x: number score f0(x) } }\n"
    assert "check.too-deep" in codes(text)
    deep = "\n".join(f"function g{i}(a) = g{i + 1}(a) + 1" for i in range(140)) + "\nfunction g140(a) = a"
    assert "check.too-deep" in codes(
        HEAD + deep + "\ncategory 评价 { indicator 综合 { input x: number score g0(x) } }\n"
    )


def test_functions_print_canonically_and_read_alike_in_both_languages() -> None:
    english = format_policy(VOTES, name="votes.tdsl")
    assert "function 得票率(好, 较好, 一般, 票数) = (好 + 0.8 * 较好 + 0.6 * 一般) / 票数\n" in english
    chinese = format_policy(VOTES, name="votes.tdsl", keywords=Language.CHINESE)
    assert "函数 分(率, 满) = 满 * 最小(率, 1)\n" in chinese
    assert parse(chinese, "zh.tdsl").file == parse(VOTES, "en.tdsl").file
    assert format_policy("function  k ( ) = 1", name="k.tdsl") == "function k() = 1\n"


def test_a_changed_function_is_a_change_an_auditor_sees() -> None:
    old = policy(VOTES)
    new = policy(VOTES.replace("0.6 * 一般", "0.5 * 一般"))
    found = [(c.group, c.kind) for c in diff_effective(old.effective, new.effective).changes]
    assert found and all(group == "function 得票率" for group, _ in found)
    assert diff_effective(old.effective, policy(VOTES).effective).changes == ()


def test_an_extending_policy_overrides_or_removes_a_function(tmp_path: Path) -> None:
    (tmp_path / "base.tdsl").write_text(VOTES, encoding="utf-8")
    (tmp_path / "next.tdsl").write_text(
        'extends "base.tdsl"\noverride function 得票率(好, 较好, 一般, 票数) = (好 + 较好) / 票数\n', encoding="utf-8"
    )
    assessment = targetdsl.load_policy(tmp_path / "next.tdsl").evaluate({"units": VOTERS})
    assert assessment.unit("A").total == Decimal("77.00")  # 60 × 15 / 20 + 40 × 80 / 100
    (tmp_path / "gone.tdsl").write_text('extends "base.tdsl"\nremove function 分\n', encoding="utf-8")
    assert "check.unknown-function" in [d.code for d in targetdsl.check_path(tmp_path / "gone.tdsl").diagnostics]


def test_the_language_server_shows_a_function_on_hover() -> None:
    from targetdsl.authoring.lsp import definitions, describe

    effective = policy(VOTES).effective
    ((what, node, span),) = definitions(effective)["得票率"]
    shown = describe("得票率", what, node, span, effective, span.file)
    assert "**function 得票率**(好, 较好, 一般, 票数)" in shown
    assert "function 得票率(好, 较好, 一般, 票数) = (好 + 0.8 * 较好 + 0.6 * 一般) / 票数" in shown


WORDS_EVERYWHERE = """考核办法 "测评" { 年度 2023 状态 征求意见稿 }
类别 乡镇 { 评价 100 }
填报 班子 "班子评价": {好: 10, 一般: 5, "是": 1} 缺报 默认 一般
考核内容 评价 {
    指标 综合 分值 10 {
        填报 等次: {好: 10, 较好: 8, "1": 6} 缺报 同类平均
        得分 min(等次 + 班子 - 班子, points)
    }
    事项 任务 {
        填报 完成: {完成: 1, 部分完成: 0.5, 未完成: 0}
        得分 points * 完成
        完成条件 完成 == 1
    }
}
一票否决 安全 {
    填报 事故: {无: 0, 一般: 1, 重大: 2} 缺报 默认 无
    条件 事故 >= 2
    处理 得分清零
}
"""


def everywhere(unit: str, value: Any) -> dict[str, Any]:
    return {
        "id": unit,
        "class": "乡镇",
        "inputs": {"班子": value},
        "indicators": {"综合": {"等次": value}, "任务": [{"完成": value}]},
        "vetoes": {"安全": {"事故": value}},
    }


def test_words_in_unit_inputs_items_and_rules_score_by_hand() -> None:
    units = [
        {
            "id": "A",
            "class": "乡镇",
            "inputs": {"班子": "好"},
            "indicators": {"综合": {"等次": "较好"}, "任务": [{"完成": "完成"}, {"完成": "部分完成"}]},
            "vetoes": {"安全": {"事故": "重大"}},
        },
        {"id": "B", "class": "乡镇", "indicators": {"综合": {"等次": 1}, "任务": [{"完成": "未完成"}]}},
        {"id": "C", "class": "乡镇", "indicators": {"综合": {}, "任务": [{"完成": "完成"}]}},
    ]
    assessment = policy(WORDS_EVERYWHERE).evaluate({"units": units})
    # A: (8 + 1 + 0.5) / 12 → 79.17, vetoed (重大 = 2): reported 0; B: the word "1" given as a number = 6,
    # (6 + 0) / 11 → 54.55; C: 综合 the class average (8 + 6) / 2 = 7, one item done: (7 + 1) / 11 → 72.73
    assert [(u.id, u.raw_total, u.total) for u in assessment.units] == [
        ("C", Decimal("72.73"), Decimal("72.73")),
        ("B", Decimal("54.55"), Decimal("54.55")),
        ("A", Decimal("79.17"), Decimal("0.00")),
    ]
    explained = "\n".join(f"{child.inputs}" for step in assessment.unit("A").explanation for child in step.children)
    assert "('等次', '较好 (8)')" in explained


def test_the_usual_path_judges_words_everywhere_as_the_general_path() -> None:
    schema = policy(WORDS_EVERYWHERE).schema
    records: list[Any] = [everywhere(f"U{i:02d}", value) for i, value in enumerate([*HOSTILE, 1, "1", Decimal("1.0")])]
    usual, general = both(schema, records)
    assert usual == general
    assert general.count("data.bad-value") > 20


def test_words_excel_cannot_list_inline_go_on_the_lists_sheet(tmp_path: Path) -> None:
    import openpyxl

    from targetdsl.office import template

    text = WORDS.replace('"差（含）": 0', '"差, 含": 0')
    workbook = tmp_path / "template.xlsx"
    template.write(policy(text), workbook, rows=3)
    book = openpyxl.load_workbook(workbook)
    sheet = book["乡镇"]
    header = [cell.value for cell in sheet[1]]
    letter = "ABCDEFGHIJ"[header.index("综合.等次")]
    (validation,) = [v for v in sheet.data_validations.dataValidation if str(v.sqref).startswith(letter)]
    assert validation.type == "list" and not validation.formula1.startswith('"')
    lists = book[template.LISTS_SHEET]
    assert "差, 含" in [cell.value for row in lists.iter_rows() for cell in row]
