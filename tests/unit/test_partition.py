"""The partitioned evaluation (partition.py, `--jobs N`) against one stream, field by field and byte by byte.

A partitioned evaluation must give what `Policy.stream` gives — every result, the ledger, the
completion table, or exactly the same problems in the same order — whatever the number of parts:
every case, generated policies (peer functions, quotas, `missing peer_avg`), JSON Lines cut by byte
ranges (blank lines, a byte-order mark, a malformed line that shifts the numbering of every later
part), CSV with a line break inside a quoted name, duplicate ids in different parts, an error in one
part; and the command line's bytes with `--jobs 2`.
"""

import json
import pickle
import random
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import targetdsl
from targetdsl.cli import main
from targetdsl.evaluation.results import unit_json
from targetdsl.scaling import cutting, parcels, partition
from targetdsl.scaling.stream import stream_passes
from tests.fuzz.strategies import policies
from tests.support import case_documents
from tests.unit.test_stream_peers import peer_policies, records_for, write_files

ROOT = Path(__file__).resolve().parents[2]
PARTS = (1, 7, 31)


def outcome(run: Any) -> Any:
    try:
        return run()
    except (targetdsl.DataError, targetdsl.EvaluationError) as exc:
        return type(exc).__name__, [str(p) for p in exc.problems]


def streamed(policy: targetdsl.Policy, units: Any, **options: Any) -> Any:
    with policy.stream(units, **options) as results:
        return [unit_json(u) for u in results], results.ledger, results.completion


def in_parts(policy: targetdsl.Policy, units: Any, parts: int, **options: Any) -> Any:
    done = policy.evaluate_parts(units, parts=parts, **options)
    return [unit_json(u) for u in done.results], done.ledger, done.completion


def assert_alike(policy: targetdsl.Policy, units: Any, parts: tuple[int, ...] = PARTS, **options: Any) -> Any:
    expected = outcome(lambda: streamed(policy, units, **options))
    for count in parts:
        assert outcome(lambda c=count: in_parts(policy, units, c, **options)) == expected, count  # type: ignore[misc]
    return expected


def cases() -> list[Any]:
    params = []
    for path, document in case_documents():
        for index, run in enumerate(document.get("cases") or [{}]):
            params.append(pytest.param(path.name, document, run, id=f"{path.stem}[{index}]"))
    return params


def case_options(document: dict[str, Any], run: dict[str, Any]) -> dict[str, Any]:
    """What a case's run gives an evaluation beside its units: its period, carry-over ledger, last year."""
    return {
        "period": run.get("period"),
        "carried_in": document.get("carried_in"),
        "last_year": document.get("last_year"),
    }


@pytest.mark.parametrize(("name", "document", "run"), cases())
def test_every_case_evaluates_in_parts_as_one_stream(name: str, document: dict[str, Any], run: dict[str, Any]) -> None:
    policy = targetdsl.parse_policy(document["policy"], name=name)
    assert_alike(policy, document["units"], (1, 2, 3, 7, 31), **case_options(document, run))


@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
@given(peer_policies(), st.integers(1, 9))
def test_generated_peer_policies_evaluate_in_parts_as_one_stream(case: tuple[str, int, int], parts: int) -> None:
    text, count, seed = case
    if targetdsl.check_text(text).errors:
        return
    policy = targetdsl.parse_policy(text)
    assert_alike(policy, records_for(policy, count, seed), (parts,))


@pytest.mark.slow
@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(peer_policies(), st.integers(1, 9))
def test_many_generated_peer_policies_evaluate_in_parts_as_one_stream(case: tuple[str, int, int], parts: int) -> None:
    test_generated_peer_policies_evaluate_in_parts_as_one_stream.hypothesis.inner_test(case, parts)  # type: ignore[attr-defined]


@settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
@given(policies(), st.integers(1, 9))
def test_generated_policies_evaluate_in_parts_as_one_stream(case: tuple[str, list[Any]], parts: int) -> None:
    text, units = case
    assert_alike(targetdsl.parse_policy(text), units, (parts,))


@pytest.mark.slow
@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
@given(policies(), st.integers(1, 9))
def test_many_generated_policies_evaluate_in_parts_as_one_stream(case: tuple[str, list[Any]], parts: int) -> None:
    test_generated_policies_evaluate_in_parts_as_one_stream.hypothesis.inner_test(case, parts)  # type: ignore[attr-defined]


