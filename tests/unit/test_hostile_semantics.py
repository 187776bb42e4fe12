"""Hostile and unusual inputs against the meaning of a policy: a carry-over
ledger that is not last year's, a vetoed unit holding a quota place, class-wide
functions where a unit-level rule cannot compute them, counts above their
totals, given scores, diff locations and explanation notes. Each is either
read as the policy means or refused with an error naming the place."""

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import targetdsl
from targetdsl.evaluation.results import unit_json
from targetdsl.values import DataError
from tests.support import reference as by_reference_path

BONUS_POLICY = """policy "bonus" { year 2003 status draft }
class c { all 100 }
category all { indicator s points 100 { input s: number score s } }
bonus 获奖 { level 国家级 3 level 省级 2 cap 5 carry over after 2004-01-15 }
"""

UNITS = [
    {"id": "A", "class": "c", "indicators": {"s": {"s": 80}}},
    {
        "id": "B",
        "class": "c",
        "indicators": {"s": {"s": 70}},
        "bonuses": {"获奖": [{"name": "late", "level": "省级", "date": "2004-02-01"}]},
    },
]


def entry(**changes: Any) -> dict[str, Any]:
    return {"unit": "A", "bonus": "获奖", "level": "省级", "name": "p", "date": "2003-01-20", **changes}


def ledger_problems(ledger: Any, code: str | None = None) -> list[str]:
    """The problems refusing `ledger`, as text; each has `code` when one is given."""
    policy = targetdsl.parse_policy(BONUS_POLICY, name="bonus.tdsl")
    with pytest.raises(DataError) as caught:
        policy.evaluate(UNITS, carried_in=ledger)
    if code is not None:
        assert [p.code for p in caught.value.problems] == [code] * len(caught.value.problems)
        assert f"error[{code}]: " in caught.value.render()
    return [str(p) for p in caught.value.problems]


# -- the carry-over ledger


@pytest.mark.parametrize("year", [2002, "2002", Decimal("2002"), Decimal("2002.0")])
def test_last_years_ledger_counts_once(year: Any) -> None:
    policy = targetdsl.parse_policy(BONUS_POLICY)
    assessment = policy.evaluate(UNITS, carried_in={"year": year, "carry_over": [entry()]})
    assert assessment.unit("A").bonus == 2


def test_a_years_own_ledger_fed_back_is_refused(tmp_path: Path) -> None:
    policy = targetdsl.parse_policy(BONUS_POLICY)
    first = policy.evaluate(UNITS)
    assert [c.unit for c in first.ledger] == ["B"]
    written = tmp_path / "ledger.json"
    written.write_text(json.dumps(first.ledger_json()), encoding="utf-8")
    for source in (written, first, first.ledger, first.ledger_json()):
        with pytest.raises(DataError) as caught:
            policy.evaluate(UNITS, carried_in=source)
        text = str(caught.value)
        assert "own ledger" in text or "cannot be an award of the ledger's year" in text, text
    with pytest.raises(DataError, match=r"ledger\.json: year: the ledger is for 2003; it is this year's own"):
        policy.evaluate(UNITS, carried_in=written)


@pytest.mark.parametrize(
    ("year", "message"),
    [
        (1990, "year: the ledger is for 1990; a 2003 assessment takes the 2002 ledger"),
        (2004, "year: the ledger is for 2004; a 2003 assessment takes the 2002 ledger"),
        (None, "year: missing: the year whose assessment wrote this ledger"),
        ("2002.9", "year: expected a year such as 2002, found `2002.9`"),
        (Decimal("2002.9"), "year: expected a year such as 2002, found `2002.9`"),
        (True, "year: expected a year such as 2002, found `True`"),
        (10**5000, "year: expected a year such as 2002, found a number out of range"),
    ],
    ids=["1990", "2004", "none", "fraction", "decimal-fraction", "bool", "huge"],
)
def test_a_ledger_of_another_year_is_refused(year: Any, message: str) -> None:
    problems = ledger_problems({"year": year, "carry_over": [entry()]}, "data.ledger-year")
    assert any(message in p for p in problems), problems


def test_a_duplicated_entry_is_refused_naming_both() -> None:
    problems = ledger_problems(
        {"year": 2002, "carry_over": [entry(), entry(unit="B"), entry(name=" p ")]}, "data.ledger-duplicate"
    )
    assert problems == [
        "<ledger>: unit A: carry_over[3]: the same award as carry_over[1]: each award is carried over once"
    ]


def test_a_duplicated_entry_in_a_file_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "carried-in.yaml"
    path.write_text(
        "year: 2002\ncarry_over:\n"
        "- {unit: A, bonus: 获奖, level: 省级, name: p, date: 2003-01-20}\n"
        "- {unit: A, bonus: 获奖, level: 省级, name: p, date: 2003-01-20}\n",
        encoding="utf-8",
    )
    problems = ledger_problems(path, "data.ledger-duplicate")
    assert problems == [
        f"{path}: unit A: carry_over[2]: the same award as carry_over[1]: each award is carried over once"
    ]


