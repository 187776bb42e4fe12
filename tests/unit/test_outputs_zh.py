"""Outputs in one language: explanations, grade reasons, veto effects and the evaluation's table and CSV
are Chinese under `--lang zh` (or a Chinese locale), with no English word left over, and English output
is what it always was.

A trace step's wording is written in English where it is recorded (engine.py, bonuses.py, finishing.py, measures.py,
interpreter.py) and put into Chinese when shown, through the catalog. Two guards keep it so: every
step of every shipped policy and evaluation case, explained, has its Chinese; and every wording the
source can record (a `Step(...)` or a note appended to `notes`) has a catalog entry, found by reading
the source, so that a new step without its Chinese fails here before anyone runs it.
"""

from __future__ import annotations

import ast
import csv
import io
import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import targetdsl
from targetdsl.audit.explain import render_step, render_text
from targetdsl.cli import main
from targetdsl.evaluation.results import Assessment, Step
from targetdsl.language.functions import FUNCTIONS
from targetdsl.messages import Language, translate, translate_clauses, untranslated
from targetdsl.office.tables import csv_header, render_assessment, render_csv
from targetdsl.units.documents import parse_yaml
from tests.support import module_source

ROOT = Path(__file__).resolve().parents[2]
POLICIES = ROOT / "policies"
EXAMPLES = ROOT / "examples"
CASES = ROOT / "tests" / "cases"
ZH = Language.CHINESE
EN = Language.ENGLISH

SEEDS = [
    ("lianyungang-2002.zh.tdsl", "lianyungang-2002/units.yaml", None),
    ("lianyungang-2003.zh.tdsl", "lianyungang-2003/units.yaml", "lianyungang-2003/carried-in.yaml"),
    ("lianyungang-2002.tdsl", "lianyungang-2002/units.yaml", None),
]


def seed(index: int) -> Assessment:
    policy, units, carried = SEEDS[index]
    return targetdsl.load_policy(POLICIES / policy).evaluate(
        EXAMPLES / units, carried_in=EXAMPLES / carried if carried else None
    )


def case_assessments() -> Iterator[tuple[str, Assessment]]:
    for path in sorted(CASES.glob("*.yaml")):
        document = parse_yaml(path.read_text(encoding="utf-8"))
        policy = targetdsl.parse_policy(document["policy"], name=path.name)
        for index, run in enumerate(document.get("cases") or [{"expect": document["expect"]}]):
            if "data_errors" in run["expect"] or "evaluation_errors" in run["expect"]:
                continue
            yield (
                f"{path.stem}[{index}]",
                policy.evaluate(
                    document["units"],
                    period=run.get("period"),
                    carried_in=document.get("carried_in"),
                    last_year=document.get("last_year"),
                ),
            )


def wording(step: Step, depth: int = 0) -> Iterator[tuple[str, str]]:
    """Every English text of a step that the reader should see in Chinese, with where it is."""
    if depth == 0:
        yield "step", step.what
    if depth == 0 and step.what.startswith("veto "):  # its effects, each said alone (explain._effects)
        yield from (("value", effect) for effect in step.value.split(", "))
    elif not (depth == 0 and step.what == "grade"):  # a grade step's value is the grade's name
        yield "value", step.value
    for note in step.notes:
        if depth == 0 and step.what == "grade":
            yield from (("reason", clause) for clause in note.split("; "))
        else:
            yield "note", note
    for child in step.children:
        yield from wording(child, depth + 1)


ENGLISH_WORD = re.compile(r"[A-Za-z]{3,}")


def leftover(text: str, names: set[str]) -> list[str]:
    """English words in `text` that are not a name of the policy or the data."""
    for name in sorted(names, key=len, reverse=True):
        if name:
            text = text.replace(name, " ")
    # rule locations, code, the built-in function a note names
    text = re.sub(r"\[[^\]]*\.tdsl:\d+:\d+\]|\S+\.tdsl:\d+:\d+|`[^`]*`|\w+\(…\)", " ", text)
    return ENGLISH_WORD.findall(text)


