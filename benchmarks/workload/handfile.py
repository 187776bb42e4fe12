"""The hand-written rules as a script over a file: what a programmer would write for the CLI's job.

Usage: python -m benchmarks.workload.handfile float|exact UNITS.jsonl OUT.csv
Reads every line with `json.loads`, scores it with `handfloat` (binary floats) or `handwritten` (exact
decimals), ranks the class and writes id, bonus, total, vetoed, grade and rank as CSV in rank order —
the fields the benchmark checks in targetdsl's CSV.
"""

from __future__ import annotations

import csv
import json
import sys

from benchmarks.workload import handfloat, handwritten

COLUMNS = ("id", "rank", "quant", "key", "other", "bonus", "total", "vetoed", "grade")


def main(kind: str, data: str, out: str) -> None:
    rules = handfloat if kind == "float" else handwritten
    with open(data, encoding="utf-8") as handle:
        records = [json.loads(line) for line in handle if line.strip()]
    results = rules.evaluate(records)
    with open(out, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for result in results:
            writer.writerow([result[column] for column in COLUMNS])


if __name__ == "__main__":
    main(*sys.argv[1:4])