@pytest.mark.parametrize(
    ("date", "message", "code"),
    [
        (
            "2001-12-31",
            "carry_over[1].date: 2001-12-31 cannot be an award of the ledger's year 2002",
            "data.ledger-date",
        ),
        (
            "2004-02-01",
            "carry_over[1].date: 2004-02-01 cannot be an award of the ledger's year 2002",
            "data.ledger-date",
        ),
        (None, "carry_over[1].date: missing: an award is carried over because of its date", "data.ledger-date"),
        ("2003-02-30", "carry_over[1].date: `2003-02-30` is not a day of the calendar", "data.bad-date"),
    ],
)
def test_an_implausible_award_date_is_refused(date: Any, message: str, code: str | None) -> None:
    problems = ledger_problems({"year": 2002, "carry_over": [entry(date=date)]}, code)
    assert any(f"unit A: {message}" in p for p in problems), problems


@pytest.mark.parametrize(
    ("ledger", "message", "code"),
    [
        (
            {"year": 2002, "carry_over": ["A"]},
            "carry_over[1]: each entry needs unit, bonus, level, name and date",
            "data.ledger-shape",
        ),
        ({"year": 2002}, "carry_over: expected a list of carried-over awards", "data.ledger-shape"),
        ({"year": 2002, "carry_over": [entry()], "extra": 1}, "extra: unknown top-level key", "data.ledger-shape"),
        ({"year": 2002, "carry_over": [entry(unit=None)]}, "carry_over[1].unit: missing unit id", "data.ledger-shape"),
        (
            {"year": 2002, "carry_over": [entry(unit="Z")]},
            "unit Z: carry_over: an award is carried in for this unit",
            "data.carried-lost",
        ),
        (42, "expected a ledger: a mapping with `year` and `carry_over`", "data.ledger-shape"),
    ],
)
def test_a_malformed_ledger_is_refused(ledger: Any, message: str, code: str) -> None:
    problems = ledger_problems(ledger, code)
    assert any(message in p for p in problems), problems


# -- `no award` and quotas

QUOTA_POLICY = """policy "q" { year 2003 status draft }
class c { all 100 }
category all { indicator s points 100 { input s: number score s } }
veto v { input bad: bool missing default false when bad effect no award }
grades { 优秀 >= 90 quota 34% 良好 < 90 }
award m { money { 优秀 1000 良好 500 } }
"""
QUOTA_UNITS = [
    {"id": "A", "class": "c", "indicators": {"s": {"s": 98}}, "vetoes": {"v": {"bad": True}}},
    {"id": "B", "class": "c", "indicators": {"s": {"s": 95}}},
    {"id": "C", "class": "c", "indicators": {"s": {"s": 85}}},
]


def test_a_vetoed_unit_takes_no_quota_place_in_memory_and_streamed(tmp_path: Path) -> None:
    policy = targetdsl.parse_policy(QUOTA_POLICY)
    expected = {"A": ("良好", 0), "B": ("优秀", 1000), "C": ("良好", 500)}
    for explain in (True, False):
        assessment = policy.evaluate(QUOTA_UNITS, explain=explain)
        assert {u.id: (u.grade, u.money) for u in assessment.units} == expected
    assert assessment.unit("A").grade_reason == (
        "total 98 is in band 优秀 (>= 90); a veto withholds the award, "
        "so it takes no place in the 优秀 quota and gets 良好"
    )
    data = tmp_path / "units.jsonl"
    data.write_text("".join(json.dumps(u, ensure_ascii=False) + "\n" for u in QUOTA_UNITS), encoding="utf-8")
    with policy.stream(data) as streamed:
        assert {u.id: (u.grade, u.money) for u in streamed} == expected


# -- class-wide functions where a rule is decided unit by unit

PEER_BASE = """policy "p" { year 2003 status draft }
class c { all 100 }
category all { indicator s points 100 { input s: number score s } }
"""


COMPARING_RULES = [
    "veto v { input x: number missing zero when rank(x) > 2 effect no award }",
    "veto v { input x: number missing zero let r = rank_asc(x) when r > 2 effect no award }",
    "coefficient k { input x: number missing zero factor 1 + peer_avg(x) / 1000 on total }",
    "deduction d { input x: number missing zero amount efficacy(x) / 100 }",
    "commendation m { input x: number missing zero when efficacy_reverse(x) == 100 }",
    "award a { money { } eligible when rank(total) <= 2 }",
    "award a { money { } reduce 10% when peer_min(total) > total }",
]


@pytest.mark.parametrize("rule", COMPARING_RULES)
def test_rules_compare_with_the_class_alike_on_every_path(rule: str) -> None:
    """Vetoes, deductions and coefficients read the class's values before the total, awards and
    commendations after the ranking (docs/semantics.md, steps 1 and 10)."""
    text = PEER_BASE + rule + "\n"
    report = targetdsl.check_text(text)
    assert not report.errors, report.render()
    policy = targetdsl.parse_policy(text)
    units = [{"id": f"U{i}", "class": "c", "indicators": {"s": {"s": 50 + i}}, **_rule_data(rule, i)} for i in range(5)]
    traced = [unit_json(u) for u in by_reference_path(policy, units).units]
    assert [unit_json(u) for u in policy.evaluate(units, explain=False).units] == traced
    with policy.stream(iter(units)) as streamed:
        assert sorted((unit_json(u) for u in streamed), key=lambda u: u["id"]) == sorted(traced, key=lambda u: u["id"])


