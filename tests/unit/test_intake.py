"""The generated usual path of validation (intake.py) against the general path: the same units, the same
problems in the same order, the same ignored data — for every data set shipped and for records mutated
into every shape an office or a program sends."""

from __future__ import annotations

import copy
import datetime
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import targetdsl
from benchmarks.workload import generate, policy
from targetdsl.units.data import USUAL_AFTER, Validator
from targetdsl.units.documents import read_document
from targetdsl.units.intake import intakes
from targetdsl.values import PercentCell
from tests.support import case_documents

ROOT = Path(__file__).resolve().parents[2]
CASES = ROOT / "tests" / "cases"

# Records drawn: 100 of each kind in the default suite, 1,000 in the twins marked slow (`pytest -m slow`).
FEW = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
MANY = settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def both(schema: Any, document: Any, *, lenient: bool = False) -> tuple[str, str]:
    """What validation gives with and without the usual path: units (their repr shows each decimal's
    exponent), then problems and ignored data, in order."""
    seen = []
    for usual in (1, None):
        validator = Validator(schema, "data.yaml", lenient=lenient, usual_after=usual)
        units = validator.units(document)
        seen.append(f"{units!r}\n{validator.problems!r}\n{validator.ignored!r}")
    return seen[0], seen[1]


def shipped() -> list[Any]:
    params = []
    for path, document in case_documents():
        params.append(pytest.param(document["policy"], document["units"], id=path.stem))
    for year in ("2002", "2003"):
        data = read_document(ROOT / "examples" / f"lianyungang-{year}" / "units.yaml")
        params.append(pytest.param(ROOT / "policies" / f"lianyungang-{year}.tdsl", data, id=f"lianyungang-{year}"))
    params.append(pytest.param(policy.text(), generate.units(40), id="workload"))
    return params


def compiled(source: Any) -> targetdsl.Policy:
    if isinstance(source, Path):
        return targetdsl.load_policy(source)
    return targetdsl.parse_policy(source, name="case.tdsl")


@pytest.mark.parametrize(("source", "document"), shipped())
def test_shipped_data_reads_the_same_both_ways(source: Any, document: Any) -> None:
    schema = compiled(source).schema
    usual, general = both(schema, document)
    assert usual == general
    usual, general = both(schema, document, lenient=True)
    assert usual == general


def test_the_usual_path_takes_the_usual_records() -> None:
    """Not a path that declines everything: the benchmark's records and the seed data are all read by it."""
    for source, document in (
        (policy.text(), generate.units(200)),
        (
            ROOT / "policies" / "lianyungang-2003.tdsl",
            read_document(ROOT / "examples" / "lianyungang-2003" / "units.yaml"),
        ),
    ):
        schema = compiled(source).schema
        validator = Validator(schema, "data.yaml")
        table = intakes(schema)
        records = document["units"] if isinstance(document, dict) else document
        for record in records:
            assert table[record["class"]](validator, record) is not None, record["id"]
        assert validator.problems == []


def test_source_holds_no_policy_text() -> None:
    """Names, labels and fields reach the generated function as constants only."""
    text = (
        'policy "p" { year 2003 status draft }\nclass c { all 100 }\ncategory all {\n'
        '    indicator 指标 "x\\")\\nimport os" points 100 {\n'
        '        input 甲 "label \\" os.system": number\n        score 甲\n    }\n}\n'
    )
    schema = targetdsl.parse_policy(text, name="p.tdsl").schema
    source = intakes(schema)["c"].source  # type: ignore[attr-defined]
    assert "指标" not in source and "甲" not in source and "os" not in re.findall(r"[A-Za-z_]+", source)
    allowed = {
        "def", "intake", "V", "R", "return", "None", "if", "elif", "else", "not", "and", "or", "is", "in",
        "get", "keys", "strip", "unit_label", "measure", "value", "rating", "awards", "bounded_by_inputs",
        "adjusted", "to_integral_value", "len", "x", "y", "i", "nm", "u", "m", "I", "M", "RL", "UV", "A", "rt",
        "STR", "DICT", "EMPTY", "UNUSUAL", "UNIT", "MEASURE", "UNIT_KEYS", "INVISIBLE", "IDENTIFIER",
        "PRECISION", "MATCH", "PLAIN", "DECIMAL_OF", "ADD", "ZERO", "INT", "DECIMAL", "MAGNITUDE", "DIVIDE",
        "HUNDRED", "FLOAT", "FLOAT_DECIMAL", "__class__", "id", "name", "inputs", "indicators", "bonuses",
        "values", "subitems", "ratings", "while", "True", "break", "ys", "read", "ROWS",
    }  # fmt: skip
    for word in re.findall(r"[A-Za-z_][A-Za-z_0-9]*", source):
        assert word in allowed or re.fullmatch(r"[kgrsvpm]\d+|si\d+", word), word