# -- a two-class policy with quotas, peer functions and a class average, on generated units

QUOTAS = """policy "两类" { year 2003 status draft rounding half_up 2 at total }
input 规模: number missing peer_avg
class 县 { 经济 60 社会 40 }
class 区 { 经济 100 }
category 经济 {
    indicator 增长 points 40 { input actual: number input target: number score points * min(actual / target, 1.2) }
    indicator 效率 points 20 { input x: number missing peer_avg score points * efficacy(x) / 100 }
    indicator 排名 points 40 { input y: number score if rank(y * 规模) * 5 <= peer_count() then points else points / 2 }
}
category 社会 { indicator 民生 points 40 { input z: number missing na score z } }
bonus 创新 { level 国家级 1.5 level 省级 1 cap 3 carry over after 2003-12-01 }
grades { 优秀 >= 85 quota 20% 良好 70 to 85 quota 50% round up 合格 60 to 70 不合格 otherwise }
ties total desc, 经济 desc, id
"""


def quota_units(count: int, seed: int = 2003) -> list[dict[str, Any]]:
    """Units of both classes in no order of id: ties on purpose, missing values now and then."""
    rng = random.Random(seed)
    units = []
    for number in rng.sample(range(10 * count), count):
        county = rng.random() < 0.6
        indicators: dict[str, Any] = {
            "增长": {"actual": str(rng.randint(50, 130)), "target": "100"},
            "排名": {"y": f"{rng.randint(0, 40) / 4}"},
        }
        if rng.random() < 0.9:
            indicators["效率"] = {"x": f"{rng.randint(0, 20)}.{rng.choice(['0', '00', '5'])}"}
        if county:
            indicators["民生"] = {"z": str(rng.randint(20, 40))} if rng.random() < 0.9 else {}
        unit: dict[str, Any] = {"id": f"U{number:05d}", "class": "县" if county else "区", "indicators": indicators}
        if rng.random() < 0.8:
            unit["inputs"] = {"规模": str(rng.randint(1, 3))}
        if rng.random() < 0.1:
            award = {
                "level": rng.choice(["国家级", "省级"]),
                "name": "x",
                "date": rng.choice(["2003-05-01", "2003-12-15"]),
            }
            unit["bonuses"] = {"创新": [award]}
        units.append(unit)
    return units


def test_a_two_class_policy_with_quotas_evaluates_in_parts_as_one_stream(tmp_path: Path) -> None:
    policy = targetdsl.parse_policy(QUOTAS, name="quotas.tdsl")
    units = quota_units(400)
    results, _, _ = assert_alike(policy, units)
    grades = [u["grade"] for u in results]
    assert grades.count("优秀") > 0 and len({u["unit_class"] for u in results}) == 2
    jsonl, table = write_files(tmp_path, units)
    assert_alike(policy, jsonl, (1, 3, 7))
    assert_alike(policy, table, (1, 3, 7))


# -- JSON Lines by byte ranges, CSV by records


def lines_of(units: list[Any]) -> list[str]:
    return [json.dumps(u, ensure_ascii=False) + "\n" for u in units]


def test_json_lines_cut_by_bytes_number_their_lines_and_units_as_one_stream(tmp_path: Path) -> None:
    """Blank lines, a byte-order mark and a missing last line break; then malformed lines in early
    parts, which are no records: every later unit's number is one less than its line's."""
    policy = targetdsl.parse_policy(QUOTAS, name="quotas.tdsl")
    units = quota_units(60, seed=5)
    text = lines_of(units)
    text.insert(10, "\n")
    text.insert(25, "   \n")
    path = tmp_path / "units.jsonl"
    path.write_text("\ufeff" + "".join(text).rstrip("\n"), encoding="utf-8")
    assert_alike(policy, path, (1, 2, 5, 7, 31, 100))
    broken = list(text)
    broken[3] = '{"id": "bad", \n'
    broken[20] = "not json\n"
    broken[40] = json.dumps({"id": "U?", "class": "县", "indicators": {"增长": {"actual": "x"}}}) + "\n"
    path.write_text("".join(broken), encoding="utf-8")
    problems = assert_alike(policy, path, (1, 2, 3, 7, 31))
    assert problems[0] == "DataError" and any("line 4" in p for p in problems[1])