def _rule_data(rule: str, i: int) -> dict[str, Any]:
    kind, name = rule.split()[:2]
    if kind == "award":
        return {}
    section = {"veto": "vetoes", "coefficient": "coefficients", "deduction": "deductions"}.get(kind, "commendations")
    return {section: {name: {"x": (i * 7) % 5}}} if i % 4 else {}


@pytest.mark.parametrize(
    "rule",
    [
        "input u: number missing peer_avg\nconst k = u * 2\nveto v { when k > 2 effect no award }",
        "veto v { input x: number missing peer_avg when x > 2 effect no award }",
        "input u: number missing peer_avg\nveto v { when u > 2 effect no award }",
    ],
)
def test_class_wide_values_in_a_rule_are_refused_by_check(rule: str) -> None:
    text = PEER_BASE + rule + "\n"
    report = targetdsl.check_text(text)
    assert [d.code for d in report.errors] == ["check.peer-in-rule"], report.render()
    with pytest.raises(targetdsl.PolicyError, match="is decided for each unit alone"):
        targetdsl.parse_policy(text)


def test_rules_may_still_read_the_units_rank_and_compare_in_indicators() -> None:
    text = PEER_BASE + (
        "category e { indicator r points 1 { input x: number score points * efficacy(x) / 100 } }\n"
        "award a { money { } eligible when rank <= 2 }\n"
        "commendation m { when rank == 1 and total > 50 }\n"
    )
    report = targetdsl.check_text(text)
    assert "check.peer-in-rule" not in [d.code for d in report.diagnostics]


# -- explanation notes for min and max


def notes(score: str, x: int) -> tuple[str, ...]:
    policy = targetdsl.parse_policy(f"""policy "p" {{ year 2003 status draft }}
const 底线 = 1
const 上限 = 底线 * 8
class c {{ all 100 }}
category all {{ indicator s points 10 {{ input x: number input y: number missing zero score {score} }} }}
""")
    unit = policy.evaluate([{"id": "A", "class": "c", "indicators": {"s": {"x": x, "y": 4}}}]).units[0]
    return unit.measures[0].step.notes


@pytest.mark.parametrize(
    ("score", "x", "expected"),
    [
        ("max(0, x)", -3, "max(…) floored -3 at 0 (line 5)"),
        ("max(0, x)", 5, None),
        ("max(x, 0)", -3, "max(…) floored -3 at 0 (line 5)"),
        ("max(x, 0)", 5, None),
        ("max(-1 * 2, x)", -3, "max(…) floored -3 at -2 (line 5)"),
        ("max(底线, x)", -3, "max(…) floored -3 at 1 (line 5)"),
        ("max(底线, x)", 5, None),
        ("min(points, x)", 20, "min(…) capped 20 at 10 (line 5)"),
        ("min(points, x)", 5, None),
        ("min(x, points * 1.2)", 20, "min(…) capped 20 at 12 (line 5)"),
        ("min(x, points * 1.2)", -3, None),
        ("min(上限, x)", 20, "min(…) capped 20 at 8 (line 5)"),
        ("min(上限, x)", 5, None),
        ("min(x, y)", 5, "min(…) capped 5 at 4 (line 5)"),  # two values: the first is the one capped
        ("min(x, y)", 3, None),
        ("max(0, min(x, points))", 20, "min(…) capped 20 at 10 (line 5)"),
        ("max(0, min(x, points))", -3, "max(…) floored -3 at 0 (line 5)"),
    ],
)
def test_min_and_max_notes_say_what_happened_in_any_argument_order(score: str, x: int, expected: str | None) -> None:
    assert notes(score, x) == (() if expected is None else (expected,))


# -- scores given by an assessor

GIVEN_POLICY = """policy "g" { year 2003 status draft }
assessor 人大 "市人大"
class c { all 100 }
category all {
    indicator 实事 points 10 {
        input target: number
        input actual: number
        score points * min(actual / target, 1)
        completed when actual >= target
        given by 人大
    }
}
"""


def test_a_given_indicator_needs_no_inputs_and_counts_once() -> None:
    policy = targetdsl.parse_policy(GIVEN_POLICY)
    units = [
        {"id": "A", "class": "c", "indicators": {"实事": {"given": {"by": "人大", "score": 100}}}},
        {"id": "B", "class": "c", "indicators": {"实事": {"given": {"by": "人大", "score": 80}}}},
        {
            "id": "C",
            "class": "c",
            "indicators": {"实事": {"target": 2, "actual": 1, "given": {"by": "人大", "score": 100}}},
        },
    ]
    for explain in (True, False):
        assessment = policy.evaluate(units, explain=explain)
        assert [(u.id, u.total, u.items, u.completed_items) for u in assessment.units] == [
            ("A", 100, 1, 1),
            ("C", 100, 1, 0),
            ("B", 80, 1, 0),
        ]


