"""`targetdsl plan`: the lowered quantities in evaluation order and the evaluator that takes each — and
the plan agrees with what an evaluation without explanations really does (the engine's kernels and
generated expressions, observed after the evaluation)."""

import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import targetdsl
from benchmarks.workload import generate
from benchmarks.workload import policy as workload
from targetdsl.cli import main
from targetdsl.evaluation.engine import period_months
from targetdsl.evaluation.kernel import Kernel
from targetdsl.evaluation.lowering import Kind, part
from targetdsl.evaluation.measures import FastMeasure
from targetdsl.evaluation.plan import Evaluator, Plan
from targetdsl.numeric import CONTEXT
from tests.support import case_documents, module_source
from tests.unit.test_lowering import PEERS

ROOT = Path(__file__).resolve().parent.parent


SMALL_UNITS = [
    {"id": "A", "class": "县区", "indicators": {"增长": {"target": "100", "actual": "90"}, "效率": {"x": "3"}}},
    {"id": "B", "class": "县区", "indicators": {"增长": {"target": "80", "actual": "100"}, "效率": {"x": "5"}}},
    {
        "id": "C",
        "class": "县区",
        "indicators": {"增长": {"target": "50", "actual": "1"}, "效率": {"x": "4"}},
        "vetoes": {"安全": {"failed": True}},
    },
]


def evaluations() -> list[Any]:
    """(name, policy text or path, units, period, carried in) for every policy with units to run."""
    runs: list[Any] = [
        pytest.param(
            ROOT / "policies/lianyungang-2002.tdsl",
            ROOT / "examples/lianyungang-2002/units.yaml",
            None,
            None,
            id="lianyungang-2002",
        ),
        pytest.param(
            ROOT / "policies/lianyungang-2003.tdsl",
            ROOT / "examples/lianyungang-2003/units.yaml",
            None,
            ROOT / "examples/lianyungang-2003/carried-in.yaml",
            id="lianyungang-2003",
        ),
        pytest.param(
            ROOT / "policies/lianyungang-2003.tdsl",
            ROOT / "examples/lianyungang-2003/units.yaml",
            "一季度",
            None,
            id="lianyungang-2003[一季度]",
        ),
        pytest.param(workload.text(), generate.units(60), None, None, id="workload"),
        pytest.param(ROOT / "examples/plan/small.tdsl", SMALL_UNITS, None, None, id="plan-example"),
        pytest.param(ROOT / "examples/plan/small.tdsl", SMALL_UNITS, "Q1", None, id="plan-example[Q1]"),
    ]
    for path, document in case_documents():
        for index, run in enumerate(document.get("cases") or [{"expect": document["expect"]}]):
            if "data_errors" in run["expect"] or "evaluation_errors" in run["expect"]:
                continue
            runs.append(
                pytest.param(
                    document["policy"],
                    document["units"],
                    run.get("period"),
                    {"carried_in": document.get("carried_in"), "last_year": document.get("last_year")},
                    id=f"{path.stem}[{index}]",
                )
            )
    return runs


def policy_of(source: Any) -> targetdsl.Policy:
    if isinstance(source, Path):
        return targetdsl.load_policy(source)
    return targetdsl.parse_policy(source, name="policy.tdsl")


@pytest.mark.parametrize(("source", "units", "period", "carried"), evaluations())
def test_the_plan_agrees_with_what_the_engine_does(source: Any, units: Any, period: Any, carried: Any) -> None:
    policy = policy_of(source)
    made = policy.plan(period=period)
    options = carried if isinstance(carried, dict) else {"carried_in": carried}  # a case's: with last year's results
    policy.evaluate(units, period=period, explain=False, **options)
    compiled = policy.schema.compiled
    fraction = CONTEXT.divide(Decimal(period_months(policy.schema, period)), Decimal(12))
    checked = 0
    for class_plan in made.classes:
        spec = policy.schema.classes[class_plan.unit_class]
        # the kernel built for the class (for the layout its units' rows came in, if any)
        key = next((k for k in compiled if k[:3] == ("kernel", spec.name, fraction)), None)
        if key is None:  # no unit of this class in the data: nothing was built to compare
            continue
        kernel: Kernel | None = compiled[key]
        in_kernel = {m.name for m in kernel.measures} if kernel is not None else set()
        steps = {s.quantity.name: s for s in class_plan.steps}
        for measure in spec.measures():
            step = steps[f"{part(measure.category)}.{measure.name}.score"]
            if step.evaluator is Evaluator.KERNEL:
                assert measure.name in in_kernel, measure.name
                assert step.reason is None
                continue
            assert measure.name not in in_kernel, measure.name
            assert step.reason, measure.name  # a decline is always said, with its reason
            # every unit the kernel does not take: the engine asked for generated expressions
            fast = compiled[("measure", measure.name)]
            if step.evaluator is Evaluator.EXPRESSIONS:
                assert isinstance(fast, FastMeasure), measure.name
            else:
                assert step.evaluator is Evaluator.REFERENCE and fast is None, measure.name
            checked += 1
        for category in spec.categories:
            step = steps[f"category.{category.name}"]
            summed = kernel is not None and category.name in kernel.categories
            assert (step.evaluator is Evaluator.KERNEL) == summed, category.name
        for rule in spec.rules_of("veto"):
            step = steps[f"veto.{rule.name}"]
            tested = kernel is not None and kernel.vetoes is not None
            assert (step.evaluator is Evaluator.KERNEL) == tested, rule.name
            if not tested:
                assert step.reason, rule.name
        checked += 1
    assert checked


