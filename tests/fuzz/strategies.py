"""Hypothesis strategies that generate valid policies and matching unit data."""

from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

NAMES = ["甲", "乙", "丙", "gdp", "投资", "收入", "rate", "x"]


@st.composite
def expressions(draw: st.DrawFn, names: list[str], depth: int = 0) -> str:
    """A numeric expression over `names` (all plain numbers)."""
    leaves = [st.sampled_from(names), st.decimals(0, 100, places=2, allow_nan=False).map(lambda d: format(d, "f")),
              st.sampled_from(["points", "0.5", "1.2"])]
    if depth >= 3:
        return draw(st.one_of(leaves))
    inner = expressions(names, depth + 1)
    choice = draw(st.integers(0, 9))
    if choice <= 3:
        return draw(st.one_of(leaves))
    if choice == 4:
        return f"({draw(inner)} {draw(st.sampled_from(['+', '-', '*']))} {draw(inner)})"
    if choice == 5:
        return f"{draw(st.sampled_from(['min', 'max']))}({draw(inner)}, {draw(inner)})"
    if choice == 6:
        return f"clamp({draw(inner)}, 0, points)"
    if choice == 7:
        return f"(if {draw(inner)} >= {draw(inner)} then {draw(inner)} else {draw(inner)})"
    if choice == 8:
        return f"bands {draw(inner)} {{ >= 10: {draw(inner)}, >= 1: {draw(inner)}, otherwise: 0 }}"
    return f"interpolate {draw(inner)} {{ 0: 0, 10: points, 20: {draw(inner)} }}"


@st.composite
def policies(draw: st.DrawFn) -> tuple[str, list[dict[str, Any]]]:
    """A policy that checks cleanly, and unit data for it."""
    categories = draw(st.integers(1, 3))
    weights = [100 // categories] * categories
    weights[0] += 100 - sum(weights)
    lines = ['policy "生成" { year 2003 status draft rounding '
             + draw(st.sampled_from(["half_up 2 at total", "half_even 1 at category, total", "down 0 at indicator"]))
             + " }"]
    lines.append("class c { " + " ".join(f"k{i} {w}" for i, w in enumerate(weights)) + " }")
    measures: dict[str, list[str]] = {}
    for i in range(categories):
        body = []
        for j in range(draw(st.integers(1, 3))):
            name = f"m{i}_{j}"
            inputs = draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=3, unique=True))
            measures[name] = inputs
            declared = " ".join(f"input {v}: number" for v in inputs)
            score = draw(expressions(inputs))
            points = draw(st.integers(1, 10))
            body.append(f"indicator {name} points {points} {{ {declared} score {score} "
                        f"completed when {inputs[0]} >= 1 }}")
        lines.append(f"category k{i} {{ " + " ".join(body) + " }")
    if draw(st.booleans()):
        lines.append("veto v { input hit: bool missing default false when hit effect "
                     + draw(st.sampled_from(["cap grade 良", "grade 差", "zero score", "no award"])) + " }")
    if draw(st.booleans()):
        lines.append("bonus b { level 省 2 up to 3 level 市 1 cap 4 }")
    lines.append("grades { 优 >= 90 quota 30% 良 60 to 90 差 otherwise }")
    units = []
    for u in range(draw(st.integers(1, 6))):
        indicators = {m: {v: str(draw(st.decimals(0, 50, places=2, allow_nan=False))) for v in inputs}
                      for m, inputs in measures.items()}
        unit: dict[str, Any] = {"id": f"U{u}", "class": "c", "indicators": indicators}
        if draw(st.booleans()):
            unit["vetoes"] = {"v": {"hit": draw(st.booleans())}}
        units.append(unit)
    text = "\n".join(lines) + "\n"
    return text, [u if "v" in text or "vetoes" not in u else {k: v for k, v in u.items() if k != "vetoes"}
                  for u in units]


def decimal(value: Any) -> Decimal:
    return Decimal(str(value))
