"""The library's front door: load, parse and check policies.

`load_policy` and `parse_policy` return a checked, immutable `Policy` or
raise `PolicyError` carrying every diagnostic. `check_path` and
`check_text` never raise for a bad policy: they return a `Report` with
the diagnostics, which is what the command line and editors need.
"""

from __future__ import annotations

import os

import attrs

from targetdsl.checker import check
from targetdsl.diagnostics import Diagnostic, PolicyError, render_all, sort_key
from targetdsl.inheritance import Effective, Loaded, load_path, load_text
from targetdsl.parser import Comment


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
    """A checked policy, ready to use. Immutable; safe to share."""

    effective: Effective
    warnings: tuple[Diagnostic, ...] = attrs.field(eq=False)
    sources: dict[str, str] = attrs.field(eq=False, repr=False)

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
    return Policy(report.effective, report.warnings, report.sources)


def load_policy(path: str | os.PathLike[str], *, root: str | os.PathLike[str] | None = None) -> Policy:
    """Load, resolve and check a policy file.

    `root`, when given, is a directory no `extends` may leave.
    Raises PolicyError (with every diagnostic) if the policy has errors.
    """
    return _policy(check_path(path, root=root))


def parse_policy(text: str, *, name: str = "<policy>", base: str | os.PathLike[str] | None = None) -> Policy:
    """Parse and check policy text. Raises PolicyError if it has errors."""
    return _policy(check_text(text, name=name, base=base))