def test_every_kind_of_decline_is_named() -> None:
    policy = targetdsl.parse_policy(PEERS, name="peers.tdsl")
    steps = {s.quantity.name: s for s in policy.plan().classes[0].steps}
    # a measure comparing units: in the kernel, which computes its argument for every unit, then scores
    # them with the class's values of it
    assert (steps["k.a.score"].evaluator, steps["k.a.score"].reason) == (Evaluator.KERNEL, None)
    assert steps["k.a.let.rate"].evaluator is Evaluator.KERNEL  # a let goes where its measure goes
    assert (steps["k.a.efficacy.argument"].evaluator, steps["k.a.efficacy.argument"].reason) == (Evaluator.KERNEL, None)
    assert steps["j.c.scored"].evaluator is Evaluator.EXPRESSIONS
    assert "missing peer_avg" in (steps["j.c.scored"].reason or "")
    assert steps["k.a.efficacy"].evaluator is Evaluator.REFERENCE
    assert steps["category.k"].evaluator is Evaluator.KERNEL
    assert steps["category.j"].reason == "summed by the engine: not every measure is in the kernel (c)"
    assert steps["input.规模"].evaluator is Evaluator.DATA
    assert steps["rank"].evaluator is Evaluator.REFERENCE and steps["rank"].reason is None


def test_a_progress_check_shows_what_proration_declines() -> None:
    policy = targetdsl.load_policy(ROOT / "policies/lianyungang-2003.tdsl")
    year = {s.quantity.name: s for c in policy.plan().classes for s in c.steps}
    quarter = {s.quantity.name: s for c in policy.plan(period="一季度").classes for s in c.steps}
    assert year.keys() == quarter.keys()
    moved = [name for name in year if year[name].evaluator != quarter[name].evaluator]
    assert all("prorated" in (quarter[name].reason or "") for name in moved if name.endswith(".score"))


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_plan_text(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "plan", str(ROOT / "policies/lianyungang-2003.tdsl"))
    assert code == 0 and err == ""
    assert out.startswith("plan of 2003年度")
    assert "class 县区: 2 passes over the units" in out
    assert "  pass 1 (per unit)\n" in out and "  settle 1 (over the whole class)\n" in out
    assert "\n    total  total · reference · lianyungang-2003.tdsl:" in out  # located as results name files
    assert "其他考核.人民满意度.score  score · kernel · lianyungang-2002.tdsl:" in out
    assert "      why: kernel: a list of items is scored item by item\n" in out


@pytest.mark.parametrize(
    "policy",
    ["policies/lianyungang-2003.zh.tdsl", "policies/lianyungang-2003.tdsl", "examples/plan/small.tdsl"],
)
def test_plan_in_chinese_leaves_no_english(capsys: pytest.CaptureFixture[str], policy: str) -> None:
    """Under `--lang zh` every word of the plan is Chinese but the policy's own: its names and, in a file
    written with English keywords, its keywords and terms, as the file writes them."""
    from targetdsl.keywords import VOCABULARY, WORDS, Language, names_of

    code, out, err = run(capsys, "--lang", "zh", "plan", str(ROOT / policy))
    assert code == 0 and err == ""
    sources = [ROOT / policy] + ([ROOT / "policies/lianyungang-2002.tdsl"] if "2003" in policy else [])
    own = set().union(*(names_of(path.read_text(encoding="utf-8")) for path in sources))
    if ".zh." in policy:
        sources = [ROOT / "policies/lianyungang-2002.zh.tdsl", *sources]
        own = set().union(*(names_of(path.read_text(encoding="utf-8")) for path in sources))
    else:
        own |= WORDS[Language.ENGLISH] | VOCABULARY
    left = set()
    for line in out.splitlines():
        if line.lstrip().startswith("←"):
            continue  # the names of quantities
        said = re.sub(r"^\s+\S+  ", " ", line)  # a quantity's name
        said = re.sub(r"\S+\.tdsl:\d+:\d+", " ", said)  # where it is
        left |= {w for w in re.findall(r"[A-Za-z_][A-Za-z_0-9]*", said) if w not in own}
    # the result names an award reads, and the tie keys every policy has: in Chinese in a Chinese file
    assert left <= (set() if ".zh." in policy else {"total", "id", "completed_items", "items", "rank"}), sorted(left)
    if ".zh." in policy:
        assert "= 事项，按每项分值：如果 rate < 60% 则 0 否则 分值 * 最小(rate, 120%)" in out
        assert "原因：内核：事项清单逐项计分" in out