def test_inputs_given_alongside_a_given_score_are_still_validated() -> None:
    policy = targetdsl.parse_policy(GIVEN_POLICY)
    with pytest.raises(DataError, match=r"indicators\.实事\.actual: expected a number"):
        policy.evaluate(
            [
                {
                    "id": "A",
                    "class": "c",
                    "indicators": {"实事": {"actual": "lots", "given": {"by": "人大", "score": 100}}},
                }
            ]
        )
    with pytest.raises(DataError, match=r"indicators\.实事\.target: missing"):
        policy.evaluate([{"id": "A", "class": "c", "indicators": {"实事": {"actual": 1}}}])


# -- diff: source-list entries where they are

DIFF_BASE = """policy "p" {
    year 2003
    status draft
    source "市委〔2003〕1号"
    source "市政府〔2003〕5号"
}
class c { all 100 }
category all { indicator s points 100 { input s: number score s } }
"""


def test_source_list_changes_carry_both_positions(tmp_path: Path) -> None:
    old = tmp_path / "old.tdsl"
    new = tmp_path / "new.tdsl"
    old.write_text(DIFF_BASE, encoding="utf-8")
    kept = '    source "市政府〔2003〕5号"\n'
    text = DIFF_BASE.replace('    source "市委〔2003〕1号"\n', "")
    new.write_text(text.replace(kept, kept + '\n    source "新文件"\n'), encoding="utf-8")
    result = targetdsl.diff_policies(old, new)
    found = {
        (c.kind, c.old or c.new): (c.old_at.line if c.old_at else None, c.new_at.line if c.new_at else None)
        for c in result.changes
    }
    # removed: where it was (old line 4) and where the list is now (new line 4);
    # added: where the list was (old line 4) and where it is now (new line 6)
    assert found == {("removed", "市委〔2003〕1号"): (4, 4), ("added", "新文件"): (4, 6)}
    assert all(str(c.old_at).startswith(str(old)) and str(c.new_at).startswith(str(new)) for c in result.changes)


# -- a range end that names another input

RANGE_POLICY = """policy "p" {{ year 2003 status draft }}
class c {{ all 100 }}
category all {{
    items s {{
        {inputs}
        score points * done / subs
        tally done of subs
    }}
}}
"""
GOOD_INPUTS = "input subs: count range 1 to 50\n        input done: count range 0 to subs"


@pytest.mark.parametrize(
    ("inputs", "code", "message"),
    [
        (
            "input subs: count range 1 to 50 input done: count range 0 to sub",
            "check.unknown-name",
            "`sub` is not an input declared beside `done`",
        ),
        (
            "input subs: percent range 1 to 50 input done: count range 0 to subs",
            "check.type-mismatch",
            "the range of `done` (count) ends at `subs`, a percent input",
        ),
        (
            "input subs: count range 0 to done input done: count range 0 to subs",
            "check.cycle",
            "the ranges of `subs` → `done` → `subs` bound each other in a circle",
        ),
        (
            "input subs: count input done: count range done to subs",
            "check.cycle",
            "the ranges of `done` → `done` bound each other in a circle",
        ),
        (
            "input subs: bool input done: bool range 0 to subs",
            "check.type-mismatch",
            "a bool input cannot have a range",
        ),
    ],
)
def test_a_range_naming_an_input_is_checked(inputs: str, code: str, message: str) -> None:
    report = targetdsl.check_text(RANGE_POLICY.format(inputs=inputs))
    assert (code, message) in [(d.code, d.message) for d in report.errors], report.render()


def test_a_range_naming_an_input_of_another_measure_is_unknown() -> None:
    text = (
        RANGE_POLICY.format(inputs=GOOD_INPUTS) + "input total: count\ncategory b { indicator t points 1 { "
        "input x: count range 0 to total score x } }\n"
    )
    assert "`total` is not an input declared beside `x`" in targetdsl.check_text(text).render()


def test_a_long_chain_of_bounded_inputs_checks_without_recursion() -> None:
    chain = " ".join(f"input i{k}: count range 0 to i{k + 1}" for k in range(3000)) + " input i3000: count"
    text = RANGE_POLICY.format(inputs=GOOD_INPUTS).replace(
        "tally done of subs", f"tally done of subs }}\nindicator long points 1 {{ {chain} score i0"
    )
    report = targetdsl.check_text(text)
    assert report.errors == (), report.render()
    looped = targetdsl.check_text(text.replace("input i3000: count", "input i3000: count range 0 to i0"))
    assert [d.code for d in looped.errors] == ["check.cycle"]