# -- mutated records

HOSTILE = st.sampled_from(
    [
        None, "", " ", "  7 ", "7", "5.", ".5", "007.50", "0.00000000000001", "0.000000000000001",
        "1234567890123456", "12345678901234567", "9999999999999999.99", "0.0", "00", "2.5", "-1", "-2.5",
        "101", "100", "+3", "1e1", "-0.0", "0.5", 150,
        "-0", "0", "1,000", "1,00", "8_0", "NaN", "inf", "1e999999999", "1E+2",
        "12.5%", "１２", "٣", "是", "true", "x", True, False, 7, -3, 0, 10**20, -(10**17), 2.5, 0.1,
        1e16, 1e15, 0.1 + 0.2, float("nan"), -0.0, 100.0, 12.345,
        Decimal("2.50"), Decimal("2.5"), Decimal("-1"), Decimal("101"), Decimal("-0"), Decimal("NaN"),
        Decimal("1E+2"), Decimal("1E-20"), Decimal("Infinity"), Decimal("1." + "1" * 40),
        [], [1], {}, {"a": 1}, datetime.date(2003, 5, 1), "2003-02-30", "2003-05-01",
        PercentCell(Decimal("11.5")), "C\u200b01", "\x00", "１", 12345678901234567,
    ]
)  # fmt: skip
KEYS = st.sampled_from(["id", "name", "class", "inputs", "indicators", "vetoes", "bonuses", "extra", 1, "given"])


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _paths(value, (*prefix, index))
    return found


@st.composite
def mutated(draw: st.DrawFn, records: list[dict[str, Any]]) -> list[Any]:
    records = copy.deepcopy(records)
    for _ in range(draw(st.integers(1, 4))):
        paths = _paths(records)[1:]
        path = draw(st.sampled_from(paths))
        parent: Any = records
        for step in path[:-1]:
            parent = parent[step]
        action = draw(st.sampled_from(["replace", "replace", "replace", "delete", "add"]))
        if action == "replace":
            parent[path[-1]] = draw(HOSTILE)
        elif action == "delete" and isinstance(parent, dict):
            del parent[path[-1]]
        elif isinstance(parent, dict):
            parent[draw(KEYS)] = draw(HOSTILE)
    return records


WORKLOAD = targetdsl.parse_policy(policy.text(), name="workload.tdsl").schema
SEED = targetdsl.load_policy(ROOT / "policies" / "lianyungang-2003.tdsl")
SEED_UNITS = read_document(ROOT / "examples" / "lianyungang-2003" / "units.yaml")


@FEW
@given(records=mutated(generate.units(3)), lenient=st.booleans())
def test_mutated_workload_records_read_the_same_both_ways(records: list[Any], lenient: bool) -> None:
    usual, general = both(WORKLOAD, records, lenient=lenient)
    assert usual == general


@pytest.mark.slow
@MANY
@given(records=mutated(generate.units(3)), lenient=st.booleans())
def test_many_mutated_workload_records_read_the_same_both_ways(records: list[Any], lenient: bool) -> None:
    usual, general = both(WORKLOAD, records, lenient=lenient)
    assert usual == general


