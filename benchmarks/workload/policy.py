"""The WORKLOAD.md scoring rules written as a targetdsl policy."""

from __future__ import annotations

from collections.abc import Callable, Sequence

WEIGHTS = {"npc": "30", "cppcc": "20", "org": "15", "propaganda": "10", "discipline": "15", "leaders": "10"}
VETOES = ("family_planning", "public_security", "environment", "foreign_capital", "safety")


GRADES = ("excellent >= 95", "good 85 to 95", "pass 70 to 85", "fail < 70")


def quantitative(q: int) -> list[str]:
    """How indicator q is scored: a ratio to its target, floored at 0.6 and capped at 1.2."""
    ratio = "if actual == 0 then 1.2 else target / actual" if q >= 17 else "actual / target"
    return [f"let ratio = {ratio}", "score if ratio < 0.6 then 0 else points * min(ratio, 1.2)"]


def text(
    title: str = "county-2003 workload",
    scored: Callable[[int], list[str]] = quantitative,
    grades: Sequence[str] = GRADES,
) -> str:
    """The policy; `scored` gives each quantitative indicator's scoring lines, `grades` the ladder (the
    peer-relative variant changes only these)."""
    lines = [
        f'policy "{title}" {{',
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
        lines += [
            f"    indicator q{q:02d} points 2.5 {{",
            "        input target: number",
            "        input actual: number",
        ]
        lines += [f"        {line}" for line in scored(q)]
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
    lines += ["grades {", *(f"    {grade}" for grade in grades), "}"]
    return "\n".join(lines) + "\n"