def test_done_above_subs_is_refused_in_memory_and_streamed(tmp_path: Path) -> None:
    policy = targetdsl.parse_policy(RANGE_POLICY.format(inputs=GOOD_INPUTS))
    units = [{"id": "赣榆县", "class": "c", "indicators": {"s": [{"subs": 50, "done": 50}, {"subs": 40, "done": 68}]}}]
    expected = (
        "<data>: unit 赣榆县: indicators.s[2].done: 68 is above indicators.s[2].subs = 40, the upper end of its range"
    )
    with pytest.raises(DataError) as caught:
        policy.evaluate(units)
    assert [str(p) for p in caught.value.problems] == [expected]
    data = tmp_path / "units.jsonl"
    data.write_text(json.dumps(units[0], ensure_ascii=False) + "\n", encoding="utf-8")
    with pytest.raises(DataError) as streamed:
        policy.stream(data)
    assert [p.field for p in streamed.value.problems] == ["indicators.s[2].done"]
    units[0]["indicators"]["s"][1]["done"] = 40  # type: ignore[index]
    assert policy.evaluate(units).units[0].total == 100


def test_a_range_naming_an_input_formats_and_diffs() -> None:
    from targetdsl.language.formatter import format_policy

    text = RANGE_POLICY.format(inputs=GOOD_INPUTS)
    formatted = format_policy(text)
    assert "input done: count range 0 to subs\n" in formatted
    assert format_policy(formatted) == formatted
    before = targetdsl.parse_policy(text.replace("range 0 to subs", "range 0 to 50"))
    after = targetdsl.parse_policy(text)
    changes = targetdsl.diff_policies(before, after).changes
    assert [(c.what, c.old, c.new) for c in changes] == [
        ("items `s`: input `done`", "input done: count range 0 to 50", "input done: count range 0 to subs")
    ]


def test_the_seed_policies_bound_done_by_subs() -> None:
    root = Path(__file__).resolve().parents[2]
    for name in ("lianyungang-2002", "lianyungang-2003"):
        policy = targetdsl.load_policy(root / "policies" / f"{name}.tdsl")
        spec = next(
            m for c in policy.schema.classes.values() for m in c.measures() if "done" in m.inputs and "subs" in m.inputs
        )
        assert spec.inputs["done"].high_input == "subs"


def test_an_award_carried_in_under_a_bonus_the_units_class_lacks_is_refused(tmp_path: Path) -> None:
    text = BONUS_POLICY.replace("class c { all 100 }", "class c { all 100 }\nclass d { all 100 }")
    policy = targetdsl.parse_policy(text.replace("bonus 获奖 {", "bonus 获奖 for c {"))
    units = [*UNITS, {"id": "D", "class": "d", "indicators": {"s": {"s": 80}}}]
    ledger = {"year": 2002, "carry_over": [entry(unit="D")]}
    message = (
        "<carry-in>: unit D: carry_over: an award is carried in under bonus `获奖`, which does not apply to class d"
    )
    with pytest.raises(DataError) as caught:
        policy.evaluate(units, carried_in=ledger)
    assert [str(p) for p in caught.value.problems] == [message]
    assert [p.code for p in caught.value.problems] == ["data.carried-lost"]
    data = tmp_path / "units.jsonl"
    data.write_text("".join(json.dumps(u, ensure_ascii=False) + "\n" for u in units), encoding="utf-8")
    with pytest.raises(DataError) as streamed:
        policy.stream(data, carried_in=ledger)
    assert [str(p) for p in streamed.value.problems] == [message]


# -- further late failures found in the same vein


@pytest.mark.parametrize(
    ("measure", "code"),
    [
        ("items s { input x: number missing peer_avg score x }", "check.peer-in-items"),
        (
            "indicator s points 10 { subitem a points 5 { input x: number missing peer_avg score x } "
            "subitem b points 5 { input y: number score y } }",
            "check.peer-in-items",
        ),
        ("indicator s points 10 { input x: number missing default peer_avg(1) score x }", "check.bad-value"),
        ("indicator s points 10 { input x: number missing default 1 + 1 score x }", "check.bad-value"),
    ],
)
def test_missing_values_that_cannot_be_resolved_are_refused_by_check(measure: str, code: str) -> None:
    text = f'policy "p" {{ year 2003 status draft }}\nclass c {{ all 100 }}\ncategory all {{ {measure} }}\n'
    assert [d.code for d in targetdsl.check_text(text).errors] == [code]


@pytest.mark.parametrize(("default", "earned"), [("-2%", "8.00"), ("2%", "12.00"), ("-0.5%", "9.50")])
def test_a_negative_percent_default_is_scaled_like_a_positive_one(default: str, earned: str) -> None:
    policy = targetdsl.parse_policy(f"""policy "p" {{ year 2003 status draft }}
class c {{ all 100 }}
category all {{ indicator s points 10 {{ input g: percent missing default {default} score points + g * 100 }} }}
""")
    for explain in (True, False):
        unit = policy.evaluate([{"id": "A", "class": "c", "indicators": {"s": {}}}], explain=explain).units[0]
        assert unit.measures[0].earned == Decimal(earned)