def names_of(assessment: Assessment) -> set[str]:
    """The names a Chinese output may show as they are: of units, classes, categories, measures, inputs,
    lets, items, vetoes, grades, awards, bonus lists and levels."""
    found: set[str] = {assessment.title, *(assessment.classes)}
    for unit in assessment.units:
        found |= {unit.id, unit.name, unit.unit_class, unit.grade or ""}
        found |= {c.name for c in unit.categories} | {c.label or "" for c in unit.categories}
        for measure in unit.measures:
            found |= {measure.name, measure.label or ""} | {i.name or "" for i in measure.items}
        for veto in unit.vetoes:
            found |= {veto.name, veto.label or ""} | {a.grade or "" for a in veto.actions}
        found |= set(unit.commendations)
        for bonus in unit.bonuses:
            found.add(bonus.name)
        stack = list(unit.explanation)
        while stack:
            step = stack.pop()
            found.update(k for k, _ in step.inputs)
            found.update(note.split(" = ")[0] for note in step.notes if " = " in note)
            stack.extend(step.children)
            if step.what.startswith(("award ", "bonus ", "deduction ", "commendation ", "veto ", "category ")):
                found.add(step.what.split(" ", 1)[1])
            found.update(re.findall(r"`([^`]*)`", " ".join(step.notes)))
    for entry in assessment.ledger:
        found |= {entry.bonus, entry.level, entry.name or ""}
    return found


# ------------------------------------------------------------------ every step has its Chinese


@pytest.mark.parametrize("index", range(len(SEEDS)), ids=[s[0] for s in SEEDS])
def test_every_step_of_a_seed_policy_has_its_chinese(index: int) -> None:
    assessment = seed(index)
    missing = {
        (kind, text)
        for unit in assessment.units
        for step in unit.explanation
        for kind, text in wording(step)
        if untranslated(text) and ENGLISH_WORD.search(text)
    }
    assert not missing, sorted(missing)


def test_every_step_of_every_case_has_its_chinese() -> None:
    missing = set()
    for name, assessment in case_assessments():
        shown = names_of(assessment)  # a label in English (`veto cap "caps the grade"`) is a name
        for unit in assessment.units:
            for step in unit.explanation:
                missing |= {(name, kind, text) for kind, text in wording(step) if untranslated(text, shown)}
    # a value or note that is a name of the case's data (an item's name, a let's value) is no wording
    missing = {m for m in missing if ENGLISH_WORD.search(m[2].split(" = ")[-1])}
    assert not missing, sorted(missing)


def recorded_wordings() -> Iterator[tuple[str, int, str]]:
    """Every wording the evaluators can record: the text of each `Step(...)`'s `what`, `value` and notes,
    and each string appended to a list of notes, in engine.py (and bonuses.py, finishing.py, its parts that
    record steps), measures.py and interpreter.py; an f-string's values stood for by `1`."""

    def sample(node: ast.expr) -> str | None:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value
        if isinstance(node, ast.JoinedStr):
            parts = []
            for value in node.values:
                if isinstance(value, ast.Constant):
                    parts.append(str(value.value))
                elif (  # `{'holds' if held else 'does not hold'}`: a wording of its own, not a value
                    isinstance(value, ast.FormattedValue)
                    and isinstance(value.value, ast.IfExp)
                    and isinstance(value.value.body, ast.Constant)
                ):
                    parts.append(str(value.value.body.value))
                else:
                    parts.append("1")
            return "".join(parts)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            left, right = sample(node.left), sample(node.right)
            return None if left is None or right is None else left + right
        if isinstance(node, ast.IfExp):
            return None  # both branches are looked at on their own
        return None

    def texts(node: ast.expr) -> Iterator[ast.expr]:
        if isinstance(node, (ast.Tuple, ast.List)):
            for element in node.elts:
                yield from texts(element)
        elif isinstance(node, ast.IfExp):
            yield from texts(node.body)
            yield from texts(node.orelse)
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add) and isinstance(node.right, ast.IfExp):
            for branch in (node.right.body, node.right.orelse):
                yield ast.BinOp(node.left, ast.Add(), branch)
        elif isinstance(node, ast.ListComp):
            yield node.elt
        else:
            yield node

    for module in ("engine.py", "bonuses.py", "finishing.py", "measures.py", "interpreter.py"):
        tree = ast.parse(module_source(module).read_text(encoding="utf-8"))
        notes = {  # a note made first and then passed on: `note = f"…"`
            node.targets[0].id: node.value
            for node in ast.walk(tree)
            if isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
            and node.targets[0].id.endswith("note")
        }
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            candidates: list[ast.expr] = []
            if isinstance(node.func, ast.Name) and node.func.id == "Step":
                candidates = [a for i, a in enumerate(node.args) if i in (0, 1, 3)]
            elif (
                isinstance(node.func, ast.Attribute)
                and node.func.attr == "append"
                and "notes" in ast.unparse(node.func.value)
            ):
                candidates = list(node.args)
            elif isinstance(node.func, ast.Name) and node.func.id == "Scored":
                candidates = [k.value for k in node.keywords if k.arg == "notes"]
            for candidate in candidates:
                made = candidate
                if isinstance(candidate, ast.List):  # `notes=[note]`: the wording is where `note` is made
                    made = ast.List([notes.get(ast.unparse(e), e) for e in candidate.elts])
                for expression in texts(made):
                    text = sample(expression)
                    if text is not None:
                        yield module, node.lineno, text


