"""Hypothesis strategies that generate valid policies and matching unit data."""

from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

NAMES = ["甲", "乙", "丙", "gdp", "投资", "收入", "rate", "x"]


@st.composite
def expressions(draw: st.DrawFn, names: list[str], depth: int = 0) -> str:
    """A numeric expression over `names` (all plain numbers)."""
    leaves = [
        st.sampled_from(names),
        st.decimals(0, 100, places=2, allow_nan=False).map(lambda d: format(d, "f")),
        st.sampled_from(["points", "0.5", "1.2"]),
    ]
    if depth >= 3:
        return draw(st.one_of(leaves))
    inner = expressions(names, depth + 1)
    choice = draw(st.integers(0, 9))
    if choice <= 3:
        return draw(st.one_of(leaves))
    if choice == 4:
        return f"({draw(inner)} {draw(st.sampled_from(['+', '-', '*', '/']))} {draw(inner)})"
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
    lines = [
        'policy "生成" { year 2003 status draft rounding '
        + draw(st.sampled_from(["half_up 2 at total", "half_even 1 at category, total", "down 0 at indicator"]))
        + " }"
    ]
    lines.append("class c { " + " ".join(f"k{i} {w}" for i, w in enumerate(weights)) + " }")
    lines.append("input 规模: number missing default 1")
    lines.append("const 上限 = 1.2")
    lines.append("assessor 甲方")
    lines.append("assessor 乙方")
    lines.append("assessor 丙方")
    measures: dict[str, list[str]] = {}
    optional: set[tuple[str, str]] = set()  # (measure, input) that may be left out of the data
    assessed: list[str] = []
    given: list[str] = []
    for i in range(categories):
        body = []
        for j in range(draw(st.integers(1, 3))):
            name = f"m{i}_{j}"
            points = draw(st.integers(1, 10))
            if draw(st.integers(0, 5)) == 0:
                assessed.append(name)
                raters = " ".join(f"by {a} weight {draw(st.integers(1, 3))}" for a in ("甲方", "乙方", "丙方"))
                extremes = " drop extremes" if draw(st.booleans()) else ""
                body.append(f"assessed {name} points {points} {{ scale 100 {raters}{extremes} }}")
                continue
            inputs = draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=3, unique=True))
            measures[name] = inputs
            declared = []
            for v in inputs:
                missing = draw(st.sampled_from(["", "", " missing na", " missing peer_avg", " missing zero"]))
                if missing:
                    optional.add((name, v))
                declared.append(f"input {v}: number{missing}")
            scope = inputs + ["规模", "上限"]
            let = f"let 中间 = {draw(expressions(scope))} " if draw(st.booleans()) else ""
            score = draw(expressions(scope + (["中间"] if let else [])))
            by = ""
            if draw(st.integers(0, 3)) == 0:
                given.append(name)
                by = " given by 甲方"
            body.append(
                f"indicator {name} points {points} {{ {' '.join(declared)} {let}score {score} "
                f"completed when {inputs[0]} >= 1{by} }}"
            )
        lines.append(f"category k{i} {{ " + " ".join(body) + " }")
    if draw(st.booleans()):
        lines.append(
            "veto v { input hit: bool missing default false when hit effect "
            + draw(st.sampled_from(["cap grade 良", "grade 差", "zero score", "no award"]))
            + " }"
        )
    if draw(st.booleans()):
        lines.append("bonus b { level 省 2 up to 3 level 市 1 cap 4 }")
    lines.append("grades { 优 >= 90 quota 30% 良 60 to 90 差 otherwise }")
    units = []
    for u in range(draw(st.integers(1, 6))):
        indicators: dict[str, Any] = {
            m: {
                v: str(draw(st.decimals(0, 50, places=2, allow_nan=False)))
                for v in inputs
                if (m, v) not in optional or draw(st.integers(0, 3))
            }
            for m, inputs in measures.items()
        }
        for m in given:
            if draw(st.integers(0, 3)) == 0:
                indicators[m]["given"] = {"by": "甲方", "score": str(draw(st.integers(0, 100)))}
        for m in assessed:
            indicators[m] = {
                a: str(draw(st.decimals(0, 100, places=1, allow_nan=False)))
                for a in ("甲方", "乙方", "丙方")
                if draw(st.integers(0, 30))
            }
        unit: dict[str, Any] = {"id": f"U{u}", "class": "c", "indicators": indicators}
        if draw(st.booleans()):
            unit["inputs"] = {"规模": str(draw(st.decimals(0, 3, places=1, allow_nan=False)))}
        if draw(st.booleans()):
            unit["vetoes"] = {"v": {"hit": draw(st.booleans())}}
        units.append(unit)
    text = "\n".join(lines) + "\n"
    return text, [
        u if "v" in text or "vetoes" not in u else {k: v for k, v in u.items() if k != "vetoes"} for u in units
    ]


def decimal(value: Any) -> Decimal:
    return Decimal(str(value))
