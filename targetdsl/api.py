"""The library's front door: load, parse and check policies.

`load_policy` and `parse_policy` return a checked, immutable `Policy` or
raise `PolicyError` carrying every diagnostic. `check_path` and
`check_text` never raise for a bad policy: they return a `Report` with
the diagnostics, which is what the command line and editors need.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Any, Union

import attrs

from targetdsl.checker import check
from targetdsl.data import AwardWon, DataError, DataProblem, Unit, load_ledger, load_units, read_document
from targetdsl.diagnostics import Diagnostic, PolicyError, render_all, sort_key
from targetdsl.engine import Engine, PeriodError
from targetdsl.inheritance import Effective, Loaded, load_path, load_text
from targetdsl.parser import Comment
from targetdsl.results import Assessment, CarryOver
from targetdsl.schema import Schema
from targetdsl.schema import build as build_schema

UnitsSource = Union[str, os.PathLike[str], Mapping[str, Any], Sequence[Any]]  # noqa: UP007
LedgerSource = Union[str, os.PathLike[str], Assessment, Sequence[CarryOver], Mapping[str, Any]]  # noqa: UP007


@attrs.frozen(slots=True)
class Report:
    """The outcome of checking one policy file: diagnostics and, when it
    checked cleanly (warnings allowed), the effective policy."""

    diagnostics: tuple[Diagnostic, ...]
    sources: dict[str, str] = attrs.field(eq=False)
    comments: dict[str, tuple[Comment, ...]] = attrs.field(eq=False)
    effective: Effective | None = attrs.field(eq=False)

    @property
    def ok(self) -> bool:
        return self.effective is not None and not any(d.is_error for d in self.diagnostics)

    @property
    def errors(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.is_error)

    @property
    def warnings(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if not d.is_error)

    def render(self) -> str:
        return render_all(self.diagnostics, self.sources)


@attrs.frozen(slots=True)
class Policy:
    """A checked policy, ready to use. Immutable; safe to share.

    Compile once, evaluate many: the layout evaluation needs is built when
    the policy is loaded, and `evaluate` never parses or checks again.
    """

    effective: Effective
    warnings: tuple[Diagnostic, ...] = attrs.field(eq=False)
    sources: dict[str, str] = attrs.field(eq=False, repr=False)
    schema: Schema = attrs.field(eq=False, repr=False)

    def load_units(self, data: UnitsSource, *, name: str = "<data>") -> list[Unit]:
        """Validate unit data (a YAML/JSON path, a document, or a list of unit mappings).

        Raises DataError listing every problem, each naming file, unit and field.
        """
        if isinstance(data, (str, os.PathLike)):
            return load_units(self.schema, read_document(data), os.fspath(data))
        if isinstance(data, list) and data and all(isinstance(u, Unit) for u in data):
            return list(data)
        return load_units(self.schema, data, name)

    def evaluate(
        self,
        units: UnitsSource,
        *,
        period: str | None = None,
        carried_in: LedgerSource | None = None,
    ) -> Assessment:
        """Evaluate every unit: scores, vetoes, bonuses, grades, ranks, money, explanations.

        `period` (a policy period name, Q1–Q4, H1/H2 or YYYY-MM) pro-rates
        targets marked `prorated`; `carried_in` is last year's carry-over
        ledger (a path, an Assessment, or its `ledger`). Raises DataError
        for invalid data and EvaluationError if any unit cannot be scored;
        in either case nothing is returned.
        """
        loaded = self.load_units(units)
        ledger = self._carried_in(carried_in)
        try:
            engine = Engine(self.schema, self.title, period=period, carried_in=ledger)
        except PeriodError as exc:
            raise DataError([DataProblem("<period>", None, None, str(exc))]) from None
        return engine.run(loaded)

    def _carried_in(self, source: LedgerSource | None) -> list[tuple[str, AwardWon]]:
        if source is None:
            return []
        if isinstance(source, (str, os.PathLike)):
            return load_ledger(self.schema, read_document(source), os.fspath(source))
        if isinstance(source, Mapping):
            return load_ledger(self.schema, source, "<ledger>")
        entries = source.ledger if isinstance(source, Assessment) else source
        return [(e.unit, AwardWon(e.bonus, e.level, e.name, e.date, carried_in=True)) for e in entries]

    @property
    def title(self) -> str:
        return self.effective.header.title if self.effective.header else ""

    @property
    def year(self) -> int | None:
        header = self.effective.header
        return header.year.value if header and header.year else None

    @property
    def files(self) -> tuple[str, ...]:
        """The files of the `extends` chain, the root ancestor first."""
        return self.effective.files


def _report(loaded: Loaded) -> Report:
    diagnostics = list(loaded.diagnostics)
    if loaded.effective is not None:
        diagnostics.extend(check(loaded.effective))
    diagnostics.sort(key=sort_key)
    return Report(tuple(diagnostics), loaded.sources, loaded.comments, loaded.effective)


def check_path(path: str | os.PathLike[str], *, root: str | os.PathLike[str] | None = None) -> Report:
    """Load and check a policy file (and the files it extends)."""
    return _report(load_path(path, root=root))


def check_text(text: str, *, name: str = "<policy>", base: str | os.PathLike[str] | None = None) -> Report:
    """Check policy text; `extends` paths are resolved against the directory `base`."""
    return _report(load_text(text, name, base=base))


def _policy(report: Report) -> Policy:
    if not report.ok or report.effective is None:
        raise PolicyError(report.diagnostics, report.sources)
    return Policy(report.effective, report.warnings, report.sources, build_schema(report.effective))


def load_policy(path: str | os.PathLike[str], *, root: str | os.PathLike[str] | None = None) -> Policy:
    """Load, resolve and check a policy file.

    `root`, when given, is a directory no `extends` may leave.
    Raises PolicyError (with every diagnostic) if the policy has errors.
    """
    return _policy(check_path(path, root=root))


def parse_policy(text: str, *, name: str = "<policy>", base: str | os.PathLike[str] | None = None) -> Policy:
    """Parse and check policy text. Raises PolicyError if it has errors."""
    return _policy(check_text(text, name=name, base=base))