@FEW
@given(records=mutated(SEED_UNITS["units"][:4]), lenient=st.booleans())
def test_mutated_seed_records_read_the_same_both_ways(records: list[Any], lenient: bool) -> None:
    usual, general = both(SEED.schema, {**SEED_UNITS, "units": records}, lenient=lenient)
    assert usual == general


@pytest.mark.slow
@MANY
@given(records=mutated(SEED_UNITS["units"][:4]), lenient=st.booleans())
def test_many_mutated_seed_records_read_the_same_both_ways(records: list[Any], lenient: bool) -> None:
    usual, general = both(SEED.schema, {**SEED_UNITS, "units": records}, lenient=lenient)
    assert usual == general


def test_a_declined_record_is_reported_once() -> None:
    """A value problem met before the record's shape is declined is reported by the general path alone."""
    records = generate.units(1)
    records[0]["indicators"]["q01"]["target"] = "x"  # reported on the usual path…
    records[0]["vetoes"] = ["not a mapping"]  # …which then declines the record
    usual, general = both(WORKLOAD, records)
    assert usual == general
    assert usual.count("indicators.q01.target") == 1


@pytest.mark.parametrize(
    ("schema", "record"),
    [
        pytest.param(WORKLOAD, generate.units(1)[0], id="workload", marks=pytest.mark.slow),
        pytest.param(SEED.schema, SEED_UNITS["units"][1], id="seed-county", marks=pytest.mark.slow),
        pytest.param(SEED.schema, SEED_UNITS["units"][12], id="seed-department"),
    ],
)
def test_every_hostile_value_at_every_place_reads_the_same_both_ways(schema: Any, record: dict[str, Any]) -> None:
    """Each place of a record (every section, measure and input) given each hostile value in turn."""
    values = HOSTILE.wrapped_strategy.elements if hasattr(HOSTILE, "wrapped_strategy") else HOSTILE.elements  # type: ignore[attr-defined]
    for path in _paths(record)[1:]:
        for value in values:
            changed = copy.deepcopy(record)
            parent: Any = changed
            for step in path[:-1]:
                parent = parent[step]
            parent[path[-1]] = value
            usual, general = both(schema, [changed])
            assert usual == general, (path, value)


def test_the_usual_path_is_built_once_enough_records_are_read() -> None:
    """Building it costs about what validating a couple of hundred records saves: a small file is read by
    the general path alone, a large one by the usual path from record USUAL_AFTER on."""
    few, many = Validator(WORKLOAD, "data.yaml"), Validator(WORKLOAD, "data.yaml")
    few.units(generate.units(USUAL_AFTER - 1))
    assert few.usual == {}
    many.units(generate.units(USUAL_AFTER + 1))
    assert set(many.usual) == {"county"}


# -- the block that reads a usual record at once (intake._Bulk, intake.reader)

