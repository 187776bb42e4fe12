# ruff: noqa: E501  (mutation fragments are quoted from the policy verbatim)
import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import targetdsl
from targetdsl.audit.diff import diff_effective
from targetdsl.language.parser import parse

ROOT = Path(__file__).resolve().parent.parent.parent
P2002 = ROOT / "policies/lianyungang-2002.tdsl"
P2003 = ROOT / "policies/lianyungang-2003.tdsl"
BASE = P2002.read_text(encoding="utf-8")


def changes(old: str, new: str) -> list[tuple[str, str, str]]:
    a = targetdsl.parse_policy(old, name="old.tdsl")
    b = targetdsl.parse_policy(new, name="new.tdsl")
    return [(c.group, c.kind, c.what) for c in diff_effective(a.effective, b.effective).changes]


def test_golden_2002_to_2003_is_exactly_the_speech() -> None:
    difference = targetdsl.diff_policies(P2002, P2003)
    found = {(c.group, c.kind, c.what) for c in difference.changes if c.group != "policy header"}
    assert found == {
        ("class 县区", "weight", "定量指标"),
        ("class 县区", "weight", "其他考核"),
        ("class 市直部门", "weight", "常规工作"),
        ("class 市直部门", "weight", "定量指标"),
        ("class 驻连部省属单位", "weight", "常规工作"),
        ("class 驻连部省属单位", "weight", "定量指标"),
        ("category 重点工作", "added", "items `重点项目`: given scores"),
        ("category 常规工作", "added", "items `常规任务`: given scores"),
        ("input 承担市级目标", "added", "input"),
        ("award 目标兑现奖", "added", "eligibility"),
        ("bonus 获奖加分", "added", "carry-over"),
    }
    header = {(c.kind, c.what) for c in difference.changes if c.group == "policy header"}
    assert {("changed", "title"), ("changed", "year"), ("changed", "status")} <= header
    weights = {c.what: (c.old, c.new) for c in difference.changes if c.group == "class 县区"}
    assert weights == {"定量指标": ("40", "50"), "其他考核": ("20", "10")}
    for change in difference.changes:
        assert change.new_at is not None and change.new_at.file.endswith("lianyungang-2003.tdsl")


def test_no_change_is_no_change() -> None:
    assert targetdsl.diff_policies(P2002, P2002).equivalent
    assert changes(BASE, BASE) == []