@pytest.mark.parametrize("own_name", ["p", None])
def test_an_award_both_in_the_data_and_carried_in_is_refused(tmp_path: Path, own_name: str | None) -> None:
    policy = targetdsl.parse_policy(BONUS_POLICY)
    own = {"level": "省级", "date": "2003-01-20", **({"name": own_name} if own_name else {})}
    units = [{**UNITS[0], "bonuses": {"获奖": [own]}}, UNITS[1]]
    ledger = {"year": 2002, "carry_over": [entry()]}
    with pytest.raises(DataError) as caught:
        policy.evaluate(units, carried_in=ledger)
    assert [(p.unit, p.field, p.code) for p in caught.value.problems] == [("A", "bonuses.获奖", "data.carried-twice")]
    assert "is also carried in from last year's ledger" in str(caught.value)
    data = tmp_path / "units.jsonl"
    data.write_text("".join(json.dumps(u, ensure_ascii=False) + "\n" for u in units), encoding="utf-8")
    with pytest.raises(DataError) as streamed:
        policy.stream(data, carried_in=ledger)
    assert streamed.value.problems == caught.value.problems
    # another award of the same level on another day is not the same award
    units[0]["bonuses"] = {"获奖": [{**own, "date": "2003-05-01"}]}
    assert policy.evaluate(units, carried_in=ledger).unit("A").bonus == 4


def test_a_given_indicator_needs_no_sub_item_data() -> None:
    policy = targetdsl.parse_policy("""policy "g" { year 2003 status draft }
assessor 人大 "市人大"
class c { all 100 }
category all {
    indicator 实事 points 10 {
        subitem a points 5 { input ok: bool score if ok then points else 0 completed when ok }
        subitem b points 5 { input ok: bool score if ok then points else 0 completed when ok }
        given by 人大
    }
}
""")
    given = {"by": "人大", "score": 80}
    units = [
        {"id": "A", "class": "c", "indicators": {"实事": {"given": {"by": "人大", "score": 100}}}},
        {"id": "B", "class": "c", "indicators": {"实事": {"a": {"ok": True}, "given": given}}},
        {"id": "C", "class": "c", "indicators": {"实事": {"a": {"ok": True}, "b": {"ok": False}}}},
    ]
    for explain in (True, False):
        assessment = policy.evaluate(units, explain=explain)
        # A: nothing but the given score, counted once; B: sub-item a counted; C: scored by its sub-items
        assert [(u.id, u.total, u.items, u.completed_items) for u in assessment.units] == [
            ("A", 100, 1, 1),
            ("B", 80, 1, 1),
            ("C", 50, 2, 1),
        ]
    with pytest.raises(DataError, match=r"indicators\.实事\.b\.ok: missing"):
        policy.evaluate([units[2] | {"indicators": {"实事": {"a": {"ok": True}}}}])


def test_the_template_bounds_done_by_the_same_rows_subs(tmp_path: Path) -> None:
    import openpyxl

    from targetdsl.office.template import write

    root = Path(__file__).resolve().parents[2]
    write(targetdsl.load_policy(root / "policies/lianyungang-2003.tdsl"), tmp_path / "t.xlsx", only="县区", items=2)
    sheet = openpyxl.load_workbook(tmp_path / "t.xlsx")["县区"]
    heads = {cell.column_letter: cell.value for cell in sheet[1]}
    rules = {
        heads[str(v.sqref).split(":")[0].rstrip("0123456789")]: (v.formula1, v.formula2)
        for v in sheet.data_validations.dataValidation
    }
    letter = {path: column for column, path in heads.items()}
    assert rules["重点项目.2.done"] == ("0", f"{letter['重点项目.2.subs']}3")
    assert rules["重点项目.2.subs"] == ("1", "50")


def test_a_value_above_a_missing_bound_says_what_the_bound_was_taken_as() -> None:
    policy = targetdsl.parse_policy(
        RANGE_POLICY.format(inputs="input subs: count missing zero\n        input done: count range 0 to subs")
    )
    with pytest.raises(DataError) as caught:
        policy.evaluate([{"id": "A", "class": "c", "indicators": {"s": [{"done": 3}, {"done": 0}]}}])
    assert [str(p) for p in caught.value.problems] == [
        "<data>: unit A: indicators.s[1].done: 3 is above indicators.s[1].subs (missing, so taken as 0), "
        "the upper end of its range"
    ]


@pytest.mark.parametrize(
    "use",
    [
        "category all2 { indicator t points 1 { input x: number score x * k } }",
        "veto v { when k > 2 effect no award }",
    ],
)
def test_a_class_wide_function_in_a_const_is_refused_by_check(use: str) -> None:
    text = (
        PEER_BASE.replace("class c { all 100 }", "class c { all 50 all2 50 }").replace("points 100", "points 50")
        + "const k = peer_count()\n"
        + use
        + "\n"
    )
    if "all2" not in use:
        text = text.replace("all 50 all2 50", "all 100").replace("points 50", "points 100")
    report = targetdsl.check_text(text)
    assert [d.code for d in report.errors] == ["check.peer-in-const"], report.render()