FORMS = """policy "forms" { year 2003 status draft }
class c { all 100 }
assessor a "A"
assessor b "B"
input population: count
input area: number range 1 to 5000
category all {
    indicator rate points 20 {
        input target: percent range 0 to 100
        input actual: percent
        score points * min(actual / target, 1)
    }
    indicator growth points 20 {
        input base: pp
        input now: pp
        input per: count
        score points * min(now / base, 1) + per / (per + 1) - population / (population + area)
    }
    indicator parts points 20 {
        subitem first points 10 {
            input done: count
            input of: count
            score points * done / of
        }
        subitem second points 10 {
            input share: number range 0 to 200
            score points * share / 200
        }
    }
    assessed peers points 20 {
        scale 100
        by a weight 1
        by b weight 1
    }
    indicator flag points 20 {
        input ok: bool
        score if ok then points else 0
    }
}
deduction late {
    input days: count
    amount days * 0.5
}
"""
FORMS_SCHEMA = targetdsl.parse_policy(FORMS, name="forms.tdsl").schema
USUAL_FORMS = st.one_of(
    st.sampled_from(["0", "1", "7", "50", "99.5", "100", "101", "12.25", "5.", ".5", "007.50", "3.0"]),
    st.integers(0, 120),
    st.sampled_from([0.5, 2.0, 12.25, 99.99, 100.0]),
    st.sampled_from([Decimal("0"), Decimal("7"), Decimal("2.50"), Decimal("3.0"), Decimal("99.99"), Decimal("1E+1")]),
)
NUMBER_FORMS = st.one_of(
    USUAL_FORMS,
    st.sampled_from(["-2", "1e1", " 7", "1234567890123456", "12345678901234567"]),
    # as an office's export writes them: padded, in full-width digits, grouped, marked
    st.sampled_from([" 12.25 ", "\u30007\u3000", "７．５", " １００ ", "－３", "１，２００", " 1,200 ", "\t7\n"]),
    st.sampled_from([" 1e1 ", " .5 ", "5. ", " 7%", "７％", "\u200b7", "７7", " ", "　", "+7", " 0 ", "０"]),
    st.integers(-3, 6000),
    st.sampled_from([0.1 + 0.2, -1.0, 1e16, -0.0]),
    st.decimals(min_value=0, max_value=200, places=2),
    st.sampled_from(
        [Decimal("-0"), Decimal("-0.0"), Decimal("-2"), Decimal("1E+16"), Decimal("1E-16"), Decimal("sNaN")]
    ),
    st.sampled_from([Decimal("1." + "0" * 40), Decimal("0.000000000000001"), Decimal("12345678901234567")]),
    HOSTILE,
)


@st.composite
def forms_record(draw: st.DrawFn, index: int) -> dict[str, Any]:
    forms = USUAL_FORMS if draw(st.booleans()) else NUMBER_FORMS
    value = lambda: draw(forms)  # noqa: E731
    return {
        "id": f"U{index}",
        "class": "c",
        "inputs": {"population": value(), "area": value()},
        "indicators": {
            "rate": {"target": value(), "actual": value()},
            "growth": {"base": value(), "now": value(), "per": value()},
            "parts": {"first": {"done": value(), "of": value()}, "second": {"share": value()}},
            "peers": {"a": value(), "b": value()},
            "flag": {"ok": draw(st.sampled_from([True, False, "是", None]))},
        },
        "deductions": {"late": {"days": value()}},
    }


FORMS_RECORDS = st.lists(st.integers(1, 999), min_size=1, max_size=4, unique=True).flatmap(
    lambda ids: st.tuples(*(forms_record(i) for i in ids))
)


@FEW
@given(records=FORMS_RECORDS)
def test_every_form_of_number_reads_the_same_both_ways(records: tuple[dict[str, Any], ...]) -> None:
    """Percentages, bounded inputs, counts, divisors, sub-items, assessor scores, unit inputs and a rule's
    input, each given as text, an integer, a float or a decimal: the block that reads a record at once
    gives what the value-by-value lines give, or leaves the record to them."""
    usual, general = both(FORMS_SCHEMA, list(records))
    assert usual == general


@pytest.mark.slow
@MANY
@given(records=FORMS_RECORDS)
def test_many_forms_of_number_read_the_same_both_ways(records: tuple[dict[str, Any], ...]) -> None:
    usual, general = both(FORMS_SCHEMA, list(records))
    assert usual == general


def test_the_usual_records_are_read_at_once() -> None:
    """The block is not one that leaves every record to the value-by-value lines: the benchmark's records
    (numbers as text, counts as integers, awards by level) and the same with floats are read at once."""
    schema = compiled(policy.text()).schema
    records = generate.units(50)
    floats = copy.deepcopy(records)
    for record in floats:
        for values in record["indicators"].values():
            for key, value in values.items():
                if isinstance(value, str):
                    values[key] = float(value)
    readers = intakes(schema)["county"].readers  # type: ignore[attr-defined]
    original = readers.read
    for document in (records, floats):
        taken: list[Any] = []
        readers.read = lambda raw, taken=taken: taken.append(original(raw)) or taken[-1]
        try:
            validator = Validator(schema, "data.yaml", usual_after=1)
            validator.units(document)
        finally:
            del readers.read
        assert validator.problems == []
        assert len(taken) == len(document) and None not in taken


