from pathlib import Path

import attrs
import pytest

import targetdsl


def test_load_policy_returns_an_immutable_checked_policy(root: Path) -> None:
    policy = targetdsl.load_policy(root / "policies/lianyungang-2003.tdsl")
    assert policy.year == 2003
    assert policy.title.startswith("2003年度")
    assert policy.warnings == ()
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        policy.effective = None  # type: ignore[misc]


def test_parse_policy_from_text_with_a_base(root: Path) -> None:
    text = 'extends "lianyungang-2002.tdsl"\npolicy "草案" { year 2003 status draft }\n'
    policy = targetdsl.parse_policy(text, name="draft.tdsl", base=root / "policies")
    assert policy.files[-1] == "draft.tdsl"


def test_parse_policy_raises_with_every_diagnostic() -> None:
    with pytest.raises(targetdsl.PolicyError) as caught:
        targetdsl.parse_policy('policy "t" { year 2003 }\nclass c { q 50 }', name="t.tdsl")
    codes = [d.code for d in caught.value.diagnostics]
    assert codes == ["check.missing-field", "check.points-mismatch", "check.unknown-name"]  # by position
    assert isinstance(caught.value, targetdsl.TargetdslError)


def test_check_never_raises_for_bad_policies() -> None:
    report = targetdsl.check_text("class {", name="t.tdsl")
    assert not report.ok
    assert [d.code for d in report.errors] == ["syntax.unexpected-token"]
    assert "t.tdsl:1:7" in report.render()


def _evaluated_in_another_process(policy: targetdsl.Policy, units: str, carried_in: str) -> object:
    return policy.evaluate(units, carried_in=carried_in, explain=False).to_json()


def test_a_policy_pickles_after_evaluating_and_gives_the_same_results_elsewhere() -> None:
    """A policy used to stop pickling after its first evaluation (the generated kernel was cached
    inside it), so it could not be handed to a process pool."""
    import multiprocessing
    import pickle
    from concurrent.futures import ProcessPoolExecutor

    root = Path(__file__).resolve().parents[2]
    policy = targetdsl.load_policy(root / "policies" / "lianyungang-2003.tdsl")
    units = str(root / "examples" / "lianyungang-2003" / "units.yaml")
    carried = str(root / "examples" / "lianyungang-2003" / "carried-in.yaml")
    here = policy.evaluate(units, carried_in=carried, explain=False).to_json()
    copy = pickle.loads(pickle.dumps(policy))
    assert copy == policy and copy.sha256 == policy.sha256
    assert copy.evaluate(units, carried_in=carried, explain=False).to_json() == here
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        assert pool.submit(_evaluated_in_another_process, policy, units, carried).result() == here
