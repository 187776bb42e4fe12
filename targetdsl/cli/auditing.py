"""The commands an auditor runs: `diff` (two policies compared in the domain's terms, and with --data
their impact on the units), its sweeps (several variants, or a grid of the base's category weights,
each evaluated in parts on the same units and compared with the base, unit by unit) and `verify` (a
result record re-run and confirmed byte for byte).

It must not compare by itself: the differences are found by the API and `audit`."""

from __future__ import annotations

import argparse
import contextlib
import sys
from pathlib import Path
from typing import Any

from targetdsl.api import Policy, diff_policies, impact, load_policy, verify_record, weight_variants
from targetdsl.audit.record import RecordError
from targetdsl.audit.sweep import GridError, parse_weights, placing, sweep
from targetdsl.audit.sweep import render_text as render_sweep
from targetdsl.cli.inputs import _check_period, _missing_files
from targetdsl.cli.output import _LANGUAGE, EXIT_FAILED, EXIT_OK, EXIT_USAGE, _emit, _error, _json, _report, _say
from targetdsl.diagnostics import PolicyError
from targetdsl.evaluation.interpreter import EvaluationError
from targetdsl.invocation import UsageError, refuse_misplaced
from targetdsl.keywords import Language
from targetdsl.outputs import visible_inline
from targetdsl.scaling.parcels import LostPartError
from targetdsl.scaling.stream import STREAMED
from targetdsl.values import DataError


def run_diff(args: argparse.Namespace) -> int:
    if not args.new and not args.weights:
        raise UsageError("give the later policy NEW (several for a sweep), or --weights for a sweep of OLD's weights")
    if len(args.new) > 1 or args.weights or args.jobs > 1 or args.engine == "dask" or args.scheduler:
        return _sweep(args)
    args.new = args.new[0]
    if not args.data and (args.period or args.carry_in):
        option = "--period" if args.period else "--carry-in"
        raise UsageError(f"{option} is for the impact on units: give the units with --data, or leave {option} out")
    inputs = [args.old, args.new] + [p for p in (args.data, args.carry_in) if p]
    refuse_misplaced([args.old, args.new], [p for p in (args.data, args.carry_in) if p])
    if _missing_files(inputs, folders=[args.data] if args.data else []):
        return EXIT_USAGE
    try:
        old, new = load_policy(args.old, root=args.root), load_policy(args.new, root=args.root)
        _check_period([old, new], args.period)
        difference = diff_policies(old, new)
        if args.format != "json" and _LANGUAGE.get() is Language.CHINESE:
            # the text quotes the policies with Chinese keywords; JSON keeps the English
            difference = diff_policies(old, new, keywords=Language.CHINESE)
        effect = impact(old, new, args.data, period=args.period, carried_in=args.carry_in) if args.data else None
    except (PolicyError, DataError, EvaluationError) as exc:
        _report(exc)
        return EXIT_FAILED
    if args.format == "json":
        document = difference.to_json()
        if effect is not None:
            document["impact"] = effect.to_json()
        sys.stdout.write(_json(document))
    else:
        _emit(difference.render(language=_LANGUAGE.get()))
        if effect is not None:
            _emit("\n" + effect.render(language=_LANGUAGE.get()))
    return EXIT_OK if difference.equivalent else EXIT_FAILED


def _sweep(args: argparse.Namespace) -> int:
    """diff OLD NEW… --data UNITS: every variant against the base, unit by unit."""
    if not args.data or Path(args.data).suffix.lower() not in STREAMED:
        raise UsageError(
            "a sweep (several NEW policies, --jobs or --engine) evaluates one .jsonl or .csv file given with --data"
        )
    if args.scheduler and args.engine != "dask":
        raise UsageError("--scheduler is the address of a Dask scheduler: give --engine dask too")
    inputs = [args.old, *args.new, args.data] + ([args.carry_in] if args.carry_in else [])
    refuse_misplaced([args.old, *args.new], [p for p in (args.data, args.carry_in) if p])
    if _missing_files(inputs):
        return EXIT_USAGE
    try:
        base = load_policy(args.old, root=args.root)
        variants = [(name, load_policy(name, root=args.root)) for name in args.new]
        if args.weights:
            try:
                variants += weight_variants(base, [parse_weights(w) for w in args.weights])
            except GridError as exc:
                raise UsageError(f"--weights: {exc}") from None
        _check_period([base, *(policy for _, policy in variants)], args.period)
        with contextlib.ExitStack() as stack:
            if args.engine == "dask":
                from targetdsl import dask as on_dask

                if on_dask.missing_extra() is not None:
                    raise UsageError(str(on_dask.missing_extra()))
                client = stack.enter_context(on_dask.connected(args.scheduler, args.jobs))

                def evaluate(policy: Policy) -> Any:
                    return on_dask.evaluate(
                        policy, args.data, client=client, period=args.period, carried_in=args.carry_in, render=placing
                    ).results

            else:

                def evaluate(policy: Policy) -> Any:
                    return policy.evaluate_parts(
                        args.data, jobs=args.jobs, period=args.period, carried_in=args.carry_in, render=placing
                    ).results

            found = sweep(base, variants, evaluate)
    except (PolicyError, DataError, EvaluationError) as exc:
        _report(exc)
        return EXIT_FAILED
    except LostPartError as exc:
        _error(str(exc))
        return EXIT_FAILED
    if args.format == "json":
        sys.stdout.write(_json({"base": args.old, "variants": [v.to_json() for v in found]}))
    else:
        _emit(render_sweep(found))
    return EXIT_FAILED if any(v.changes for v in found) else EXIT_OK


def run_verify(args: argparse.Namespace) -> int:
    if _missing_files([args.record]):
        return EXIT_USAGE
    try:
        outcome = verify_record(args.record, root=args.root)
    except RecordError as exc:
        sys.stderr.write(visible_inline(exc.render(language=_LANGUAGE.get())) + "\n")
        return EXIT_FAILED
    if outcome:
        # each line said alone, its indentation kept (the differences are indented under their heading)
        _emit("".join(line[: len(line) - len(line.lstrip())] + _say(line.lstrip()) + "\n" for line in outcome))
    else:
        _emit(_say(f"verified: {args.record} reproduces byte for byte") + "\n")
    return EXIT_FAILED if outcome else EXIT_OK
