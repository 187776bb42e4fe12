"""Policy tests: expected outcomes written beside a policy, run by `targetdsl test`.

A test file `<name>.test.yaml` names its policy and lists tests; each
gives unit data (a file or inline units) and what the author expects: a
unit's total, category subtotals, indicator scores, grade, rank, vetoes,
bonus, money, eligibility; the carry-over ledger; or a data error. A
failure shows expected against actual with the explanation of the actual
value. With coverage, every decision the tests exercised is collected.
See docs/testing.md.

A result holds its texts in English (what the JSON and JUnit reports carry) and, for the few texts
built from a rendered problem or explanation, in Chinese beside them (`Mismatch.chinese_why`,
`TestResult.chinese_error`: failures are few, so both are made when found); `render_text` shows them in
the language asked for, every other word through the catalog.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import attrs

from targetdsl.api import Policy, load_referenced_policy
from targetdsl.audit.explain import render_step
from targetdsl.diagnostics import PolicyError
from targetdsl.evaluation import cover
from targetdsl.evaluation.interpreter import EvaluationError
from targetdsl.evaluation.results import Assessment, Step, UnitResult
from targetdsl.files import FileReadError, read_limited, resolve
from targetdsl.messages import Language, translate, translate_clauses
from targetdsl.numeric import text
from targetdsl.source import decode, printable
from targetdsl.units.data import NUMBER_TEXT
from targetdsl.units.documents import parse_yaml
from targetdsl.values import DataError

MAX_TEST_BYTES = 64 * 1024 * 1024  # a test file may hold its units inline
UNIT_FIELDS = (
    "total",
    "raw_total",
    "bonus",
    "deductions",
    "money",
    "grade",
    "rank",
    "eligible",
    "vetoes",
    "subtotals",
    "measures",
    "commendations",
    "items",
    "completed_items",
)


ZH = Language.CHINESE
_IN_CHINESE = attrs.field(default=None, eq=False, repr=False)  # a text in Chinese, beside its English


@attrs.frozen
class Mismatch:
    field: str
    expected: str
    actual: str
    why: tuple[str, ...] = ()
    chinese_why: tuple[str, ...] | None = _IN_CHINESE
    chinese_actual: str | None = _IN_CHINESE  # an error message rendered in Chinese


@attrs.frozen
class TestResult:
    file: str
    name: str
    mismatches: tuple[Mismatch, ...]
    error: str | None = None  # the test itself could not run (bad test file, broken policy)
    chinese_error: str | None = _IN_CHINESE

    @property
    def passed(self) -> bool:
        return not self.mismatches and self.error is None


@attrs.frozen
class RunResult:
    results: tuple[TestResult, ...]
    coverage: dict[str, cover.CoverageReport]

    @property
    def failed(self) -> int:
        return sum(1 for r in self.results if not r.passed)


def discover(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    files: list[Path] = []
    for raw in paths:
        if os.fspath(raw) == "-":  # standard input: the caller reads it (`run(..., stdin=text)`)
            continue
        path = Path(raw)
        if path.is_dir():
            files.extend(sorted(_test_files(path)))
        elif path.is_file():
            files.append(path)
    return list(dict.fromkeys(files))


def _test_files(directory: Path) -> Iterator[Path]:
    """Every `*.test.yaml` under `directory`; a directory reached again through a symbolic link is
    not walked twice (a link to its own parent would otherwise never end)."""
    seen: set[tuple[int, int]] = set()
    for folder, subfolders, names in os.walk(directory, followlinks=True):
        try:
            info = os.stat(folder)
        except OSError:
            subfolders[:] = []
            continue
        if (info.st_dev, info.st_ino) in seen:
            subfolders[:] = []
            continue
        seen.add((info.st_dev, info.st_ino))
        subfolders.sort()
        yield from (Path(folder) / name for name in names if name.endswith(".test.yaml"))


def run(
    paths: Iterable[str | os.PathLike[str]],
    *,
    coverage: bool = False,
    root: str | os.PathLike[str] | None = None,
    stdin: str | None = None,
) -> RunResult:
    """Run every test file under `paths`; each policy's `extends` chain is confined to `root`
    (by default the policy's own directory), as `load_policy` does. With a root, the policy, data
    and ledgers each test file names must lie under it too. `stdin` is the text of a test file read
    from standard input (named `<stdin>`; the files it names are relative to the current directory),
    run after the files."""
    results: list[TestResult] = []
    reports: dict[str, cover.CoverageReport] = {}
    files: list[tuple[Path, str | None]] = [(file, None) for file in discover(paths)]
    if stdin is not None:
        files.append((Path(STDIN_NAME), stdin))
    for file, given in files:
        recorder = cover.Recorder() if coverage else None
        token = cover.current.set(recorder)
        try:
            policy, file_results = run_file(file, root=root, text=given)
        finally:
            cover.current.reset(token)
        results.extend(file_results)
        if recorder is not None and policy is not None:
            reports[printable(str(file))] = cover.report(policy.effective, recorder.hits)
    return RunResult(tuple(results), reports)


STDIN_NAME = "<stdin>"  # a test file read from standard input: its paths are relative to the current directory


def run_file(
    file: Path, *, root: str | os.PathLike[str] | None = None, text: str | None = None
) -> tuple[Policy | None, list[TestResult]]:
    """Run the tests of one file (or of `text`, read elsewhere, named `file`)."""
    shown = printable(str(file))
    try:
        if text is None:
            text = decode(read_limited(file, limit=MAX_TEST_BYTES))
    except FileReadError as exc:
        return None, [TestResult(shown, "(file)", (), f"the test file {exc.reason}")]
    except UnicodeDecodeError:
        return None, [TestResult(shown, "(file)", (), "the test file is not UTF-8 text; save it as UTF-8")]
    try:
        document = parse_yaml(text)
        policy_path = file.parent / _path_field(document, "policy")
        tests = document["tests"]
        if not isinstance(tests, list) or not all(isinstance(test, dict) for test in tests):
            raise TypeError("`tests` must be a list of tests, each a mapping")
        for test in tests:
            for key in ("data", "carry_in"):
                if test.get(key) is not None:
                    _within(file.parent / _path_field(test, key), root, key)
    except (KeyError, TypeError, FileReadError) as exc:
        return None, [TestResult(shown, "(file)", (), f"not a test file: {exc}")]
    except Exception as exc:  # YAML errors carry their own position
        return None, [TestResult(shown, "(file)", (), f"not a test file: {exc}")]
    try:
        policy = load_referenced_policy(policy_path, root=root)
    except PolicyError as exc:
        error = f"the policy has errors:\n{exc.render()}"
        chinese = f"{translate('the policy has errors:', ZH)}\n{exc.render(language=ZH)}"
        return None, [TestResult(shown, "(policy)", (), error, chinese)]
    return policy, [run_test(policy, file, index, test) for index, test in enumerate(tests, start=1)]


def _path_field(document: Any, key: str) -> str:
    """A file named in a test file: a non-empty string."""
    if not isinstance(document, dict):
        raise TypeError("the test file must be a mapping with `policy` and `tests`")
    value = document[key]
    if not isinstance(value, str) or not value or "\0" in value:
        raise TypeError(f"`{key}` must name a file")
    return value


def _within(path: Path, root: str | os.PathLike[str] | None, key: str) -> None:
    """With a root, a file a test file names must lie under it (symbolic links followed): a test file
    from elsewhere cannot have the host's files read as unit data."""
    if root is not None and not resolve(path).is_relative_to(resolve(root)):
        raise TypeError(
            f"`{key}` names `{printable(str(path))}`, outside the allowed directory `{printable(os.fspath(root))}`"
        )


def run_test(policy: Policy, file: Path, index: int, test: dict[str, Any]) -> TestResult:
    name = str(test.get("name") or f"test {index}")
    shown = printable(str(file))
    if test.get("data") is not None:
        units: Any = file.parent / test["data"]
    else:
        units = {"units": test.get("units", [])}
    carry_in = file.parent / test["carry_in"] if test.get("carry_in") else None
    expected_error = test.get("expect_error")
    try:
        assessment = policy.evaluate(units, period=test.get("period"), carried_in=carry_in)
    except (DataError, EvaluationError) as exc:
        message, chinese = exc.render(), exc.render(language=ZH)
        # the expected error may be written in either language
        if expected_error is not None and (str(expected_error) in message or str(expected_error) in chinese):
            return TestResult(shown, name, ())
        if expected_error is not None:
            return TestResult(shown, name, (Mismatch("error", str(expected_error), message, chinese_actual=chinese),))
        error = f"the data cannot be evaluated:\n{message}"
        return TestResult(shown, name, (), error, f"{translate('the data cannot be evaluated:', ZH)}\n{chinese}")
    if expected_error is not None:
        return TestResult(shown, name, (Mismatch("error", str(expected_error), "no error: the data evaluated"),))
    return TestResult(shown, name, tuple(compare(assessment, test.get("expect") or {})))


def compare(assessment: Assessment, expect: dict[str, Any]) -> list[Mismatch]:
    mismatches: list[Mismatch] = []
    for unit_id, fields in (expect.get("units") or {}).items():
        try:
            unit = assessment.unit(str(unit_id))
        except KeyError:
            mismatches.append(Mismatch(f"{unit_id}", "a unit", "no such unit in the data"))
            continue
        for field, wanted in fields.items():
            mismatches.extend(compare_field(unit, str(field), wanted))
    if "completion" in expect:
        wanted_rows = expect["completion"] or {}
        actual_rows = {f"{r.unit_class}/{r.category}": [r.items, r.completed] for r in assessment.completion}
        actual_rows["all"] = [assessment.total_items, assessment.total_completed]
        for key, value in wanted_rows.items():
            if actual_rows.get(str(key)) != list(value):
                mismatches.append(
                    Mismatch(f"completion.{key}", _plain(list(value)), _plain(actual_rows.get(str(key), "no such row")))
                )
    if "ledger" in expect:
        actual = [{"unit": c.unit, "name": c.name} for c in assessment.ledger]
        wanted = [{"unit": str(e.get("unit")), "name": e.get("name")} for e in expect["ledger"] or []]
        if actual != wanted:
            mismatches.append(Mismatch("ledger", _plain(wanted), _plain(actual)))
    return mismatches


def compare_field(unit: UnitResult, field: str, wanted: Any) -> list[Mismatch]:
    where = f"{unit.id}.{field}"
    if field == "subtotals":
        return [
            m
            for category, value in wanted.items()
            for m in _number(
                f"{where}.{category}",
                value,
                unit.subtotal(str(category)),
                _steps(unit, f"category {_category_label(unit, str(category))}"),
            )
        ]
    if field == "measures":
        found: list[Mismatch] = []
        for name, value in wanted.items():
            measure = next((m for m in unit.measures if m.name == name), None)
            if measure is None:
                found.append(Mismatch(f"{where}.{name}", str(value), "no such indicator for this unit"))
                continue
            actual = measure.earned if measure.applicable else None
            why = _lines([measure.step], wording=False)
            found.extend(_number(f"{where}.{name}", value, actual, why))
        return found
    if field == "vetoes":
        actual_vetoes = [v.name for v in unit.vetoes]
        if sorted(actual_vetoes) != sorted(wanted or []):
            return [Mismatch(where, _plain(wanted), _plain(actual_vetoes), *_steps(unit, "veto "))]
        return []
    if field == "commendations":
        if sorted(unit.commendations) != sorted(wanted or []):
            return [Mismatch(where, _plain(wanted), _plain(list(unit.commendations)))]
        return []
    if field in ("grade", "rank", "eligible", "items", "completed_items"):
        actual_value = getattr(unit, field)
        if actual_value != wanted:
            if field == "grade":
                reason = unit.grade_reason
                why = ((reason,), (translate_clauses(reason, ZH),))
            else:
                why = _steps(unit, "rank in class")
            return [Mismatch(where, _plain(wanted), _plain(actual_value), *why)]
        return []
    if field in ("total", "raw_total", "bonus", "deductions", "money"):
        prefix = {"bonus": "bonus ", "deductions": "deduction ", "money": "award "}.get(field, "total")
        return _number(where, wanted, getattr(unit, field), _steps(unit, prefix))
    return [Mismatch(where, _plain(wanted), f"unknown field; expected one of {', '.join(UNIT_FIELDS)}")]


Why = tuple[tuple[str, ...], tuple[str, ...]]  # an explanation's lines in English and in Chinese


def _number(where: str, wanted: Any, actual: Decimal | None, why: Why) -> list[Mismatch]:
    if wanted is None:
        return [] if actual is None else [Mismatch(where, "not applicable", text(actual), *why)]
    # Written as the data writes numbers: digits, a point and an exponent; never 8_0 read as 80, a
    # boolean as 1, or a float's binary approximation.
    shown = str(wanted).strip()
    if isinstance(wanted, bool) or isinstance(wanted, float) or not NUMBER_TEXT.fullmatch(shown):
        return [Mismatch(where, shown, "expected a number in the test, written with digits and a point")]
    try:
        expected = Decimal(shown)
    except InvalidOperation:
        return [Mismatch(where, shown, "expected a number in the test")]
    if actual is None or actual != expected:
        return [Mismatch(where, text(expected), "not applicable" if actual is None else text(actual), *why)]
    return []


def _category_label(unit: UnitResult, name: str) -> str:
    category = next((c for c in unit.categories if c.name == name), None)
    return (category.label or category.name) if category else name


def _steps(unit: UnitResult, prefix: str) -> Why:
    return _lines([_shallow(step) for step in unit.explanation if step.what.startswith(prefix)])


def _lines(steps: list[Step], *, wording: bool = True) -> Why:
    """The steps rendered in English and in Chinese; `wording`: the first step's `what` is the engine's
    wording (`category 经济`), not a measure's name."""
    english = [line for step in steps for line in render_step(step, 0, wording=wording)]
    chinese = [line for step in steps for line in render_step(step, 0, language=ZH, wording=wording)]
    return tuple(english), tuple(chinese)


def _shallow(step: Step) -> Step:
    return attrs.evolve(step, children=tuple(attrs.evolve(c, children=()) for c in step.children))


def _plain(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return text(value)
    return str(value)


# ---------------------------------------------------------------- reports


def render_text(outcome: RunResult, *, language: Language = Language.ENGLISH) -> str:
    chinese = language is Language.CHINESE

    def say(words: str) -> str:
        return translate(words, language)

    lines: list[str] = []
    for result in outcome.results:
        status = "PASS" if result.passed else ("ERROR" if result.error else "FAIL")
        lines.append(f"{say(status)} {result.file}: {result.name}")
        error = result.chinese_error if chinese and result.chinese_error is not None else result.error
        if error:
            lines.extend("    " + line for line in (say(error) if error == result.error else error).splitlines())
        for mismatch in result.mismatches:
            if chinese:
                actual = mismatch.chinese_actual if mismatch.chinese_actual is not None else say(mismatch.actual)
                expected = mismatch.expected if mismatch.field == "error" else say(mismatch.expected)
                lines.append(f"    {mismatch.field}：应为 {expected}，实为 {actual}")
            else:
                lines.append(f"    {mismatch.field}: expected {mismatch.expected}, got {mismatch.actual}")
            why = mismatch.chinese_why if chinese and mismatch.chinese_why is not None else mismatch.why
            if why:
                lines.append("      " + say("why:"))
                lines.extend("        " + line for line in why)
    passed = len(outcome.results) - outcome.failed
    lines.append("\n" + say(f"{passed} passed, {outcome.failed} failed"))
    for file, report in outcome.coverage.items():
        lines.append(f"\n{file}")
        lines.append(report.render(language=language).rstrip("\n"))
    return "\n".join(lines) + "\n"


def render_json(outcome: RunResult) -> dict[str, Any]:
    return {
        "tests": [
            {
                "file": r.file,
                "name": r.name,
                "passed": r.passed,
                "error": r.error,
                "mismatches": [attrs.asdict(m, filter=_english) for m in r.mismatches],
            }
            for r in outcome.results
        ],
        "passed": len(outcome.results) - outcome.failed,
        "failed": outcome.failed,
        "coverage": {file: report.to_json() for file, report in outcome.coverage.items()},
    }


def _english(field: attrs.Attribute[Any], value: Any) -> bool:
    """JSON carries the English texts only, whatever the language."""
    return not field.name.startswith("chinese_")


def render_junit(outcome: RunResult) -> str:
    cases = []
    for result in outcome.results:
        head = f"<testcase classname={quoteattr(result.file)} name={quoteattr(result.name)}"
        if result.passed:
            cases.append(head + "/>")
            continue
        body = result.error or "\n".join(f"{m.field}: expected {m.expected}, got {m.actual}" for m in result.mismatches)
        tag = "error" if result.error else "failure"
        cases.append(f"{head}><{tag} message={quoteattr(body.splitlines()[0])}>{escape(body)}</{tag}></testcase>")
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<testsuite name="targetdsl" tests="{len(outcome.results)}" failures="{outcome.failed}">\n  '
        + "\n  ".join(cases)
        + "\n</testsuite>\n"
    )
