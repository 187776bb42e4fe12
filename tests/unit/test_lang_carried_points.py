"""Points carried in from last year's ledger (上年度结转加分): an entry with `points` in place of a level.

Counted under its bonus before the bonus's cap (a computed bonus counts them whatever this year's `when`
says: they were earned last year), explained with what earned them, and checked as the awards of the
ledger are: last year's ledger, each entry once, dated plausibly, for a unit in the data whose class has
the bonus, and besides: named, above 0, exact, no level beside the points.
"""

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import targetdsl
from targetdsl.audit.explain import render_text
from targetdsl.evaluation.results import unit_json
from targetdsl.keywords import Language
from targetdsl.scaling import stream as streaming
from targetdsl.values import DataError

POLICY = """policy "结转" { year 2012 status draft }
class 区 { 工作 100 }
class 街道 { 工作 100 }
category 工作 { indicator 实绩 points 100 { input s: number  score points * s / 100 } }
bonus 表彰 { level 省级 2  cap 3 }
bonus 区表彰 for 区 { level 市级 1 }
input 排名: count missing zero
bonus 排名 { points if 排名 == 1 then 2 else 0  when 排名 > 0 }
"""

UNITS = [
    {"id": "A", "class": "区", "indicators": {"实绩": {"s": 90}}},
    {"id": "B", "class": "街道", "inputs": {"排名": 1}, "indicators": {"实绩": {"s": 80}}},
]


def entry(**changes: Any) -> dict[str, Any]:
    return {"unit": "A", "bonus": "表彰", "name": "2011年度表彰", "points": "1.5", "date": "2012-02-20", **changes}


def evaluate(*entries: dict[str, Any], year: Any = 2011, **options: Any) -> targetdsl.Assessment:
    policy = targetdsl.parse_policy(POLICY, name="carry.tdsl")
    return policy.evaluate(UNITS, carried_in={"year": year, "carry_over": list(entries)}, **options)


def refused(*entries: dict[str, Any]) -> list[tuple[str | None, str]]:
    with pytest.raises(DataError) as caught:
        evaluate(*entries)
    return [(p.code, str(p)) for p in caught.value.problems]


def test_points_are_added_before_the_cap_and_explained() -> None:
    result = evaluate(entry(), entry(name="另一项", points=1), entry(unit="B", bonus="排名", points="0.5"))
    a, b = result.unit("A"), result.unit("B")
    assert a.bonus == Decimal("2.5") and a.total == Decimal("92.5")  # 1.5 + 1 (cap 3 not reached)
    assert b.bonus == Decimal("2.5")  # first: 2, + 0.5 carried
    text = render_text(a, 1)
    assert "counted: 2011年度表彰 (2012-02-20): 1.5 points carried in from last year" in text
    chinese = render_text(b, 1, language=Language.CHINESE)
    assert "2011年度表彰 (2012-02-20)：上年度结转 0.5 分" in chinese
    capped = evaluate(entry(points=4)).unit("A")
    assert capped.bonus == Decimal(3)


def test_a_computed_bonus_counts_carried_points_when_its_condition_fails() -> None:
    result = evaluate(entry(unit="A", bonus="排名", points=1))
    assert result.unit("A").bonus == Decimal(1)  # 排名 is 0: this year's `when` fails


@pytest.mark.parametrize(
    ("changes", "code", "message"),
    [
        ({"points": "-1"}, "data.out-of-range", "carry_over[1].points: -1 points cannot be carried in"),
        ({"points": 0}, "data.out-of-range", "carried points are above 0"),
        ({"points": "一点五"}, "data.bad-number", "carry_over[1].points: expected a number, found `一点五`"),
        ({"points": 0.1 + 0.2}, "data.bad-number", "is a binary float"),
        ({"points": "1e40"}, "data.bad-number", "outside the range of plausible values"),
        ({"level": "省级"}, "data.ledger-shape", "carry_over[1].level: an entry carries points or an award's level"),
        ({"reason": "x"}, "data.ledger-shape", "carry_over[1].reason: unknown key"),
        ({"name": None}, "data.ledger-shape", "carry_over[1].name: missing: say what earned the points"),
        ({"date": None}, "data.ledger-date", "carry_over[1].date: missing"),
        ({"date": "2014-01-01"}, "data.ledger-date", "cannot be an award of the ledger's year 2011"),
        ({"bonus": "没有"}, "data.carried-lost", "the policy has no bonus `没有`"),
        ({"unit": "Z"}, "data.carried-lost", "an award is carried in for this unit, which is not in the data"),
        ({"unit": "B", "bonus": "区表彰"}, "data.carried-lost", "which does not apply to class 街道"),
    ],
)
def test_a_bad_points_entry_is_refused_naming_the_entry(changes: dict[str, Any], code: str, message: str) -> None:
    found = refused(entry(**changes))
    assert [c for c, _ in found] == [code], found
    assert message in found[0][1], found


def test_the_same_points_twice_are_refused_and_other_points_are_not_duplicates() -> None:
    found = refused(entry(), entry())
    assert found == [
        (
            "data.ledger-duplicate",
            "<ledger>: unit A: carry_over[2]: the same award as carry_over[1]: each award is carried over once",
        )
    ]
    assert evaluate(entry(), entry(points=1)).unit("A").bonus == Decimal("2.5")


def test_a_ledger_of_the_wrong_year_refuses_points_as_awards() -> None:
    with pytest.raises(DataError, match="the ledger is for 2012; it is this year's own ledger"):
        evaluate(entry(), year=2012)


def test_every_path_agrees_streamed_in_batches_of_one_and_in_parts(tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.setattr(streaming, "BATCH", 1)
    ledger = tmp_path / "2011.yaml"
    ledger.write_text(
        "year: 2011\ncarry_over:\n"
        "  - {unit: A, bonus: 表彰, name: 表彰甲, points: 1.5, date: 2012-02-20}\n"
        "  - {unit: B, bonus: 排名, name: 排名第一, points: 2, date: 2012-01-10}\n",
        encoding="utf-8",
    )
    policy = targetdsl.parse_policy(POLICY, name="carry.tdsl")
    fast = policy.evaluate(UNITS, carried_in=ledger, explain=False).to_json()["units"]
    assert policy.evaluate(UNITS, carried_in=ledger).to_json()["units"] == fast
    with policy.stream(iter(UNITS), carried_in=ledger) as streamed:
        ordered = [unit_json(u) for u in streamed]
    assert sorted(ordered, key=lambda u: u["id"]) == sorted(fast, key=lambda u: u["id"])
    for parts in (1, 2):
        done = policy.evaluate_parts(UNITS, parts=parts, carried_in=ledger)
        assert [unit_json(u) for u in done.results] == ordered
    assert [u["bonus"] for u in sorted(fast, key=lambda u: u["id"])] == ["1.5", "4"]
