"""The WORKLOAD.md rules with units compared across their class, written as a targetdsl policy.

The same data as the workload policy. Four quantitative indicators are scored by the efficacy
coefficient (功效系数法: 60 + 40·(x − min)/(max − min) over the class, as a percentage of the points),
two reverse ones by its reverse, one by the unit's rank in the class (full points in the top fifth,
half below), and the best grade, which about three units in ten reach, is limited to a fifth of the
class. Everything else is as in
`policy.py`. The hand-written reference is `peer_handwritten.py`.
"""

from __future__ import annotations

from benchmarks.workload.policy import quantitative
from benchmarks.workload.policy import text as policy_text

EFFICACY = ("q01", "q02", "q03", "q04")  # 60–100% of the points by the class's spread of actual / target
REVERSE = ("q17", "q18")  # the same, lower is better
RANKED = "q05"  # full points in the top fifth of the class by actual / target, else half


def scored(q: int) -> list[str]:
    name = f"q{q:02d}"
    if name in EFFICACY:
        return ["score points * efficacy(actual / target) / 100"]
    if name in REVERSE:
        return ["score points * efficacy_reverse(actual / target) / 100"]
    if name == RANKED:
        return ["score if rank(actual / target) * 5 <= peer_count() then points else points / 2"]
    return quantitative(q)


def text() -> str:
    return policy_text(
        "county-2003 workload, compared within the class",
        scored,
        # about three units in ten reach the best grade: the quota decides
        ("excellent >= 70 quota 20%", "good 65 to 70", "pass 60 to 65", "fail < 60"),
    )
