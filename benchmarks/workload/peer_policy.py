"""The WORKLOAD.md rules with units compared across their class, written as a targetdsl policy.

The same data as the workload policy. Four quantitative indicators are scored by the efficacy
coefficient (功效系数法: 60 + 40·(x − min)/(max − min) over the class, as a percentage of the points),
two reverse ones by its reverse, one by the unit's rank in the class (full points in the top fifth,
half below), and the best grade, which about three units in ten reach, is limited to a fifth of the
class. Everything else is as in
`policy.py`. The hand-written reference is `peer_handwritten.py`.
"""

from __future__ import annotations

from benchmarks.workload.policy import VETOES, WEIGHTS

EFFICACY = ("q01", "q02", "q03", "q04")  # 60–100% of the points by the class's spread of actual / target
REVERSE = ("q17", "q18")  # the same, lower is better
RANKED = "q05"  # full points in the top fifth of the class by actual / target, else half


def text() -> str:
    lines = [
        'policy "county-2003 workload, compared within the class" {',
        "    year 2003",
        "    status draft",
        "    rounding half_up 2 at total",
        "}",
        "",
        "class county {",
        "    quant 50",
        "    key 40",
        "    other 10",
        "}",
        "",
    ]
    for name in WEIGHTS:
        lines.append(f'assessor {name} "{name}"')
    lines += ["", "category quant {"]
    for q in range(1, 21):
        name = f"q{q:02d}"
        lines += [f"    indicator {name} points 2.5 {{", "        input target: number", "        input actual: number"]
        if name in EFFICACY:
            lines.append("        score points * efficacy(actual / target) / 100")
        elif name in REVERSE:
            lines.append("        score points * efficacy_reverse(actual / target) / 100")
        elif name == RANKED:
            lines.append("        score if rank(actual / target) * 5 <= peer_count() then points else points / 2")
        else:
            ratio = "if actual == 0 then 1.2 else target / actual" if q >= 17 else "actual / target"
            lines += [
                f"        let ratio = {ratio}",
                "        score if ratio < 0.6 then 0 else points * min(ratio, 1.2)",
            ]
        lines.append("    }")
    lines += ["}", "", "category key {"]
    for k in range(1, 11):
        lines += [
            f"    indicator k{k:02d} points 4 {{",
            "        input subs: count",
            "        input done: count",
            "        score points * done / subs",
            "    }",
        ]
    lines += ["}", "", "category other {", "    assessed other points 10 {", "        scale 100"]
    lines += [f"        by {name} weight {weight}" for name, weight in WEIGHTS.items()]
    lines += [
        "    }",
        "}",
        "",
        "bonus awards {",
        "    level national 2",
        "    level provincial 1",
        "    level city 0.5",
        "    cap 3",
        "}",
        "",
    ]
    for veto in VETOES:
        lines += [f"veto {veto} {{", "    input failed: bool", "    when failed", "    effect grade fail", "}", ""]
    lines += [
        "grades {",
        "    excellent >= 70 quota 20%",  # about three units in ten reach it: the quota decides
        "    good 65 to 70",
        "    pass 60 to 65",
        "    fail < 60",
        "}",
    ]
    return "\n".join(lines) + "\n"