def test_items_reading_a_unit_input_missing_as_the_class_average_are_refused() -> None:
    text = (
        PEER_BASE
        + "input u: number missing peer_avg\nconst k = u + 1\n"
        + "category e { items t { input x: number score x * k } }\n"
    )
    report = targetdsl.check_text(
        text.replace("class c { all 100 }", "class c { all 50 e 50 }").replace("points 100", "points 50")
    )
    assert [(d.code, d.message) for d in report.errors] == [
        (
            "check.peer-in-items",
            "unit input `u` is missing as the class average (through `k`), but items `t` differs from unit to unit",
        )
    ]


def test_a_unit_input_missing_as_the_class_average_scores_alike_on_every_path() -> None:
    """The compiled per-class kernel scored a unit whose unit input was missing on its own, so its
    measure's class average was taken over that unit alone: 0 instead of the class's average."""
    policy = targetdsl.parse_policy("""policy "p" { year 2003 status draft }
input u: number missing peer_avg
const k = u + 1
class c { all 100 }
category all { indicator s points 10 { input x: number score x * k } }
""")
    units = [
        {"id": "A", "class": "c", "inputs": {"u": 2}, "indicators": {"s": {"x": 1}}},
        {"id": "B", "class": "c", "indicators": {"s": {"x": 1}}},
    ]
    for explain in (True, False):
        assert [(u.id, u.total) for u in policy.evaluate(units, explain=explain).units] == [("A", 30), ("B", 30)]


def test_a_range_end_parses_as_a_name_or_a_number() -> None:
    from decimal import Decimal as D

    from targetdsl.language import nodes as n
    from targetdsl.language.parser import parse

    category = next(d for d in parse(RANGE_POLICY.format(inputs=GOOD_INPUTS)).file.items if isinstance(d, n.Category))
    inputs = [s for s in category.measures[0].body if isinstance(s, n.Input)]
    assert inputs == [
        n.Input("subs", None, "count", None, n.Number(D(1)), n.Number(D(50))),
        n.Input("done", None, "count", None, n.Number(D(0)), n.Name("subs")),
    ]
    assert inputs[1].high is not None and (inputs[1].high.span.line, inputs[1].high.span.column) == (6, 38)


def test_an_award_lost_from_a_ledger_file_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "carried-in.yaml"
    path.write_text(
        "year: 2002\ncarry_over:\n- {unit: Z, bonus: 获奖, level: 省级, name: p, date: 2003-01-20}\n", encoding="utf-8"
    )
    assert ledger_problems(path, "data.carried-lost") == [
        f"{path}: unit Z: carry_over: an award is carried in for this unit, which is not in the data"
    ]


# -- a sweep: class-wide values in every place a policy can put them

SWEEP_HEAD = """policy "p" { year 2003 status draft }
input u: number missing peer_avg
class c { all 50 more 50 }
category all { indicator s points 50 { input s: number score s } }
"""
PLAIN = "category more {{ indicator t points 50 {{ input q: number score q }} }}\n"
PLACES = {
    "indicator": "category more {{ indicator t points 50 {{ input x: number missing zero score {e} }} }}",
    "indicator-let": "category more {{ indicator t points 50 {{ input x: number missing zero let l = {e} score l }} }}",
    "items": "category more {{ items t {{ input x: number missing zero score {e} }} }}",
    "subitem": "category more {{ indicator t points 50 {{ subitem a points 5 {{ input x: number missing zero "
    "score {e} }} }} }}",
    "tally": "category more {{ items t {{ input x: number missing zero score x tally {e} of 5 }} }}",
    "const": "const k = {constant}\ncategory more {{ indicator t points 50 {{ input x: number missing zero "
    "score x + k }} }}",
    "veto": PLAIN + "veto v {{ input x: number missing zero when {e} > 1 effect no award }}",
    "coefficient": PLAIN + "coefficient k {{ input x: number missing zero factor 1 + {e} / 1000 on total }}",
    "deduction": PLAIN + "deduction d {{ input x: number missing zero amount {e} / 1000 }}",
    "award": PLAIN + "award a {{ input x: number missing zero money {{ }} eligible when {e} >= 0 }}",
    "commendation": PLAIN + "commendation m {{ input x: number missing zero when {e} >= 0 }}",
}
SECTIONS = {
    "veto": ("vetoes", "v"),
    "coefficient": ("coefficients", "k"),
    "deduction": ("deductions", "d"),
    "award": ("awards", "a"),
    "commendation": ("commendations", "m"),
}


def sweep_units(place: str) -> list[dict[str, Any]]:
    units: list[dict[str, Any]] = []
    for i, unit_id in enumerate("ABC"):
        measure: Any = {"q": 10}
        if place in ("items", "tally"):
            measure = [{"x": i + 1, "points": 5}]  # within twice its points: the formula states no bound
        elif place == "subitem":
            measure = {"a": {"x": i + 1}}
        elif place in ("indicator", "indicator-let", "const"):
            measure = {"x": i + 1}
        unit: dict[str, Any] = {"id": unit_id, "class": "c", "indicators": {"s": {"s": 40 + i}, "t": measure}}
        if i:
            unit["inputs"] = {"u": i * 3}  # A's is missing: the class average
        if place in SECTIONS:
            section, name = SECTIONS[place]
            unit[section] = {name: {"x": i + 1}}
        units.append(unit)
    return units