def test_plan_json_and_one_class(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "plan", str(ROOT / "policies/lianyungang-2003.tdsl"), "--format", "json")
    assert code == 0
    document = json.loads(out)
    classes = [c["class"] for c in document["classes"]]
    assert classes == list(targetdsl.load_policy(ROOT / "policies/lianyungang-2003.tdsl").schema.classes)
    first = document["classes"][0]
    names = [q["name"] for q in first["quantities"]]
    total = next(q for q in first["quantities"] if q["name"] == "total")
    assert all(names.index(d) < names.index("total") for d in total["dependencies"])
    assert total["phase"] == "pass 1" and total["evaluator"] == "reference" and total["declined"] is None
    rank = next(q for q in first["quantities"] if q["name"] == "rank")
    assert rank["scope"] == "class" and rank["phase"] == "settle 1"
    code, out, _ = run(
        capsys, "plan", str(ROOT / "policies/lianyungang-2003.tdsl"), "--format", "json", "--class", "市直部门"
    )
    assert code == 0
    assert [c["class"] for c in json.loads(out)["classes"]] == ["市直部门"]


def test_plan_refuses_what_it_cannot_plan(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    policy = ROOT / "policies/lianyungang-2003.tdsl"
    code, out, err = run(capsys, "plan", str(policy), "--class", "nope")
    assert code == 2 and out == "" and "--class nope: the policy has no such class" in err
    code, out, err = run(capsys, "plan", str(policy), "--period", "Q9")
    assert code == 2 and out == "" and "--period Q9" in err
    code, out, err = run(capsys, "plan", str(tmp_path / "missing.tdsl"))
    assert code == 2 and out == "" and "no such file" in err
    code, out, err = run(capsys, "plan", str(ROOT / "examples/lianyungang-2003/units.yaml"))
    assert code == 2 and out == ""
    broken = ROOT / "tests/broken/check-cycle.tdsl"
    code, out, err = run(capsys, "plan", str(broken))
    assert code == 1 and out == "" and "check-cycle.tdsl:" in err and "Traceback" not in err


def test_plan_confines_extends_to_the_root(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    inner = tmp_path / "inner"
    inner.mkdir()
    (inner / "p.tdsl").write_text('extends "../base.tdsl"\n', encoding="utf-8")
    (tmp_path / "base.tdsl").write_text(PEERS, encoding="utf-8")
    code, out, err = run(capsys, "plan", str(inner / "p.tdsl"))
    assert code == 1 and out == "" and "extends" in err
    code, out, _ = run(capsys, "plan", str(inner / "p.tdsl"), "--root", str(tmp_path))
    assert code == 0 and "k.a.efficacy  statistic · reference" in out


def test_the_plan_of_every_measure_is_printed(capsys: pytest.CaptureFixture[str]) -> None:
    policy = targetdsl.parse_policy(workload.text(), name="workload.tdsl")
    made: Plan = policy.plan()
    for class_plan in made.classes:
        scores = [s for s in class_plan.steps if s.quantity.kind is Kind.SCORE]
        assert len(scores) == len(policy.schema.classes[class_plan.unit_class].measures())
        assert all(s.evaluator is Evaluator.KERNEL for s in scores)  # the benchmark takes the kernel throughout


def _declines() -> list[tuple[str, str]]:
    """Every reason a faster evaluator gives for declining, as the source writes it (Q for a value):
    the kernel's `Unsupported(…)`, and the reasons `plan.py` and `FastMeasure.attempt` return."""
    import ast

    from tests.unit.test_messages import _samples, source_messages

    found = source_messages(["kernel"], {"Unsupported"})
    for module, functions in (("plan", {"assign", "category", "measure", "rule"}), ("measures", {"attempt"})):
        tree = ast.parse(module_source(module).read_text(encoding="utf-8"))
        for function in ast.walk(tree):
            if isinstance(function, ast.FunctionDef) and function.name in functions:
                for node in ast.walk(function):
                    value = node.value if isinstance(node, ast.Return) else None
                    reason = value.elts[-1] if isinstance(value, ast.Tuple) else value
                    for sample in _samples(reason) if reason is not None else []:
                        if " " in sample.strip():
                            found.append((f"{module}.py:{node.lineno}", sample))
    return found


@pytest.mark.parametrize(("where", "english"), _declines())
def test_every_reason_a_faster_evaluator_declines_has_chinese(where: str, english: str) -> None:
    from targetdsl.messages import Language, translate

    for clause in english.split("; "):  # clauses are said one by one
        if not re.search("[A-Za-z]", clause.replace("Q", "")):
            continue  # only a value: a reason of its own
        numbered = clause.replace("Q", "1")  # a place that takes a whole number
        said = translate(clause, Language.CHINESE) != clause or translate(numbered, Language.CHINESE) != numbered
        assert said, f"{where}: no Chinese for {clause!r}"