def test_csv_with_a_line_break_in_a_quoted_name_is_cut_by_records(tmp_path: Path) -> None:
    """A name may not hold a line break: the unit is refused by the same words, and the units after
    it (in this part and the next) keep their numbers."""
    policy = targetdsl.parse_policy(QUOTAS, name="quotas.tdsl")
    units = quota_units(30, seed=9)
    units[7]["name"] = "第一行\n第二行"
    units[20]["id"] = units[8]["id"]
    _, table = write_files(tmp_path, units)
    assert '"第一行\n第二行"' in table.read_text(encoding="utf-8")
    kind, problems = assert_alike(policy, table, (1, 4, 31))
    assert kind == "DataError" and "U+000A" in problems[0] and "also unit #9" in problems[1]


def test_csv_cut_by_bytes_numbers_its_lines_and_units_as_one_stream(tmp_path: Path) -> None:
    """A byte-order mark, blank lines above the header, CRLF line ends, blank rows and rows of nothing but
    commas (no records: the parts after them were numbered too far, and are read again), then a bad value
    and a duplicate id in later parts: the same results, or the same problems naming the same lines."""
    policy = targetdsl.parse_policy(QUOTAS, name="quotas.tdsl")
    units = quota_units(60, seed=6)
    _, table = write_files(tmp_path, units)
    lines = table.read_text(encoding="utf-8").splitlines(keepends=True)
    width = lines[0].count(",")
    lines[12:12] = ["\n", "," * width + "\n"]
    lines[30:30] = ["  \n"]
    text = "\ufeff\n\n" + "".join(lines).replace("\n", "\r\n")
    path = tmp_path / "units.csv"
    path.write_text(text, encoding="utf-8", newline="")
    cut = cutting.chunks_of(path, "units.csv", 5)
    assert {type(c) for c in cut.chunks} == {cutting.Rows} and cut.notes == ()
    assert_alike(policy, path, (1, 2, 5, 7, 31))
    broken = text.split("\r\n")
    broken[50] = broken[50].replace("U0", "U9", 1).replace(",", ",x", 3)
    broken[55] = broken[20]  # the same unit again, in another part
    path.write_text("\r\n".join(broken), encoding="utf-8", newline="")
    kind, problems = assert_alike(policy, path, (1, 3, 7))
    assert kind == "DataError" and "unknown class `x区`" in problems[0] and "also unit #18 " in problems[1]


@pytest.mark.parametrize(
    ("line", "why"),
    [
        ('U1,"a ""quoted"" name\n', "goes on past the line's end"),
        ("U1,name\rU2,other\n", "lone carriage return"),
        ("U1,na\x00me\n", "NUL byte"),
    ],
)
def test_csv_that_cannot_be_cut_by_bytes_is_read_whole_and_says_why(line: str, why: str, tmp_path: Path) -> None:
    path = tmp_path / "units.csv"
    path.write_text("id,name,class\n" + "U0,zero,县\n" * 3 + line + "U3,three,县\n", encoding="utf-8", newline="")
    cut = cutting.chunks_of(path, "units.csv", 3)
    assert {type(c) for c in cut.chunks} == {cutting.Records}
    assert len(cut.notes) == 1 and why in cut.notes[0] and cut.notes[0].startswith("units.csv: not cut by bytes")
    assert cutting.chunks_of(path, "units.csv", 1).notes == ()  # one part: nothing is cut


def one_process(policy: targetdsl.Policy, data: Any) -> Any:
    return [unit_json(u) for u in policy.evaluate(data, explain=False).units]


