"""Every policy shipped in policies/ checks cleanly, and the seed's 2003
method is the 2002 method with exactly the speech's changes."""

from decimal import Decimal
from pathlib import Path

import pytest

import targetdsl
from targetdsl.language import nodes as n

POLICIES = sorted((Path(__file__).resolve().parent.parent / "policies").glob("*.tdsl"))


@pytest.mark.parametrize("path", POLICIES, ids=lambda p: p.name)
def test_policy_checks_cleanly(path: Path) -> None:
    report = targetdsl.check_path(path)
    assert report.diagnostics == (), report.render()


def shares(policy: targetdsl.Policy, name: str) -> dict[str, Decimal]:
    unit_class = policy.effective.find("class", name)
    assert isinstance(unit_class, n.UnitClass)
    return {s.category: s.amount for s in unit_class.shares}


def test_seed_weights_change_as_the_speech_says(root: Path) -> None:
    old = targetdsl.load_policy(root / "policies/lianyungang-2002.tdsl")
    new = targetdsl.load_policy(root / "policies/lianyungang-2003.tdsl")
    assert shares(old, "县区") == {"重点工作": 40, "定量指标": 40, "其他考核": 20}
    assert shares(new, "县区") == {"重点工作": 40, "定量指标": 50, "其他考核": 10}
    for unit_class in ("市直部门", "驻连部省属单位"):
        assert shares(old, unit_class) == {"常规工作": 40, "定量指标": 40, "其他考核": 20}
        assert shares(new, unit_class) == {"常规工作": 20, "定量指标": 60, "其他考核": 20}
    assert new.year == 2003 and old.year == 2002
    assert new.files[0].endswith("lianyungang-2002.tdsl")


def test_seed_2003_adds_given_scores_eligibility_and_carry_over(root: Path) -> None:
    old = targetdsl.load_policy(root / "policies/lianyungang-2002.tdsl")
    new = targetdsl.load_policy(root / "policies/lianyungang-2003.tdsl")

    def statements(policy: targetdsl.Policy, kind: str, name: str) -> list[object]:
        declaration = policy.effective.find(kind, name)
        assert declaration is not None
        if isinstance(declaration, n.Category):
            return [s for m in declaration.measures for s in m.body]
        assert isinstance(declaration, n.Rule)
        return list(declaration.body)

    for category in ("重点工作", "常规工作"):
        assert not any(isinstance(s, n.Given) for s in statements(old, "category", category))
        assert n.Given(("人大", "政协")) in statements(new, "category", category)
    assert not any(isinstance(s, n.Eligible) for s in statements(old, "award", "目标兑现奖"))
    assert any(isinstance(s, n.Eligible) for s in statements(new, "award", "目标兑现奖"))
    assert not any(isinstance(s, n.CarryOver) for s in statements(old, "bonus", "获奖加分"))
    assert any(isinstance(s, n.CarryOver) for s in statements(new, "bonus", "获奖加分"))
    # Everything else is inherited unchanged.
    changed = {
        ("class", "县区"),
        ("class", "市直部门"),
        ("class", "驻连部省属单位"),
        ("category", "重点工作"),
        ("category", "常规工作"),
        ("award", "目标兑现奖"),
        ("bonus", "获奖加分"),
        ("input", "承担市级目标"),
    }
    old_table = {n.declaration_key(d): d for d in old.effective.declarations}
    new_table = {n.declaration_key(d): d for d in new.effective.declarations}
    assert set(new_table) - set(old_table) == {("input", "承担市级目标")}
    for key, declaration in new_table.items():
        if key not in changed:
            assert old_table[key] == declaration, key