def unnamed(text: str) -> str:
    """`text` without the names of built-in functions (`clamp(…)`), which stay as the policy writes them."""
    return re.sub(r"\b(" + "|".join(map(re.escape, FUNCTIONS)) + r")\(", "(", text)


def test_every_recorded_wording_has_a_catalog_entry() -> None:
    """Read from the source: a step or a note added without its Chinese fails here."""
    found = list(recorded_wordings())
    assert len(found) > 40  # the reader finds the steps: it did not silently stop reading the source
    missing = [
        (module, line, text)
        for module, line, text in found
        if ENGLISH_WORD.search(text)
        and (untranslated(text) or translate(text, ZH) == text or ENGLISH_WORD.search(unnamed(translate(text, ZH))))
    ]
    assert not missing, missing


# ------------------------------------------------------------------ explanations


def test_an_explanation_in_chinese_has_no_english_words() -> None:
    assessment = seed(1)
    names = names_of(assessment)
    for unit in assessment.units:
        text = render_text(unit, len(assessment.in_class(unit.unit_class)), language=ZH)
        assert not leftover(text, names), (unit.id, leftover(text, names))


def test_a_vetoed_unit_is_explained_in_chinese() -> None:
    assessment = seed(1)
    unit = assessment.unit("C04")  # 灌南县: the environment veto caps its grade and withholds the award
    text = render_text(unit, 9, language=ZH)
    lines = text.splitlines()
    assert lines[0] == "灌南县（C04），类别 县区"
    assert lines[1] == f"总分 102.46，等次 良好，第 {unit.rank} 名（共 9 个单位）"
    assert lines[2].startswith("一票否决：环境保护（等次最高为良好、不得获奖），规则见 lianyungang-2002.zh.tdsl:")
    assert "一票否决 环境保护 = 等次最高为良好，不得获奖" in text
    assert f"类别内名次 = {unit.rank}" in text and "等次 = 良好" in text
    assert "    总分 102.46 属优秀档（>= 90）；一票否决 环境保护 使等次最高为良好" in text


def test_english_explanations_are_unchanged() -> None:
    """The English is the recorded wording itself, untouched: rendering in English is the default."""
    assessment = seed(1)
    for unit in assessment.units[:5]:
        size = len(assessment.in_class(unit.unit_class))
        assert render_text(unit, size, language=EN) == render_text(unit, size)
        for step in unit.explanation:
            assert render_step(step, 0, language=EN) == render_step(step, 0)
    text = render_text(assessment.unit("C04"), 9)
    assert "vetoed: 环境保护 (cap grade 良好, no award) at " in text
    assert "veto 环境保护 = cap grade 良好, no award" in text


def test_grade_reasons_in_chinese() -> None:
    assert translate_clauses("total 95 is in band 优秀 (>= 90)", ZH) == "总分 95 属优秀档（>= 90）"
    assert translate_clauses("total 85 is in band 良好 [80, 90)", ZH) == "总分 85 属良好档 [80, 90)"
    assert translate_clauses("total 61 is in band 合格 (otherwise); veto 安全 forces 不合格", ZH) == (
        "总分 61 属合格档（其余）；一票否决 安全 将等次定为不合格"
    )
    quota = (
        "total 92 is in band 优秀 (>= 90); 优秀 is limited to 30% of 9 units = 2, "
        "so ranked below the quota it gets 良好"
    )
    assert translate_clauses(quota, ZH) == (
        "总分 92 属优秀档（>= 90）；优秀名额限 30%，9 个单位中为 2 个，名次在名额之外，评为良好"
    )
    assert translate_clauses(quota, EN) == quota


# ------------------------------------------------------------------ the evaluation's table and CSV