def test_several_files_and_a_folder_evaluate_in_parts_as_one_process(tmp_path: Path) -> None:
    """JSON Lines and CSV files together, or a folder of them: one process's results; and its problems,
    word for word, for a bad value in the second file, an id in two files, a file given twice, a
    folder holding a document that is no data."""
    policy = targetdsl.parse_policy(QUOTAS, name="quotas.tdsl")
    units = quota_units(90, seed=31)
    folder = tmp_path / "returned"
    folder.mkdir()
    first, _ = write_files(tmp_path, units[:40])
    _, second = write_files(folder, units[40:])
    (folder / "units.jsonl").unlink()
    first.rename(folder / "a.jsonl")
    files = [folder / "a.jsonl", folder / "units.csv"]
    expected = outcome(lambda: one_process(policy, files))
    assert expected == outcome(lambda: one_process(policy, folder)) and len(expected) == 90
    for data in (files, folder):
        for count in (1, 2, 7):
            got = outcome(lambda d=data, c=count: [unit_json(u) for u in policy.evaluate_parts(d, parts=c).results])  # type: ignore[misc]
            assert got == expected, (data, count)
    broken = [dict(u) for u in units]
    broken[70] = {**units[70], "indicators": {"增长": {"target": "5", "actual": "x"}}}
    broken[80] = {**units[80], "id": units[5]["id"]}
    write_files(folder, broken[40:])
    (folder / "units.jsonl").unlink()
    wrong = outcome(lambda: one_process(policy, files))
    assert wrong[0] == "DataError" and "a.jsonl, line 6 both give" in wrong[1][-1]
    assert outcome(lambda: list(policy.evaluate_parts(files, parts=5).results)) == wrong
    twice = [folder / "a.jsonl", folder / "a.jsonl"]
    assert outcome(lambda: list(policy.evaluate_parts(twice, parts=2).results)) == outcome(
        lambda: one_process(policy, twice)
    )
    (folder / "notes.docx").write_bytes(b"PK")
    assert outcome(lambda: list(policy.evaluate_parts(folder, parts=2).results)) == outcome(
        lambda: one_process(policy, folder)
    )
    (folder / "notes.docx").unlink()
    (folder / "more.yaml").write_text("units: []\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"\.jsonl and \.csv files, not .*more\.yaml"):
        policy.evaluate_parts(folder, parts=2)


def test_the_parts_tally_every_pass_of_every_unit(tmp_path: Path) -> None:
    """What the progress line of --jobs counts: each unit once a pass, a part read again counted once."""
    policy = targetdsl.parse_policy(QUOTAS, name="quotas.tdsl")
    units = quota_units(120, seed=2)
    path = tmp_path / "units.jsonl"
    path.write_text("".join(lines_of(units[:50])) + "not json\n" + "".join(lines_of(units[50:])), encoding="utf-8")
    cut = cutting.chunks_of(path, "units.jsonl", 4)
    job = parcels.Job("units.jsonl", None, (), "<carry-in>", spool_dir=str(tmp_path), counted=True)
    with pytest.raises(targetdsl.DataError):  # the line that is no JSON
        partition.evaluate(policy.parcel(), policy.schema, job, cut.chunks, partition.InProcess(), before=cut.before)
    path.write_text("".join(lines_of(units)), encoding="utf-8")
    for entry in tmp_path.glob("done-*"):
        entry.unlink()
    cut = cutting.chunks_of(path, "units.jsonl", 4)
    done = partition.evaluate(policy.parcel(), policy.schema, job, cut.chunks, partition.InProcess(), before=cut.before)
    assert done.count == cut.count == 120
    assert parcels.tallied(str(tmp_path)) == 120 * stream_passes(policy.schema)
    calls: list[tuple[int, int]] = []
    policy.evaluate_parts(path, jobs=2, progress=lambda done, total: calls.append((done, total)))
    assert calls[-1] == (120 * stream_passes(policy.schema),) * 2 and all(d <= t for d, t in calls)


def test_duplicate_ids_in_different_parts_and_an_error_in_one_part_are_reported_as_one_stream() -> None:
    policy = targetdsl.parse_policy(QUOTAS, name="quotas.tdsl")
    units = quota_units(70, seed=3)
    units[65]["id"] = units[2]["id"]  # the same id, in the first and the last part
    units[66]["id"] = units[40]["id"]
    kind, problems = assert_alike(policy, units, (1, 2, 7, 31))
    assert kind == "DataError" and len(problems) == 2 and any("also unit #3 " in p for p in problems)
    units = quota_units(70, seed=3)
    units[50]["indicators"]["增长"]["target"] = "0"  # a division by zero in one part only
    kind, problems = assert_alike(policy, units, (1, 7, 31))
    assert kind == "EvaluationError" and len(problems) == 1


def test_no_units_and_a_bad_period_are_refused_as_by_one_stream(tmp_path: Path) -> None:
    policy = targetdsl.parse_policy(QUOTAS, name="quotas.tdsl")
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n\n", encoding="utf-8")
    assert assert_alike(policy, empty, (1, 3))[0] == "DataError"
    assert assert_alike(policy, quota_units(5), (1, 3), period="Q5")[0] == "DataError"


# -- the policy as it travels


def test_a_parcel_pickles_after_an_evaluation_and_rebuilds_the_same_policy() -> None:
    policy = targetdsl.parse_policy(QUOTAS, name="quotas.tdsl")
    policy.evaluate(quota_units(20), explain=False)  # compiled kernels now sit in the schema
    parcel = pickle.loads(pickle.dumps(policy.parcel()))
    parcels._REBUILT.clear()
    rebuilt = parcel.schema()
    assert rebuilt is not policy.schema and rebuilt.names == policy.schema.names
    assert parcel.schema() is rebuilt  # once per process


def test_two_policies_of_one_canonical_text_keep_their_own_class_order() -> None:
    """The canonical text sorts declarations, so a policy and its canonical form hash alike while their
    classes come in another order (县, 区 written; 区, 县 canonical). Each part must score a unit by its
    own policy's class at that position, never by a schema rebuilt for the other: results as one stream."""
    from targetdsl.language.formatter import canonical_policy

    written = targetdsl.parse_policy(QUOTAS, name="same.tdsl")
    canonical = targetdsl.parse_policy(canonical_policy(written.effective), name="same.tdsl")
    assert written.sha256 == canonical.sha256 and list(written.schema.classes) != list(canonical.schema.classes)
    units = quota_units(40, seed=8)
    for policy in (written, canonical, written):
        with policy.stream(iter(units)) as streamed:
            expected = [unit_json(u) for u in streamed]
        assert [unit_json(u) for u in policy.evaluate_parts(units, parts=2).results] == expected


def test_a_parcel_whose_policy_changed_on_the_way_is_refused() -> None:
    policy = targetdsl.parse_policy(QUOTAS, name="quotas.tdsl")
    other = targetdsl.parse_policy(QUOTAS.replace("quota 20%", "quota 30%"), name="quotas.tdsl")
    parcel = policy.parcel()
    forged = parcels.Parcel(other.effective, parcel.names, policy.title, policy.sha256, parcel.sources)
    parcels._REBUILT.clear()  # a process that rebuilt the policy of this hash already uses its own
    with pytest.raises(RuntimeError, match="changed"):
        forged.schema()


# -- the command line: --jobs 2 writes what one process writes


def run_cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        code = main(["--lang", "en", *args])
    except SystemExit as exc:  # argparse's own refusals
        code = int(exc.code or 0)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_jobs_write_the_same_bytes_as_one_process(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "p.tdsl").write_text(QUOTAS, encoding="utf-8")
    units = quota_units(300, seed=17)
    jsonl, _ = write_files(tmp_path, units)
    for suffix in ("csv", "jsonl"):
        one, two = tmp_path / f"one.{suffix}", tmp_path / f"two.{suffix}"
        assert run_cli(["evaluate", str(tmp_path / "p.tdsl"), str(jsonl), "-q", "-o", str(one)], capsys)[0] == 0
        code, _, err = run_cli(
            ["evaluate", str(tmp_path / "p.tdsl"), str(jsonl), "-q", "--jobs", "2", "-o", str(two)], capsys
        )
        assert (code, err) == (0, "") and two.read_bytes() == one.read_bytes()
    units[250]["id"] = units[3]["id"]
    jsonl, _ = write_files(tmp_path, units)
    single = run_cli(["evaluate", str(tmp_path / "p.tdsl"), str(jsonl), "--format", "csv"], capsys)
    out = tmp_path / "never.csv"
    jobs = run_cli(["evaluate", str(tmp_path / "p.tdsl"), str(jsonl), "--jobs", "2", "-o", str(out)], capsys)
    assert single[0] == jobs[0] == 1 and single[2] == jobs[2] and "duplicate unit id" in jobs[2]
    assert not out.exists()


def test_jobs_on_several_files_and_a_folder_write_what_one_process_writes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """In both languages; a CSV file with a stray quotation mark (a name of 5" screens, unquoted: a
    quoted cell might hold a line break) is read whole, and a note says so; a workbook among the files
    is a usage error naming it."""
    (tmp_path / "p.tdsl").write_text(QUOTAS, encoding="utf-8")
    units = quota_units(200, seed=23)
    units[150]["name"] = "NAME"
    folder = tmp_path / "returned"
    folder.mkdir()
    first, _ = write_files(tmp_path, units[:40])
    first.rename(folder / "a.jsonl")
    _, table = write_files(folder, units[40:])
    table.write_text(table.read_text(encoding="utf-8").replace("NAME", '5" screens'), encoding="utf-8")
    (folder / "units.jsonl").unlink()
    files = [str(folder / "a.jsonl"), str(folder / "units.csv")]
    policy = str(tmp_path / "p.tdsl")
    for lang, data in (("en", files), ("zh", [str(folder)])):  # the files, then the folder holding them
        one, two = tmp_path / "one.csv", tmp_path / "two.csv"
        assert run_cli(["evaluate", policy, *data, "-o", str(one), "-q"], capsys)[0] == 0
        code, _, err = run_cli(["--lang", lang, "evaluate", policy, *data, "-o", str(two), "--jobs", "4"], capsys)
        note = {
            "en": "units.csv: not cut by bytes (a quoted cell on line 112 goes on past",
            "zh": "第 112 行的带引号",
        }
        assert code == 0 and note[lang] in err
        assert run_cli(["--lang", lang, "evaluate", policy, *data, "-o", str(one), "-q"], capsys)[0] == 0
        assert two.read_bytes() == one.read_bytes(), (lang, data)
    (folder / "late.xlsx").write_bytes(b"PK")
    code, out, err = run_cli(["evaluate", policy, str(folder), "--jobs", "2", "--format", "csv"], capsys)
    assert code == 2 and "reads .jsonl and .csv data files, not " in err and "late.xlsx" in err


@pytest.mark.parametrize(
    ("options", "wanted"),
    [
        (["--jobs", "2"], "writes csv or jsonl"),
        (["--jobs", "2", "--format", "csv", "--explain"], "without --record or --explain"),
        (["--scheduler", "tcp://127.0.0.1:1", "--format", "csv"], "give --engine dask too"),
        (["--jobs", "0", "--format", "csv"], "not a number of processes"),
    ],
)
def test_jobs_where_they_cannot_apply_are_a_usage_error(
    options: list[str], wanted: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "p.tdsl").write_text(QUOTAS, encoding="utf-8")
    jsonl, _ = write_files(tmp_path, quota_units(5))
    code, out, err = run_cli(["evaluate", str(tmp_path / "p.tdsl"), str(jsonl), *options], capsys)
    assert code == 2 and wanted in err and out == ""


# -- sweeps: many variants on the same units


def test_a_sweep_finds_the_grade_changes_impact_finds(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Weight variants of the two-class policy against the base: the units whose grade changes are those
    `impact` (both versions in memory) lists; ranks and money as evaluate gives them; --jobs 2 the same."""
    from targetdsl.audit.sweep import placing, sweep

    base = targetdsl.parse_policy(QUOTAS, name="base.tdsl")
    texts = {
        "w1.tdsl": QUOTAS.replace("class 县 { 经济 60 社会 40 }", "class 县 { 经济 50 社会 50 }"),
        "w2.tdsl": QUOTAS.replace("quota 20%", "quota 10%"),
        "same.tdsl": QUOTAS,
    }
    for name, text in {"base.tdsl": QUOTAS, **texts}.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    units = quota_units(150, seed=21)
    jsonl, _ = write_files(tmp_path, units)
    variants = [(name, targetdsl.parse_policy(text, name=name)) for name, text in texts.items()]
    found = sweep(base, variants, lambda p: p.evaluate_parts(jsonl, parts=3, render=placing).results)
    for (name, policy), variant in zip(variants, found, strict=True):
        effect = targetdsl.impact(base, policy, str(jsonl))
        assert {c.before.id for c in variant.changes if c.grade} == {u.id for u in effect.grade_changes}, name
        assert {c.before.id for c in variant.changes if c.rank} == {
            u.id for u in effect.units if u.old_rank != u.new_rank
        }
        assert variant.units == len(units)
    assert found[0].grades > 0 and found[1].grades > 0 and not found[2].changes
    command = ["diff", str(tmp_path / "base.tdsl"), *(str(tmp_path / n) for n in texts), "--data", str(jsonl)]
    one = run_cli([*command, "--format", "json"], capsys)
    two = run_cli([*command, "--format", "json", "--jobs", "2"], capsys)
    assert one[0] == two[0] == 1 and one[1] == two[1] and one[2] == two[2] == ""
    document = json.loads(one[1])
    assert [v["grade_changes"] for v in document["variants"]] == [v.grades for v in found]
    text = run_cli(command, capsys)[1]
    assert f"w1.tdsl: of 150 units, {found[0].grades} change grade" in text


def test_a_weight_grid_sweeps_the_variants_written_out(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`--weights 县=50:50,70:30 --weights 区=100`: every combination is a variant, named by its weights,
    whose results are those of the same policy with the weights written into it."""
    from targetdsl.audit.sweep import placing, sweep

    (tmp_path / "base.tdsl").write_text(QUOTAS, encoding="utf-8")
    jsonl, _ = write_files(tmp_path, quota_units(60, seed=5))
    base = targetdsl.parse_policy(QUOTAS, name="base.tdsl")
    written = [
        (name, targetdsl.parse_policy(QUOTAS.replace("经济 60 社会 40", weights), name=name))
        for name, weights in (("县 50:50; 区 100", "经济 50 社会 50"), ("县 70:30; 区 100", "经济 70 社会 30"))
    ]
    evaluate = lambda p: p.evaluate_parts(jsonl, parts=2, render=placing).results  # noqa: E731
    expected = sweep(base, written, evaluate)
    command = ["diff", str(tmp_path / "base.tdsl"), "--data", str(jsonl), "--format", "json"]
    code, out, err = run_cli([*command, "--weights", "县=50:50,70:30", "--weights", "区=100"], capsys)
    assert code == 1 and err == "", err
    document = json.loads(out)
    assert [v["variant"] for v in document["variants"]] == ["县 50:50; 区 100", "县 70:30; 区 100"]
    assert [v["changes"] for v in document["variants"]] == [v.to_json()["changes"] for v in expected]
    assert expected[0].grades > 0


@pytest.mark.parametrize(
    ("weights", "wanted"),
    [
        (["县=60:40:10"], "class `县` weighs 2 categories (经济:社会), not 3: 60:40:10"),
        (["市=50:50"], "no class `市` in the base policy (classes: 县, 区)"),
        (["县=50:50", "县=70:30"], "the weights of class `县` are given twice"),
        (["县=5O:50"], "expected weights such as 40:50:10 for class 县, got '5O:50'"),
        (["县"], "expected CLASS=A:B[:C…][,A:B…], got '县'"),
    ],
)
def test_a_weight_grid_that_does_not_fit_the_policy_is_a_usage_error(
    weights: list[str], wanted: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "base.tdsl").write_text(QUOTAS, encoding="utf-8")
    jsonl, _ = write_files(tmp_path, quota_units(5))
    options = [option for w in weights for option in ("--weights", w)]
    code, out, err = run_cli(["diff", str(tmp_path / "base.tdsl"), "--data", str(jsonl), *options], capsys)
    assert code == 2 and wanted in err and out == ""


def test_a_weight_variant_that_does_not_add_up_is_the_checkers_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "base.tdsl").write_text(QUOTAS, encoding="utf-8")
    jsonl, _ = write_files(tmp_path, quota_units(5))
    code, out, err = run_cli(
        ["diff", str(tmp_path / "base.tdsl"), "--data", str(jsonl), "--weights", "县=50:40"], capsys
    )
    assert code == 1 and out == ""
    assert "县 50:40" in err and "check.points-mismatch" in err and "add up to 90" in err


@pytest.mark.parametrize("year", ["2002", "2003"])
def test_the_shipped_policies_evaluate_their_examples_in_parts_as_one_stream(year: str) -> None:
    from targetdsl.units.documents import read_document

    policy = targetdsl.load_policy(ROOT / "policies" / f"lianyungang-{year}.tdsl")
    units = read_document(ROOT / "examples" / f"lianyungang-{year}" / "units.yaml")["units"]
    carried = ROOT / "examples" / "lianyungang-2003" / "carried-in.yaml" if year == "2003" else None
    results, _, _ = assert_alike(policy, units, (1, 7, 31), carried_in=carried)
    assert len(results) == len(units)


PLAIN = """policy "plain" { year 2003 status draft }
class 县 { k 100 }
class 区 { k 100 }
category k { indicator a points 100 { input s: number score s } }
grades { 优 >= 90 quota 20% 良 60 to 90 差 otherwise }
"""


@pytest.mark.parametrize("text", [PLAIN, QUOTAS], ids=["plain", "peers"])
def test_an_id_three_times_in_two_classes_and_three_parts_is_reported_as_one_stream(text: str) -> None:
    """The messages of an id given three times follow the order one stream keeps its units in (class by
    class, or in the order read while a class's figures are gathered), not the order of the parts."""
    policy = targetdsl.parse_policy(text, name="p.tdsl")
    units = quota_units(30, seed=1) if text is QUOTAS else []
    if not units:
        units = [
            {"id": f"U{i:02d}", "class": "县" if i % 2 else "区", "indicators": {"a": {"s": str(i)}}} for i in range(30)
        ]
    for position, name in ((2, "a"), (14, "b"), (27, "c")):
        units[position] = {**units[position], "id": "TWICE", "name": name, "class": "区" if position == 14 else "县"}
    kind, problems = assert_alike(policy, units, (1, 3, 7))
    assert kind == "DataError" and sum("duplicate unit id" in p for p in problems) == 2


# -- processes of this machine: the finished units come back as files, read as they are taken


class _Local(partition.InProcess):
    """Every task in this process, as a pool of this machine's processes asks them: finished to files."""

    same_machine = True


def _csv_lines(unit: Any, categories: Any) -> str:
    return f"{unit.id},{unit.rank},{unit.total},{unit.grade}\n"


def test_parts_of_this_machine_write_their_finished_units_to_files_read_back_in_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The results read from the parts' files are those kept in memory, in class and rank order, lines
    and UnitResults alike; the folder is removed once they are read, given up, or no longer referred to;
    and a problem while finishing leaves no folder behind."""
    policy = targetdsl.parse_policy(QUOTAS, name="quotas.tdsl")
    path = tmp_path / "units.jsonl"
    path.write_text("".join(lines_of(quota_units(150, seed=5))), encoding="utf-8")
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    monkeypatch.setattr("tempfile.tempdir", str(temporary))
    job = parcels.Job("units.jsonl", None, (), "<carry-in>")

    def run(runner: partition.Runner, render: Any = None) -> partition.Outcome:
        cut = cutting.chunks_of(path, "units.jsonl", 4)
        return partition.evaluate(
            policy.parcel(), policy.schema, job, cut.chunks, runner, before=cut.before, render=render
        )

    kept = list(run(partition.InProcess(), _csv_lines).results)
    with policy.stream(str(path)) as one:
        assert len(kept) == 150 and kept == [_csv_lines(u, ()) for u in one]
    written = run(_Local(), _csv_lines)
    assert len(list(temporary.iterdir())) == 1  # the folder of the parts' files, until they are read
    assert list(written.results) == kept
    assert list(temporary.iterdir()) == []
    results = run(_Local()).results
    assert [unit_json(u) for u in results] == [unit_json(u) for u in run(partition.InProcess()).results]
    assert list(temporary.iterdir()) == []
    taken = run(_Local(), _csv_lines).results
    assert next(iter(taken)) == kept[0]
    taken.close()  # type: ignore[attr-defined]
    assert list(temporary.iterdir()) == []
    unread = run(_Local(), _csv_lines)
    assert len(list(temporary.iterdir())) == 1
    del unread
    assert list(temporary.iterdir()) == []

    def failing(unit: Any, categories: Any) -> str:
        raise ZeroDivisionError("a defect while rendering")

    with pytest.raises(ZeroDivisionError):
        run(_Local(), failing)
    assert list(temporary.iterdir()) == []
    assert list(policy.evaluate_parts(path, jobs=2, render=_csv_lines).results) == kept
    assert list(temporary.iterdir()) == []


def test_places_are_columns_that_give_back_each_place_in_class_and_rank_order() -> None:
    """A part's places as the driver sends them: the same places back, pickled or not, in class position
    then rank order a batch at a time; grades and reasons kept per unit (a reason is rare)."""
    places = parcels.Places()
    given = [
        parcels.Place(
            i, (i * 7) % 3, 1 + (i * 11) % 1000, "优秀" if i % 4 else None, "否决" if i % 97 == 0 else None, i
        )
        for i in range(2500)
    ]
    for place in given:
        places.add(place.index, place.order, place.rank, place.grade, place.reason, place.seat)
    back = pickle.loads(pickle.dumps(places))
    assert len(back) == 2500 and list(back) == list(places) == given
    batches = list(back.in_order())
    assert [len(b) for b in batches] == [len(b) for b in list(places.in_order())] and len(batches) > 1
    assert [p for b in batches for p in b] == sorted(given, key=lambda p: (p.order, p.rank, p.index))
    back.add(9999, 0, 1, "合格", "新的", 9999)  # the table of words kept whole after pickling
    assert list(back)[-1] == parcels.Place(9999, 0, 1, "合格", "新的", 9999) and list(back)[:2500] == given
