"""Coverage-guided fuzzing of parse + check + format + evaluate with atheris.

Run for a bounded time (atheris is an optional tool, not a dependency):

    pip install atheris
    python tests/fuzz/atheris_target.py -max_total_time=600 tests/fuzz/corpus

Any exception other than the library's documented error types is a
finding: atheris stops and writes the input that caused it.
"""

import sys
from pathlib import Path

import atheris

with atheris.instrument_imports():
    import targetdsl
    from targetdsl.language.formatter import format_policy

UNITS = [{"id": "U1", "class": "县区", "indicators": {}}]


def test_one_input(data: bytes) -> None:
    text = data.decode("utf-8", errors="replace")
    report = targetdsl.check_text(text, name="fuzz.tdsl")
    report.render()
    try:
        formatted = format_policy(text)
    except targetdsl.PolicyError:
        return
    assert format_policy(formatted) == formatted
    if report.ok:
        policy = targetdsl.parse_policy(text, name="fuzz.tdsl")
        try:
            policy.evaluate(UNITS)
        except (targetdsl.DataError, targetdsl.EvaluationError):
            pass


def main() -> None:
    corpus = Path(__file__).resolve().parent / "corpus"
    corpus.mkdir(exist_ok=True)
    for policy in (Path(__file__).resolve().parents[2] / "policies").glob("*.tdsl"):
        seed = corpus / policy.name
        if not seed.exists():
            seed.write_bytes(policy.read_bytes())
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