def test_numbers_as_an_office_writes_them_are_read_at_once() -> None:
    """Numbers padded with spaces or typed in full-width digits (the benchmark's office records) are read
    by the block, as the validator reads them: the same units as the plain records give."""
    schema = compiled(policy.text()).schema
    plain = generate.units(50)
    office = [generate.as_an_office_writes(record) for record in plain]
    readers = intakes(schema)["county"].readers  # type: ignore[attr-defined]
    original = readers.read
    taken: list[Any] = []
    readers.read = lambda raw: taken.append(original(raw)) or taken[-1]
    try:
        validator = Validator(schema, "data.yaml", usual_after=1)
        read = validator.units(office)
    finally:
        del readers.read
    assert validator.problems == []
    assert len(taken) == len(office) and None not in taken
    assert repr(read) == repr(Validator(schema, "data.yaml").units(plain))
    assert both(schema, office) == both(schema, plain)


AWARDS = """policy "awards" { year 2003 status draft }
class c { all 100 }
category all {
    indicator x points 100 {
        input v: number
        score min(v, points)
    }
}
bonus 获奖 "获奖加分" {
    level 国家级 "国家级" 3
    level 省级 "省级" 2 up to 4
    cap 5
}
bonus late "late awards" {
    level city "city" 1
    carry over after 2004-01-15
}
"""
AWARDS_SCHEMA = targetdsl.parse_policy(AWARDS, name="awards.tdsl").schema
ENTRIES = st.one_of(
    st.fixed_dictionaries({"level": st.sampled_from(["国家级", "省级", " 国家级", "国家级 ", "市级", "", "city"])}),
    st.fixed_dictionaries(
        {"level": st.sampled_from(["国家级", "省级"])},
        optional={"name": st.sampled_from(["一等奖", "一等奖 ", 3]), "date": st.sampled_from(["2003-05-01", "x"])},
    ),
    HOSTILE,
)
AWARDS_GIVEN = st.one_of(
    st.none(),
    st.fixed_dictionaries({}, optional={"获奖": st.lists(ENTRIES, max_size=4), "late": st.lists(ENTRIES, max_size=2)}),
    st.dictionaries(st.sampled_from(["获奖", "late", "other"]), st.one_of(st.lists(ENTRIES, max_size=3), HOSTILE)),
)


@FEW
@given(bonuses=st.lists(AWARDS_GIVEN, min_size=1, max_size=3))
def test_awards_read_at_once_read_the_same_both_ways(bonuses: list[Any]) -> None:
    """Awards named by a level in Chinese, with spaces around it, with a name or a date, under a bonus that
    carries awards over, or in another shape: read at once only as `Validator.awards` reads them."""
    records = [
        {"id": f"U{i}", "class": "c", "indicators": {"x": {"v": "50"}}, **({} if b is None else {"bonuses": b})}
        for i, b in enumerate(bonuses)
    ]
    usual, general = both(AWARDS_SCHEMA, records)
    assert usual == general


@pytest.mark.slow
@MANY
@given(bonuses=st.lists(AWARDS_GIVEN, min_size=1, max_size=3))
def test_many_awards_read_at_once_read_the_same_both_ways(bonuses: list[Any]) -> None:
    records = [
        {"id": f"U{i}", "class": "c", "indicators": {"x": {"v": "50"}}, **({} if b is None else {"bonuses": b})}
        for i, b in enumerate(bonuses)
    ]
    usual, general = both(AWARDS_SCHEMA, records)
    assert usual == general