MUTATIONS = [
    # (description, old fragment, new fragment, expected (group, kind, what))
    (
        "weight",
        "    重点工作 40\n    定量指标 40\n    其他考核 20",
        "    重点工作 30\n    定量指标 50\n    其他考核 20",
        ("class 县区", "weight", "重点工作"),
    ),
    (
        "formula",
        "score if rate < 60% then 0 else points * min(rate, 120%)",
        "score if rate < 50% then 0 else points * min(rate, 120%)",
        ("category 定量指标", "changed", "items `定量任务`: scoring formula"),
    ),
    (
        "veto effect",
        'veto 计划生育 "计划生育" for 县区 {\n    input failed "计划生育目标未完成": bool missing default false\n'
        "    when failed\n    effect cap grade 良好, no award",
        'veto 计划生育 "计划生育" for 县区 {\n    input failed "计划生育目标未完成": bool missing default false\n'
        "    when failed\n    effect grade 不达标",
        ("veto 计划生育", "changed", "effect"),
    ),
    (
        "veto condition",
        "    when failed\n    effect cap grade 良好, no award\n",  # the first veto's
        "    when failed and true\n    effect cap grade 良好, no award\n",
        ("veto 计划生育", "changed", "condition"),
    ),
    (
        "veto removed",
        'veto 安全生产 "安全生产" for 县区 {\n    input failed "安全生产目标未完成": bool missing default false\n'
        "    when failed\n    effect cap grade 良好, no award\n"
        '    assume "讲话未说明一票否决是定为不达标还是限定等次：按一票否优处理，不得评为优秀、不予奖励"\n}',
        "",
        ("veto 安全生产", "removed", "veto"),
    ),
    (
        "bonus level",
        'level 省级 "省级奖项" 2',
        'level 省级 "省级奖项" 2.5',
        ("bonus 获奖加分", "changed", "award level `省级`"),
    ),
    ("bonus cap", "    cap 5", "    cap 6", ("bonus 获奖加分", "changed", "cap")),
    ("award money", "优秀 20000", "优秀 30000", ("award 目标兑现奖", "changed", "award money for 优秀")),
    ("reduction", "reduce 20% when", "reduce 30% when", ("award 目标兑现奖", "changed", "reduction")),
    (
        "grade band",
        '良好 "良好" 80 to 90         # assumption\n    达标 "达标" 60 to 80',
        '良好 "良好" 85 to 90         # assumption\n    达标 "达标" 60 to 85',
        ("grades", "changed", "grade 良好"),
    ),
    ("quota", "quota 30%", "quota 20%", ("grades", "changed", "grade 优秀")),
    (
        "rounding",
        "rounding half_up 2 at category, total",
        "rounding half_up 1 at total",
        ("policy header", "changed", "rounding"),
    ),
    ("status", "status adopted", "status draft", ("policy header", "changed", "status")),
    ("period", '全年 "全年" through month 12', '全年 "全年度" through month 12', ("periods", "changed", "period 全年")),
    ("ties", "ties total desc, 定量指标 desc, id", "ties total desc, id", ("ties", "changed", "ties")),
    (
        "points",
        'assessed 日常工作 "目标管理日常工作情况" points 3',
        'assessed 日常工作 "目标管理日常工作情况" points 4',
        ("category 其他考核", "changed", "assessed `日常工作`: points"),
    ),
    (
        "assessor weight",
        "by 政协 weight 1",
        "by 政协 weight 2",
        ("category 其他考核", "changed", "assessed `人民满意度`: assessor `政协`"),
    ),
    (
        "renamed",
        'assessed 日常工作 "目标管理日常工作情况"',
        'assessed 目标管理日常 "目标管理日常工作情况"',
        ("category 其他考核", "renamed", "assessed `目标管理日常`"),
    ),
    (
        "input missing rule",
        'input reverse "逆向指标（越低越好）": bool missing default false',
        'input reverse "逆向指标（越低越好）": bool missing default true',
        ("category 定量指标", "changed", "items `定量任务`: input `reverse`"),
    ),
    ("commendation", "when matters > 0", "when matters > 1", ("commendation 重要事项", "changed", "condition")),
]


@pytest.mark.parametrize(("description", "old", "new", "expected"), MUTATIONS, ids=[m[0] for m in MUTATIONS])
def test_each_kind_of_change_is_reported(description: str, old: str, new: str, expected: tuple[str, str, str]) -> None:
    assert old in BASE, description
    mutated = BASE.replace(old, new, 1)
    found = changes(BASE, mutated)
    assert expected in found, found
    a = targetdsl.parse_policy(BASE, name="old.tdsl")
    b = targetdsl.parse_policy(mutated, name="new.tdsl")
    change = next(c for c in diff_effective(a.effective, b.effective).changes if (c.group, c.kind, c.what) == expected)
    # the location points at the changed text (a removed one's new location is its block's, elsewhere)
    if change.new_at is not None and change.kind != "removed":
        line = mutated.splitlines()[change.new_at.line - 1]
        assert any(token in line for token in new.split()), (line, new)


def test_moved_indicator() -> None:
    old = (
        'policy "t" { year 2003 status draft }\nclass c { a 50 b 50 }\n'
        "category a { indicator x points 1 { input v: number score v } indicator y points 1 { input v: number "
        "score v } }\ncategory b { indicator z points 1 { input v: number score v * 2 } }\n"
    )
    new = old.replace("indicator y points 1 { input v: number score v } }", "}").replace(
        "category b { ", "category b { indicator y points 1 { input v: number score v } "
    )
    assert ("category b", "moved", "indicator `y`") in changes(old, new)


def shuffle_declarations(text: str, seed: int) -> str:
    """The same policy with its top-level declarations in another order."""
    parsed = parse(text)
    lines = text.splitlines(keepends=True)
    chunks = []
    for item in parsed.file.items:
        chunks.append("".join(lines[item.span.line - 1 : item.span.end_line]))
    random.Random(seed).shuffle(chunks)
    return "\n".join(chunks)


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10_000), st.sampled_from(["  ", "\n\n", " # 注释\n", "\t"]))
def test_layout_comments_and_order_are_not_changes(seed: int, spacing: str) -> None:
    relaid = shuffle_declarations(BASE, seed).replace(" {\n", spacing + "{\n")
    assert changes(BASE, relaid) == []