def test_the_table_in_chinese_has_no_english_words() -> None:
    for index in range(len(SEEDS)):
        assessment = seed(index)
        text = render_assessment(assessment, language=ZH)
        assert not leftover(text, names_of(assessment)), leftover(text, names_of(assessment))
        assert render_assessment(assessment, language=EN) == render_assessment(assessment)


def test_every_case_table_in_chinese_has_no_english_words() -> None:
    for name, assessment in case_assessments():
        text = render_assessment(assessment, language=ZH)
        assert not leftover(text, names_of(assessment)), (name, leftover(text, names_of(assessment)))


def test_csv_in_chinese_keeps_its_columns_and_numbers() -> None:
    assessment = seed(1)
    english = list(csv.reader(io.StringIO(render_csv(assessment))))
    chinese = list(csv.reader(io.StringIO(render_csv(assessment, language=ZH))))
    assert chinese[0][:6] == ["类别", "名次", "单位编号", "单位名称", "总分", "否决前总分"]
    assert chinese[0][-3:] == ["目标项数", "完成项数", "嘉奖"]  # the policy commends units: who, last
    assert len(chinese) == len(english) and all(len(a) == len(b) for a, b in zip(chinese, english, strict=True))
    eligible = english[0].index("eligible")
    for zh_row, en_row in zip(chinese[1:], english[1:], strict=True):
        assert zh_row[eligible] == {"yes": "是", "no": "否", "": ""}[en_row[eligible]]
        assert [c for i, c in enumerate(zh_row) if i != eligible] == [c for i, c in enumerate(en_row) if i != eligible]


def test_a_category_named_like_a_column_keeps_its_name() -> None:
    assert csv_header(["total", "bonus"], language=ZH)[6:8] == ["total", "bonus"]


def run(argv: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, lang: str) -> Any:
    monkeypatch.chdir(ROOT)
    for name in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", lang)
    assert main(argv) == 0
    return capsys.readouterr().out


