"""The benchmark workload doubles as a differential test: the policy form
of WORKLOAD.md and a hand-written exact implementation must agree on every
unit's total, grade and rank."""

import targetdsl
from benchmarks.workload import generate, handwritten, policy


def test_workload_policy_matches_the_hand_written_rules() -> None:
    records = generate.units(300, seed=7)
    compiled = targetdsl.parse_policy(policy.text(), name="workload.tdsl")
    assessment = compiled.evaluate(records)
    expected = {r["id"]: (r["total"], r["grade"], r["rank"]) for r in handwritten.evaluate(records)}
    actual = {u.id: (u.total, u.grade, u.rank) for u in assessment.units}
    assert actual == expected
    assert {grade for _, grade, _ in expected.values()} >= {"good", "pass", "fail"}
