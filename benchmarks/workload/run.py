"""Side by side, in one run: units per second on the WORKLOAD.md rules, every result verified.

Contenders: a hand-written exact-Decimal implementation (the reference),
the same rules by hand with binary floats (the pure-Python limit; its
mismatches on rounding ties are counted), targetdsl through its public API
from the raw records (validation included: the path a user's program
takes, and the row to quote) and from the same records holding floats, the same
on units validated beforehand (shown to say where the time goes, not a
path a user can take), targetdsl with explanations, and GoRules ZEN when
installed (`pip install '.[bench]'`), through `ZenEngine.evaluate` on
numeric inputs, its conversion of the records included. Every contender's
results are checked field by field against the reference: each category
subtotal (to the cent), the bonus, the total, the veto, the grade and the
rank of every unit.
Then parse + check per 1,000 policy lines and, with --stream N, a streamed
`targetdsl evaluate` of N units from a JSON Lines file to CSV: time and peak
memory, for the workload policy and for its peer-relative variant
(`peer_policy.py`: efficacy coefficients, a rank, a grade quota), each
checked against its hand-written reference.
Each in-memory contender runs in a process of its own, with only its own data
in memory (in one process, the cycle collector's passes after a contender
would traverse every other contender's data too). Data is generated
beforehand and not timed; setup is reported separately.

Run from the repository root:
    python -m benchmarks.workload.run --units 10000 100000 --stream 1000000
"""

from __future__ import annotations

import argparse
import csv
import functools
import gc
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import targetdsl
from benchmarks import parse_check
from benchmarks.peak import peak_mb
from benchmarks.workload import generate, handfloat, handwritten, peer_handwritten, peer_policy, policy, zen

ROOT = Path(__file__).resolve().parent.parent.parent
CENT = Decimal("0.01")
FIELDS = ("quant", "key", "other", "bonus", "total", "vetoed", "grade", "rank")
Outcome = dict[str, tuple[Any, ...]]  # id → the FIELDS


