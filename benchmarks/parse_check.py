"""Parse + check speed: milliseconds per 1,000 policy lines.

Generates a realistic policy of about N lines (classes, categories with
indicators of every scoring form, vetoes, bonuses, grades), builds the
parser once, then times parse + resolve + check over repeated runs and
prints the median and the spread. Run: python benchmarks/parse_check.py
"""

from __future__ import annotations

import argparse
import statistics
import time

from targetdsl.api import check_text
from targetdsl.language.parser import lark_parser

INDICATOR = """    indicator 指标{i} "第{i}项指标" points {points} {{
        input target{i} "目标值": money prorated
        input actual{i} "完成值": money prorated
        let rate{i} = actual{i} / target{i}   # 完成率
        score bands rate{i} {{
            >= 120%: points * 1.2,
            >= 60%: points * rate{i},
            otherwise: 0,
        }}
        completed when rate{i} >= 100%
    }}
"""

VETO = """veto 否决{i} "一票否决事项{i}" for 县区 {{
    input failed "未完成": bool missing default false
    when failed
    effect cap grade 良好, no award
}}
"""


def generate(lines: int) -> str:
    header = """policy "基准办法" {
    year 2003
    status draft
    rounding half_up 2 at category, total
}
assessor 人大 "市人大"
assessor 政协 "市政协"
grades {
    优秀 >= 90 quota 30%
    良好 80 to 90
    达标 60 to 80
    不达标 < 60
}
"""
    parts = [header]
    categories: list[str] = []
    count = 0
    index = 0
    while count < lines:
        name = f"类别{len(categories)}"
        categories.append(name)
        body = [f'category {name} "考核类别" {{\n']
        for _ in range(8):
            body.append(INDICATOR.format(i=index, points=1 + index % 3))
            index += 1
        body.append(f"    assessed 评议{len(categories)} points 2 {{ scale 100 by 人大 weight 1 by 政协 weight 1 }}\n")
        body.append("}\n")
        parts.extend(body)
        parts.append(VETO.format(i=len(categories)))
        count = sum(p.count("\n") for p in parts)
    share = 100 / len(categories)
    shares = " ".join(f"{c} {share:.6f}%".rstrip("0") for c in categories)
    parts.append(f"class 县区 {{ {' '.join(f'{c} 1%' for c in categories)} }}\n")
    text = "".join(parts)
    # weights as percentages that add up exactly to 100%
    weights = [100 // len(categories)] * len(categories)
    weights[0] += 100 - sum(weights)
    text = text.replace(
        f"class 县区 {{ {' '.join(f'{c} 1%' for c in categories)} }}",
        "class 县区 { " + " ".join(f"{c} {w}%" for c, w in zip(categories, weights, strict=True)) + " }",
    )
    del shares
    return text


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--lines", type=int, default=1000, help="policy size in lines (default 1000)")
    options.add_argument("--runs", type=int, default=15, help="timed runs (default 15)")
    args = options.parse_args()

    started = time.perf_counter()
    lark_parser()
    build_ms = (time.perf_counter() - started) * 1000

    text = generate(args.lines)
    lines = text.count("\n")
    report = check_text(text, name="bench.tdsl")
    assert report.errors == (), report.render()

    timings = []
    for _ in range(args.runs):
        started = time.perf_counter()
        check_text(text, name="bench.tdsl")
        timings.append((time.perf_counter() - started) * 1000)
    per_k = [t * 1000 / lines for t in timings]
    print(f"policy: {lines} lines, {len(text)} characters")
    print(f"parser construction (once per process): {build_ms:.1f} ms")
    print(
        f"parse + check: median {statistics.median(per_k):.1f} ms per 1,000 lines "
        f"(min {min(per_k):.1f}, max {max(per_k):.1f}, {args.runs} runs)"
    )


if __name__ == "__main__":
    main()
