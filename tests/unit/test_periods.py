from decimal import Decimal
from pathlib import Path

import pytest

import targetdsl
from targetdsl.cli import main
from tests.support import PERIOD_POLICY


def units(actual_a: str, actual_b: str) -> list[dict[str, object]]:
    return [
        {"id": "A", "class": "c", "indicators": {"投资": {"target": "120", "actual": actual_a}}},
        {"id": "B", "class": "c", "indicators": {"投资": {"target": "120", "actual": actual_b}}},
    ]


def test_weighted_periods() -> None:
    policy = targetdsl.parse_policy(PERIOD_POLICY)
    combined = policy.evaluate_periods({"上半年": units("60", "30"), "全年": units("90", "120")})
    # A: half-year 60/60 → 100, year 90/120 → 75: 0.4 × 100 + 0.6 × 75 = 85
    # B: half-year 30/60 → 50, year 120/120 → 100: 0.4 × 50 + 0.6 × 100 = 80
    assert [(u.id, u.score, u.rank) for u in combined.units] == [("A", Decimal("85.00"), 1), ("B", Decimal("80.00"), 2)]
    assert combined.units[0].totals == (("上半年", Decimal("100.00")), ("全年", Decimal("75.00")))


def test_missing_period_or_unit() -> None:
    policy = targetdsl.parse_policy(PERIOD_POLICY)
    with pytest.raises(targetdsl.DataError, match="no data given"):
        policy.evaluate_periods({"上半年": units("60", "30")})
    with pytest.raises(targetdsl.DataError, match="no weight"):
        policy.evaluate_periods({"上半年": units("60", "30"), "全年": units("1", "1"), "Q1": units("1", "1")})
    with pytest.raises(targetdsl.DataError, match="no data for this period"):
        policy.evaluate_periods({"上半年": units("60", "30"), "全年": units("1", "1")[:1]})


def test_periods_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import yaml

    (tmp_path / "p.tdsl").write_text(PERIOD_POLICY, encoding="utf-8")
    (tmp_path / "h1.yaml").write_text(
        yaml.safe_dump({"units": units("60", "30")}, allow_unicode=True), encoding="utf-8"
    )
    (tmp_path / "year.yaml").write_text(
        yaml.safe_dump({"units": units("90", "120")}, allow_unicode=True), encoding="utf-8"
    )
    assert (
        main(["periods", str(tmp_path / "p.tdsl"), f"上半年={tmp_path / 'h1.yaml'}", f"全年={tmp_path / 'year.yaml'}"])
        == 0
    )
    out = capsys.readouterr().out
    assert "上半年 (40%)" in out and "85.00" in out
    assert main(["periods", str(tmp_path / "p.tdsl"), "h1.yaml"]) == 2