def timed(function: Callable[[], Any], runs: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(runs):
        result = None  # the last run's results go first: the peak is one run's, as a user's call has it
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def cents(value: Decimal) -> Decimal:
    """A subtotal as WORKLOAD.md outputs it: rounded half-up to the cent."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def outcome(results: list[dict[str, Any]]) -> Outcome:
    """Each unit's FIELDS; a float contender's numbers are taken as the decimals they show (repr)."""
    return {
        r["id"]: (
            cents(_exact(r["quant"])),
            cents(_exact(r["key"])),
            cents(_exact(r["other"])),
            _exact(r["bonus"]),
            _exact(r["total"]),
            r["vetoed"],
            r["grade"],
            r["rank"],
        )
        for r in results
    }


def _exact(value: Any) -> Any:
    return Decimal(repr(value)) if isinstance(value, float) else value


def as_floats(record: dict[str, Any]) -> dict[str, Any]:
    """A record as a Python program holding numbers as floats passes it: the same decimals."""
    indicators = {
        name: {key: float(value) if isinstance(value, str) else value for key, value in values.items()}
        for name, values in record["indicators"].items()
    }
    return {**record, "indicators": indicators}


def explained(policy: targetdsl.Policy, records: list[dict[str, Any]]) -> targetdsl.Assessment:
    """An evaluation whose every explanation is read, as `targetdsl explain` or a report would."""
    assessment = policy.evaluate(records)
    for unit in assessment.units:
        if not unit.explanation or not unit.measures[0].step.what:
            raise AssertionError(f"{unit.id} has no explanation")
    return assessment


def assessed(assessment: targetdsl.Assessment) -> Outcome:
    got = {}
    for unit in assessment.units:
        subtotals = {c.name: cents(c.subtotal) for c in unit.categories}
        got[unit.id] = (
            subtotals["quant"],
            subtotals["key"],
            subtotals["other"],
            unit.bonus,
            unit.total,
            bool(unit.vetoes),
            unit.grade or "",
            unit.rank,
        )
    return got


def verdict(got: Outcome, want: Outcome, names: tuple[str, ...] = FIELDS) -> str:
    """`identical`, or how many units differ and in which fields."""
    fields: dict[str, int] = {}
    wrong = len(set(got) - set(want))
    for key, value in want.items():
        other = got.get(key)
        if other != value:
            wrong += 1
            for name, a, b in zip(names, value, other or (None,) * len(names), strict=True):
                if a != b:
                    fields[name] = fields.get(name, 0) + 1
    if not wrong:
        return "identical"
    return f"{wrong} MISMATCHES (" + ", ".join(f"{name} {n}" for name, n in fields.items()) + ")"


# The in-memory contenders by key, with their labels, each timed in a process of its own: a contender run
# after others in one process would pay for their heap (the cycle collector's passes traverse every object
# alive, the other contenders' data included).
CONTENDERS: dict[str, str] = {
    "floats": "hand-written Python, floats (wrong on rounding ties)",
    "exact": "hand-written Python, exact Decimal",
    "api": "targetdsl, public API from the records (a user's path)",
    "api-floats": "targetdsl, public API from records holding floats",
    "units": "  of which evaluation alone (validated units; no user's path)",
    "default": "targetdsl, default evaluate (explanations built when read; none read)",
    "explained": "targetdsl with every explanation read, from the records (1 run)",
    "zen-numbers": "zen-engine, ZenEngine.evaluate on numbers, converted here",
    "zen-text": "zen-engine, ZenEngine.evaluate on text, ZEN's number()",
}


def contender(key: str, count: int, runs: int) -> dict[str, Any]:
    """Time one contender on `count` generated records in this process, then check its results against
    the hand-written exact reference (computed afterwards, untimed)."""
    records = generate.units(count)
    compiled = targetdsl.parse_policy(policy.text(), name="workload.tdsl")
    judge: Callable[[Any], Outcome] = assessed
    if key in ("floats", "exact"):
        function = functools.partial((handfloat if key == "floats" else handwritten).evaluate, records)
        judge = outcome
    elif key == "api":
        function = functools.partial(compiled.evaluate, records, explain=False)
    elif key == "api-floats":
        function = functools.partial(compiled.evaluate, [as_floats(r) for r in records], explain=False)
    elif key == "units":
        function = functools.partial(compiled.evaluate, compiled.load_units(records), explain=False)
    elif key == "default":
        function = functools.partial(compiled.evaluate, records)
    elif key == "explained":
        function, runs = functools.partial(explained, compiled, records), 1
    else:
        rules = zen.engine()
        rules.evaluate("numeric", zen.numeric(records[0]))  # the graphs are loaded on first use
        rules.evaluate("text", records[0])
        function = functools.partial(zen.evaluate, records, rules, convert=key == "zen-numbers")
        judge = outcome
    if key not in ("floats", "exact") and not key.startswith("zen"):
        compiled.evaluate(records[:300], explain=False)  # what a policy builds once: its generated code
    gc.collect()
    seconds, result = timed(function, runs)
    got = judge(result)
    del result
    peak = peak_mb()  # the records, the contender's own objects and its results: before the reference is made
    check = "reference" if key == "exact" else verdict(got, outcome(handwritten.evaluate(records)))
    return {"seconds": seconds, "check": check, "peak": peak}


def side_by_side(sizes: list[int], runs: int, only: list[str] | None = None) -> None:
    started = time.perf_counter()
    targetdsl.parse_policy(policy.text(), name="workload.tdsl")
    setup = {"targetdsl": time.perf_counter() - started}
    if zen.available():
        started = time.perf_counter()
        rules = zen.engine()
        rules.evaluate("numeric", zen.numeric(generate.units(1)[0]))  # the graphs are loaded on first use
        rules.evaluate("text", generate.units(1)[0])
        setup["zen-engine"] = time.perf_counter() - started
    print(
        "setup: "
        + ", ".join(f"{name} {1000 * seconds:.0f} ms" for name, seconds in setup.items())
        + " (parse, check / build the rules; not in the figures below)"
    )
    keys = [key for key in only or CONTENDERS if zen.available() or not key.startswith("zen")]
    keys = ["exact", *(key for key in keys if key != "exact")]  # the reference: every ratio is to it
    rows: dict[str, list[str]] = {}
    for count in sizes:
        measured = {}
        for key in keys:
            command = [sys.executable, "-m", "benchmarks.workload.run", "--contender", key, "--units", str(count)]
            done = subprocess.run(
                [*command, "--runs", str(runs)],
                check=True,
                cwd=ROOT,
                env={**os.environ, "PYTHONPATH": str(ROOT)},
                capture_output=True,
                text=True,
            )
            measured[key] = json.loads(done.stdout.splitlines()[-1])
        hand_s = measured["exact"]["seconds"]
        for key, figures in measured.items():
            seconds = figures["seconds"]
            rows.setdefault(CONTENDERS[key], []).append(
                f"{count / seconds:>9,.0f}  {hand_s / seconds:5.2f}×  {figures['peak']:>7,.0f}  {figures['check']:<10}"
            )
    width = max(len(name) for name in rows)
    print(f"\n{'units per second (median of ' + str(runs) + ' runs, each contender in a process of its own)':<{width}}")
    print(f"{'':<{width}}  " + "  ".join(f"{'N = ' + format(c, ','):<37}" for c in sizes))
    print(f"{'':<{width}}  " + "  ".join(f"{'u/s':>9}  {'× hand':>6}  {'peak MB':>7}  {'results':<10}" for _ in sizes))
    for name, cells in rows.items():
        print(f"{name:<{width}}  " + "  ".join(cells))
    if not zen.available():
        print("zen-engine: not installed (pip install '.[bench]' to add it)")


def parse_and_check(lines: int = 1000, runs: int = 9) -> None:
    text = parse_check.generate(lines)
    targetdsl.check_text(text, name="bench.tdsl")
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        targetdsl.check_text(text, name="bench.tdsl")
        timings.append(time.perf_counter() - started)
    per_k = statistics.median(timings) * 1000 * 1000 / text.count("\n")
    print(
        f"\nparse + check: {per_k:.0f} ms per 1,000 policy lines (median of {runs}, a {text.count(chr(10))}-line "
        "policy)"
    )


def csv_outcome(path: Path) -> dict[str, tuple[Any, ...]]:
    """The fields checked in a results CSV: bonus, total, vetoed, grade, rank, by unit id (targetdsl's
    CSV, or a hand-written script's, whose floats are read as the decimals they show)."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return {
            row["id"]: (
                Decimal(row["bonus"]),
                Decimal(row["total"]),
                row["vetoed"] == "True" if "vetoed" in row else row["vetoes"] != "",
                row["grade"],
                int(row["rank"]),
            )
            for row in csv.DictReader(handle)
        }


def reference(count: int, *, peers: bool) -> list[dict[str, Any]]:
    """The hand-written results for the first `count` generated units, reading them one at a time (the
    peer-relative rules twice: the class's statistics, then each unit)."""
    if not peers:
        return handwritten.evaluate(generate.records(count))
    statistics = peer_handwritten.Statistics(generate.records(count))
    return peer_handwritten.rank_and_grade([peer_handwritten.score(r, statistics) for r in generate.records(count)])


def streamed(count: int, *, office: bool = False, peers: bool = False) -> None:
    """`targetdsl evaluate` streaming `count` units from JSON Lines to CSV, in a child process whose peak
    memory is measured; its results are checked against the hand-written rules. With `office`, every
    value is written as an office's export writes it (padded, full-width, 是/否). With
    `peers`, the peer-relative variant of the policy (efficacy coefficients, a rank, a grade quota)."""
    with tempfile.TemporaryDirectory(prefix="targetdsl-bench-") as folder:
        data, rules, output = Path(folder, "units.jsonl"), Path(folder, "workload.tdsl"), Path(folder, "out.csv")
        rules.write_text(peer_policy.text() if peers else policy.text(), encoding="utf-8")
        generate.write_jsonl(str(data), count, office=office)
        want = {key: value[3:] for key, value in outcome(reference(count, peers=peers)).items()}
        kind = "values as an office writes them" if office else "plain values"
        rules_name = "the peer-relative policy" if peers else "the workload policy"
        print(
            f"\nfrom a file: {count:,} units by {rules_name} ({kind}; JSON Lines in, CSV out, validation "
            f"included; {data.stat().st_size / 1e6:,.0f} MB of data), each in a process of its own"
        )
        evaluate = ["targetdsl", "evaluate", str(rules), str(data)]
        contenders = {
            "targetdsl evaluate (streamed)": [*evaluate, "-o"],
            "targetdsl evaluate --jobs 1 (in parts)": [*evaluate, "--jobs", "1", "-o"],
            "targetdsl evaluate --jobs 2 (in parts, 2 processes)": [*evaluate, "--jobs", "2", "-o"],
        }
        if office:  # the cost of the values' forms is the question, not the parts'
            del contenders["targetdsl evaluate --jobs 1 (in parts)"]
            del contenders["targetdsl evaluate --jobs 2 (in parts, 2 processes)"]
        if not peers and not office:  # the hand-written scripts read the plain values of the workload policy
            contenders["hand-written script, floats (json.loads, sort, csv)"] = [
                "benchmarks.workload.handfile",
                "float",
                str(data),
            ]
            contenders["hand-written script, exact Decimal"] = ["benchmarks.workload.handfile", "exact", str(data)]
        rows = []
        for name, command in contenders.items():
            peak = Path(folder, "peak.txt")
            started = time.perf_counter()
            before = os.times()
            subprocess.run(
                [sys.executable, "-m", "benchmarks.peak", str(peak), *command, str(output)],
                check=True,
                cwd=ROOT,
                env={**os.environ, "PYTHONPATH": str(ROOT)},
            )
            seconds = time.perf_counter() - started
            after = os.times()
            cpu = after.children_user + after.children_system - before.children_user - before.children_system
            got = csv_outcome(output)
            own, workers = map(float, peak.read_text(encoding="utf-8").split())
            rows.append((name, seconds, cpu, own, workers, verdict(got, want, FIELDS[3:])))
        float_cpu = next((cpu for name, _, cpu, _, _, _ in rows if "floats" in name), None)
        print(
            f"  {'':<52} {'wall s':>7} {'CPU s':>7} {'units/s (CPU)':>14} {'× floats':>9} {'peak MB':>8} "
            f"{'worker MB':>10}  results"
        )
        for name, seconds, cpu, own, workers, check in rows:
            ratio = f"{float_cpu / cpu:8.2f}×" if float_cpu else f"{'':>9}"
            largest = f"{workers:10,.0f}" if workers else f"{'':>10}"
            print(f"  {name:<52} {seconds:7.1f} {cpu:7.1f} {count / cpu:14,.0f} {ratio} {own:8,.0f} {largest}  {check}")
        by_name = {name: seconds for name, seconds, *_ in rows}
        one, two = (
            by_name.get(f"targetdsl evaluate --jobs {n} (in parts{', 2 processes' if n == 2 else ''})") for n in (1, 2)
        )
        if one and two:
            print(f"  --jobs 2 against --jobs 1, wall clock: {one / two:.2f}× (on {os.cpu_count()} CPUs)")


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--units", type=int, nargs="+", default=[10_000], help="sizes (default 10,000)")
    options.add_argument("--runs", type=int, default=3, help="runs per size; the median is shown")
    options.add_argument(
        "--stream",
        type=int,
        metavar="N",
        help="also stream N units through the command line, by the workload policy and by its peer-relative variant",
    )
    options.add_argument(
        "--office",
        action="store_true",
        help="stream again with every value written as an office's export writes it (padded, full-width, 是/否)",
    )
    options.add_argument(
        "--only",
        nargs="+",
        choices=CONTENDERS,
        metavar="KEY",
        help="only these in-memory contenders, beside the reference (exact): " + ", ".join(CONTENDERS),
    )
    options.add_argument("--contender", choices=CONTENDERS, help=argparse.SUPPRESS)  # one, in this process
    args = options.parse_args()
    if args.contender:
        print(json.dumps(contender(args.contender, args.units[0], args.runs)))
        return
    side_by_side(args.units, args.runs, args.only)
    parse_and_check()
    if args.stream:
        streamed(args.stream)
        streamed(args.stream, peers=True)
        if args.office:
            streamed(args.stream, office=True)


if __name__ == "__main__":
    main()