@pytest.mark.parametrize("expression", ["rank(x)", "peer_avg(x)", "peer_count()", "efficacy(x)", "x * u", "u", "x"])
@pytest.mark.parametrize("place", sorted(PLACES))
def test_a_policy_that_checks_clean_evaluates_alike_on_every_path(place: str, expression: str) -> None:
    """Wherever a class-wide function or a unit input missing as the class average is written: either
    check refuses it, or the reference path, the compiled path and the stream give the same totals."""
    text = SWEEP_HEAD + PLACES[place].format(e=expression, constant=expression.replace("x", "1")) + "\n"
    report = targetdsl.check_text(text)
    if report.errors:
        assert {d.code for d in report.errors} <= {
            "check.peer-in-items",
            "check.peer-in-rule",
            "check.peer-in-const",
        }, report.render()
        return
    policy = targetdsl.parse_policy(text)
    units = sweep_units(place)
    traced = [(u.id, u.total, u.grade) for u in by_reference_path(policy, units).units]
    assert [(u.id, u.total, u.grade) for u in policy.evaluate(units, explain=False).units] == traced
    with policy.stream(iter(units)) as streamed:
        assert [(u.id, u.total, u.grade) for u in streamed] == traced


def test_the_template_takes_given_scores_and_the_item_needs_nothing_else(tmp_path: Path) -> None:
    import openpyxl

    from targetdsl.office.template import write

    policy = targetdsl.parse_policy("""policy "g" { year 2003 status draft }
assessor 人大 "市人大"
assessor 政协 "市政协"
class 县区 { all 100 }
category all {
    items 重点 {
        input subs: count range 1 to 50
        input done: count range 0 to subs
        score points * done / subs
        tally done of subs
        given by 人大, 政协
    }
}
""")
    book_path = tmp_path / "units.xlsx"
    write(policy, book_path, items=2)
    book = openpyxl.load_workbook(book_path)
    sheet = book["县区"]
    column = {cell.value: cell.column for cell in sheet[1]}
    for path, value in {
        "id": "C01",
        "name": "赣榆县",
        "重点.1.subs": 4,
        "重点.1.done": 3,
        "重点.2.given.by": "政协",
        "重点.2.given.score": 100,
    }.items():
        sheet.cell(row=3, column=column[path], value=value)
    rules = {str(v.sqref).split(":")[0]: v for v in sheet.data_validations.dataValidation}
    letter = openpyxl.utils.get_column_letter(column["重点.2.given.by"])
    assert rules[f"{letter}3"].formula1 == '"人大,政协"'
    book.save(book_path)
    unit = policy.evaluate(book_path).unit("C01")
    # (0.75 + 1) of 2 points → 87.5; sub-items 3 of 4, plus the given item once, completed
    assert (unit.total, unit.items, unit.completed_items) == (Decimal("87.50"), 5, 4)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (
            "category all { indicator s points 100 { input s: number score s } }",
            "category all { indicator s points 100 { input s: number input t: number missing zero score s + t } }",
        ),
        ("grades { 优秀 >= 90 合格 < 90 }", "grades { 优秀 >= 90 良好 80 to 90 合格 < 80 }"),
        ("veto v { input x: bool missing default false when x effect no award }", ""),
        ("", "deduction d { input n: count missing zero amount n }"),
        ("award a { money { 优秀 100 } }", "award a { money { 优秀 100 合格 10 } }"),
        ("class c { all 100 }", "class c { all 100 }\nclass d { all 100 }"),
        (
            "category all { indicator s points 100 { input s: number score s } }",
            "category all { indicator s points 100 { input s: number score s } indicator r points 1 { input r: number "
            "score r } }",
        ),
    ],
)
def test_every_added_or_removed_entry_carries_both_locations(tmp_path: Path, old: str, new: str) -> None:
    base = (
        'policy "p" {\n    year 2003\n    status draft\n}\nclass c { all 100 }\n'
        "category all { indicator s points 100 { input s: number score s } }\n"
        "grades { 优秀 >= 90 合格 < 90 }\n"
        "veto v { input x: bool missing default false when x effect no award }\n"
        "award a { money { 优秀 100 } }\n"
    )
    before = tmp_path / "old.tdsl"
    after = tmp_path / "new.tdsl"
    before.write_text(base, encoding="utf-8")
    after.write_text(base.replace(old, new) if old else base + new + "\n", encoding="utf-8")
    changes = [c for c in targetdsl.diff_policies(before, after).changes if c.old is None or c.new is None]
    assert changes
    for change in changes:
        assert change.old_at is not None and change.new_at is not None, change
        assert change.old_at.file == str(before) and change.new_at.file == str(after), change