def test_the_locale_chooses_the_language_of_evaluate_and_explain(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    args = ["policies/lianyungang-2003.zh.tdsl", "examples/lianyungang-2003/units.yaml"]
    table = run(["evaluate", *args], capsys, monkeypatch, "zh_CN.UTF-8")
    assert "县区（9 个单位）" in table and "名次  单位" in table and "rank" not in table
    assert "* 优秀名额限 30%" in table and "\n合计 " in table
    english = run(["evaluate", *args], capsys, monkeypatch, "en_US.UTF-8")
    assert "县区 (9 units)" in english and "rank  unit" in english
    assert run(["evaluate", *args, "--lang", "en"], capsys, monkeypatch, "zh_CN.UTF-8") == english
    explained = run(["explain", *args, "C04"], capsys, monkeypatch, "zh_CN.UTF-8")
    assert explained.startswith("灌南县（C04），类别 县区\n")
    as_json = run(["explain", *args, "C04", "--format", "json"], capsys, monkeypatch, "zh_CN.UTF-8")
    assert as_json == run(["explain", *args, "C04", "--format", "json"], capsys, monkeypatch, "C")


# ------------------------------------------------------------------ `targetdsl test`

FAILING_TESTS = """\
policy: p.tdsl
tests:
  - name: 总分
    units:
      - {id: A, name: 甲, class: 县区, indicators: {增长: {actual: 5, target: 10}}}
    expect:
      units:
        A: {total: 99, grade: 优秀, measures: {增长: 1}}
  - name: 错误
    units:
      - {id: B, name: 乙, class: 乡镇}
    expect_error: 未知的类别
"""

SMALL = """\
考核办法 "小例" {
    年度 2003
    状态 征求意见稿
}

类别 县区 {
    经济 100
}

考核内容 经济 {
    指标 增长 分值 100 {
        填报 target: 数值
        填报 actual: 数值
        得分 points * min(actual / target, 1)
    }
}

等次 {
    优秀 >= 90
    合格 其余
}
"""


def test_a_failing_test_is_reported_in_chinese(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from targetdsl.authoring import tester

    (tmp_path / "p.tdsl").write_text(SMALL, encoding="utf-8")
    (tmp_path / "p.test.yaml").write_text(FAILING_TESTS, encoding="utf-8")
    outcome = tester.run([tmp_path], coverage=True)
    assert outcome.failed == 1  # the expected error is written in Chinese, and found
    text = tester.render_text(outcome, language=ZH)
    assert "未通过 " in text and "    A.total：应为 99，实为 50" in text and "      原因：" in text
    assert "\n1 项通过，1 项未通过\n" in text and "覆盖率：" in text
    assert not leftover(
        text.replace(str(tmp_path), ""), {"total", "grade", "measures", "p.test.yaml", "actual", "target"}
    )
    english = tester.render_text(outcome)
    assert english == tester.render_text(outcome, language=EN) and "    A.total: expected 99, got 50" in english
    document = tester.render_json(outcome)  # JSON carries the English texts only
    assert all(set(m) == {"field", "expected", "actual", "why"} for t in document["tests"] for m in t["mismatches"])


# ------------------------------------------------------------------ diff and impact


def diff_names(old: targetdsl.Policy, new: targetdsl.Policy) -> set[str]:
    """Names in both policies: declarations, inputs, lets, levels, grades, periods, assessors."""
    found: set[str] = set()
    for policy in (old, new):
        schema = policy.schema
        found |= {g.name for g in schema.grades} | {p.name for p in schema.periods}
        text = policy.effective.header.title if policy.effective.header else ""
        found.add(text)
        for declaration in policy.effective.declarations:
            found.add(str(getattr(declaration, "name", "")))
            found.update(re.findall(r"\b[a-z_][a-z_0-9]*\b", repr(declaration)))
    return found - {"not", "and", "or", "in", "of", "if", "then", "else", "to", "at", "for", "by"}


def test_every_kind_of_change_is_said_in_chinese() -> None:
    from test_diff import BASE, MUTATIONS  # type: ignore[import-not-found]

    base = targetdsl.parse_policy(BASE, name="old.tdsl")
    for description, old, new, _ in MUTATIONS:
        mutated = targetdsl.parse_policy(BASE.replace(old, new, 1), name="new.tdsl")
        difference = targetdsl.diff_policies(base, mutated, keywords=ZH)
        text = difference.render(language=ZH)
        # the quoted policy text is in Chinese keywords; what is left in ASCII is a name of the policy
        left = leftover(text, diff_names(base, mutated) | {"old.tdsl", "new.tdsl"})
        assert not left, (description, left, text)
        english = targetdsl.diff_policies(base, mutated)
        assert english.render() == english.render(language=EN)
        assert english.to_json()["changes"] == [  # the same changes, only said otherwise
            {**c, "old": a["old"], "new": a["new"]}
            for c, a in zip(difference.to_json()["changes"], english.to_json()["changes"], strict=True)
        ]


def test_diff_and_its_impact_in_chinese(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    args = ["diff", "policies/lianyungang-2002.zh.tdsl", "policies/lianyungang-2003.zh.tdsl"]
    monkeypatch.chdir(ROOT)
    assert main([*args, "--data", "examples/lianyungang-2003/units.yaml", "--lang", "zh"]) == 1  # they differ
    text = capsys.readouterr().out
    assert "：21 处变化\n\n考核办法头部\n  ~ 标题：" in text
    assert "  ~ 状态：正式 → 征求意见稿\n" in text
    assert '  + 填报项：填报 承担市级目标 "承担市一级目标任务": 是否 缺报 默认 是\n' in text
    assert "\n对 75 个单位的影响：" in text and "\n单位  " in text.replace(" " * 20, "  ")
    assert main([*args, "--format", "json", "--lang", "zh"]) == 1
    chinese_json = capsys.readouterr().out
    assert main([*args, "--format", "json", "--lang", "en"]) == 1
    assert capsys.readouterr().out == chinese_json  # JSON does not change with the language
    assert '"new": "input 承担市级目标 \\"承担市一级目标任务\\": bool missing default true"' in chinese_json


# ------------------------------------------------------------------ plan, periods, verify


def test_the_plan_frame_in_chinese(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    assert main(["plan", "examples/plan/small.tdsl", "--lang", "zh"]) == 0
    chinese = capsys.readouterr().out
    assert chinese.startswith("小例 的评估计划，全年\n\n类别 县区：对各单位 2 遍\n  第 1 遍（逐单位）\n")
    assert "\n  第 1 次汇总（全类别）\n" in chinese
    # the measure comparing units: in the kernel, its argument computed for every unit before it
    assert "经济.效率.score  得分 · 内核 · small.tdsl:17:15\n" in chinese
    assert "经济.效率.efficacy.argument  参数 · 内核 · small.tdsl:19:33\n" in chinese
    assert "\n      原因：全类别：每个类别按所有单位的值计算一次\n" in chinese
    assert main(["plan", "examples/plan/small.tdsl", "--lang", "en"]) == 0
    english = capsys.readouterr().out
    assert english.startswith("plan of 小例, the whole year\n\nclass 县区: 2 passes over the units\n")
    assert len(english.splitlines()) == len(chinese.splitlines())


def test_the_periods_table_in_chinese() -> None:
    from targetdsl.evaluation.periods import PeriodCombination, PeriodScore
    from targetdsl.office.tables import period_table

    combined = PeriodCombination(
        (("上半年", Decimal(40)), ("全年", Decimal(60))),
        (PeriodScore("A", "甲", "县区", (("上半年", Decimal(80)), ("全年", Decimal(90))), Decimal(86), 1),),
    )
    assert period_table(combined, language=ZH).splitlines()[0].split() == [
        "类别",
        "名次",
        "单位",
        "上半年",
        "(40%)",
        "全年",
        "(60%)",
        "加权得分",
    ]
    assert period_table(combined).splitlines()[0].split()[:3] == ["class", "rank", "unit"]
    assert period_table(combined) == period_table(combined, language=EN)


def test_a_record_that_no_longer_reproduces_is_said_in_chinese(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import json
    import shutil

    for name in ("record.json", "units.yaml", "carried-in.yaml"):
        shutil.copy(EXAMPLES / "lianyungang-2003" / name, tmp_path / name)
    record = json.loads((tmp_path / "record.json").read_text(encoding="utf-8"))
    for entry in record["policy"]["files"]:
        shutil.copy(POLICIES / Path(entry["path"]).name, tmp_path / Path(entry["path"]).name)
    record["policy"]["path"] = Path(record["policy"]["path"]).name
    for entry in record["policy"]["files"]:
        entry["path"] = Path(entry["path"]).name
    record["result"]["units"][0]["total"] = "1"  # an edited result
    (tmp_path / "record.json").write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    assert main(["verify", str(tmp_path / "record.json"), "--lang", "zh"]) == 1
    text = capsys.readouterr().out
    assert "记录的结果与记录自身的 SHA-256 不符：记录被改动过\n" in text
    assert "结果与记录的不同：\n  $.units[0].total：" in text
    assert not leftover(text, {"units", "total", "SHA-256"}), text
    assert main(["verify", str(tmp_path / "record.json"), "--lang", "en"]) == 1
    assert "the record was edited" in capsys.readouterr().out


# ------------------------------------------------------------------ templates


def template_texts(path: Path) -> tuple[list[str], list[str]]:
    """A template's sheet names and every text it shows a person: cells below the field paths, and every
    drop-down's title, alert and prompt."""
    import openpyxl

    book = openpyxl.load_workbook(path)
    texts: list[str] = []
    paths = {str(v) for sheet in book.worksheets for v in next(sheet.iter_rows(values_only=True), ())}
    for sheet in book.worksheets:
        rows = list(sheet.iter_rows(values_only=True))
        start = 1 if sheet.title not in ("填表说明", "instructions") else 0
        texts += [str(v) for row in rows[start:] for v in row if isinstance(v, str) and v not in paths]
        for validation in sheet.data_validations.dataValidation:
            texts += [validation.errorTitle or "", validation.error or "", validation.prompt or ""]
        texts += [sheet.oddFooter.center.text or ""]
    return book.sheetnames, texts


@pytest.mark.parametrize("language", [ZH, EN], ids=["zh", "en"])
def test_a_template_speaks_one_language_and_reads_back(
    language: Language, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import openpyxl

    policy = POLICIES / "lianyungang-2003.zh.tdsl"
    out = tmp_path / "t.xlsx"
    assert main(["template", str(policy), "-o", str(out), "--rows", "3", "--items", "2", "--lang", language.value]) == 0
    capsys.readouterr()
    sheets, texts = template_texts(out)
    loaded = targetdsl.load_policy(policy)
    names = {loaded.title, *loaded.schema.classes, "true", "false", "是", "否"}
    for spec in loaded.schema.classes.values():
        for measure in spec.measures():
            names |= {measure.name, measure.label or "", *measure.given_by}
            names |= set(measure.inputs) | {s.label or "" for s in measure.inputs.values()}
            for sub in measure.subitems:
                names |= {sub.name, sub.label or ""} | set(sub.inputs)
        for rule in spec.rules:
            names |= {rule.name, rule.label or ""} | set(rule.inputs)
            names |= {s.label or "" for s in rule.inputs.values()}
    names |= {s.label or s.name for s in loaded.schema.unit_inputs.values()}
    names |= {r.assessor for spec in loaded.schema.classes.values() for m in spec.measures() for r in m.raters}
    if language is ZH:
        assert sheets[0] == "填表说明"
        left = [t for t in texts if leftover(t.replace("true/false", ""), names | {"targetdsl", "evaluate"})]
        assert not left, left[:10]
    else:
        assert sheets[0] == "instructions"
        # once the policy's names and labels are taken out, nothing Chinese is left but the values 是/否
        # the data may hold, named in the English as a reader may type them
        chinese = re.compile(r"[\u4e00-\u9fff]")
        known = "|".join(map(re.escape, sorted(names - {""}, key=len, reverse=True)))
        left = [t for t in texts if chinese.search(re.sub(known, " ", t))]
        assert not left, left[:10]
    # filled in as a unit would, and read back by evaluate
    book = openpyxl.load_workbook(out)
    sheet = book["市直部门"]
    header = [cell.value for cell in sheet[1]]
    sheet.cell(row=3, column=header.index("id") + 1, value="T1")
    sheet.cell(row=3, column=header.index("name") + 1, value="测试局")
    for path in header:
        if path.startswith(("常规任务.1.", "定量任务.1.")) and path.endswith(("done", "target", "actual")):
            sheet.cell(row=3, column=header.index(path) + 1, value=True if path.endswith("done") else 100)
        elif path.count(".") == 1 and path.split(".")[0] in {
            "人民满意度",
            "领导班子建设",
            "精神文明建设",
            "党风廉政建设",
            "全面工作评价",
            "日常工作",
        }:
            sheet.cell(row=3, column=header.index(path) + 1, value=80)
    book.save(out)
    unit = targetdsl.load_policy(policy).evaluate(out).unit("T1")
    assert unit.name == "测试局" and unit.unit_class == "市直部门"


def test_an_unknown_unit_to_explain_is_said_in_chinese(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    args = ["explain", "policies/lianyungang-2003.zh.tdsl", "examples/lianyungang-2003/units.yaml", "--lang", "zh"]
    assert main([*args, "c04"]) == 2
    assert "中没有单位 `c04`；是不是 `C04`？（单位有：" in capsys.readouterr().err
    assert main([*args, "灌南县"]) == 2
    assert "；灌南县 是单位 C04 的名称：请给出它的编号（单位有：" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("english", "chinese"),
    [
        # a generic template (`{grade} ({op} {bound})`, `{earned} of {points}`) must not take these
        ("得票率(…) = 0.84 (line 36)", "得票率(…) = 0.84（第 36 行）"),
        ("60% of category 经济: 36 points", "考核内容 经济 的 60%：36 分"),
        ("capped at 5", "封顶 5"),
        ("when 批次 > 2: holds", "条件 批次 > 2：成立"),
    ],
)
def test_notes_of_the_new_constructs_read_in_chinese(english: str, chinese: str) -> None:
    assert translate(english, ZH) == chinese


def test_the_reports_assumptions_name_their_owner_in_chinese() -> None:
    """The HTML report lists what the method assumed under its title, each with what it belongs to, in
    the report's language (`一票否决 计划生育`, not `veto 计划生育`); a measure's kind too."""
    from targetdsl.office.htmlreport import render
    from targetdsl.office.publication import edition

    policy = targetdsl.load_policy(POLICIES / "lianyungang-2003.zh.tdsl")
    assessment = policy.evaluate(EXAMPLES / "lianyungang-2003" / "units.yaml")
    chinese = render(assessment, edition(policy, lang="zh"))
    assert "<li>一票否决 计划生育：" in chinese and "<li>veto " not in chinese
    assert "<li>veto 计划生育" in render(assessment, edition(policy, lang="en"))
    for kind, word in (("indicator", "指标"), ("items", "事项"), ("assessed", "评议"), ("subitem", "子项")):
        assert translate(f"x.tdsl:3:5: assumption in {kind} 增速:", ZH) == f"x.tdsl:3:5：{word} 增速的假定："
        assert translate(f"{kind} 增速", ZH) == f"{word} 增速"
