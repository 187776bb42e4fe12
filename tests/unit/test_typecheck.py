import pytest

import targetdsl

HEADER = 'policy "t" { year 2003 status draft }\nclass c { q 100 }\n'


def check_score(inputs: str, score: str, completed: str | None = None) -> list[str]:
    body = f"{inputs} score {score}" + (f" completed when {completed}" if completed else "")
    report = targetdsl.check_text(HEADER + f"category q {{ indicator i points 1 {{ {body} }} }}")
    return [d.code for d in report.diagnostics if d.is_error]


@pytest.mark.parametrize(
    ("inputs", "score"),
    [
        ("input a: money input b: money", "points * a / b"),
        ("input a: percent input b: percent", "if a - b >= 2pp then points else 0"),
        ("input a: percent input b: pp", "if a + b >= 5% then points else 0"),
        ("input a: number", "points * min(a, 120%)"),
        ("input a: money", "if a > 100 then points else 0"),
        ("input a: count", "max(0, points - 0.5 * a)"),
        ("input a: number", "bands a { >= 1: points, >= 60%: points * a, otherwise: 0 }"),
        ("input a: number", "interpolate a { 0.6: 0, 1: points, 1.2: points * 1.2 }"),
        ("input a: number", "efficacy(a) / 100 * points"),
        ("input a: number", "points * clamp(a / peer_avg(a), 0, 1.2)"),
        ("input a: number", "if rank(a) <= 3 then points else points / 2"),
        ("input a: date", "if a <= 2003-06-30 then points else 0"),
    ],
)
def test_well_typed_scores(inputs: str, score: str) -> None:
    assert check_score(inputs, score) == []


@pytest.mark.parametrize(
    ("inputs", "score", "code"),
    [
        ("input a: money", "points * a", "check.unit-mismatch"),
        ("input a: money input b: count", "a + b", "check.unit-mismatch"),
        ("input a: percent input b: percent", "if a - b >= 2 then points else 0", "check.unit-mismatch"),
        ("input a: pp input b: percent", "if a - b > 0pp then points else 0", "check.unit-mismatch"),
        ("input a: bool", "a", "check.type-mismatch"),
        ("input a: bool", "if a > 1 then points else 0", "check.type-mismatch"),
        ("input a: number", "if a then points else 0", "check.type-mismatch"),
        ("input a: number", "round(a, 1.5)", "check.unit-mismatch"),
        ("input a: number", "rank(rank(a))", "check.nested-peer"),
        ("input a: number let e = efficacy(a)", "rank(e)", "check.nested-peer"),
        ("input a: number", "peer_count(a)", "check.arity"),
        ("input a: number", "if a > 0 then true else points", "check.unit-mismatch"),
        ("input a: date", "if a > 3 then points else 0", "check.type-mismatch"),
    ],
)
def test_ill_typed_scores(inputs: str, score: str, code: str) -> None:
    assert check_score(inputs, score) == [code]


def test_completed_must_be_a_condition() -> None:
    assert check_score("input a: number", "points", "a") == ["check.type-mismatch"]
    assert check_score("input a: number", "points", "a >= 1") == []


def test_unknown_names_suggest_the_closest() -> None:
    report = targetdsl.check_text(HEADER + "category q { indicator i points 1 { input target: number score targte } }")
    (diagnostic,) = [d for d in report.diagnostics if d.is_error]
    assert diagnostic.code == "check.unknown-name"
    assert diagnostic.help == "did you mean `target`?"


def test_constants_and_unit_inputs_are_visible_everywhere() -> None:
    text = HEADER + (
        "const 上限 = 120%\ninput 系数: number missing default 1\n"
        "category q { indicator i points 1 { input a: number score points * min(a, 上限) * 系数 } }"
    )
    assert targetdsl.check_text(text).diagnostics == ()


def test_constant_cycles_are_reported() -> None:
    text = HEADER + "const a = b + 1\nconst b = a\ncategory q { indicator i points 1 { score points } }"
    assert [d.code for d in targetdsl.check_text(text).diagnostics] == ["check.cycle"]


def test_a_misspelt_builtin_is_answered_with_the_nearest_builtin_as_the_file_writes_it() -> None:
    """`分数` near `分值`, `最少` near `最小`: named in English in the diagnostic, written in the file's own
    keywords when shown (`points` in a file written with English keywords, `分值` in one written in Chinese)."""
    from targetdsl.keywords import Language

    body = "指标 乙 分值 10 {\n        填报 x: 数值\n        得分 分数 * 最少(x, 1)\n    }"
    text = (
        '考核办法 "x" {\n    年度 2003\n    状态 征求意见稿\n}\n\n类别 县区 {\n    甲 100\n}\n\n'
        f"考核内容 甲 {{\n    {body}\n}}\n"
    )
    report = targetdsl.check_text(text, name="p.tdsl")
    assert [(d.code, d.help) for d in report.errors] == [
        ("check.unknown-name", "did you mean `points`?"),
        ("check.unknown-function", "did you mean `min`?"),
    ]
    shown = report.render(language=Language.CHINESE)
    assert "是否想写 `分值`？" in shown and "是否想写 `最小`？" in shown
