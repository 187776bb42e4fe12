"""Resolve `extends`: a chain of policy files → one effective policy.

A file may extend one other file (a path relative to itself). Its
declarations are added to the inherited ones; redeclaring an inherited
name needs `override`, and `remove` deletes one. The `policy { … }` header
belongs to each file: fields the child states replace the inherited ones.

This stage reads only the files of the `extends` chain. It reports
missing files, cycles and misuse of `override`/`remove`; everything else
is the checker's job.
"""

from __future__ import annotations

import os
from pathlib import Path

import attrs

from targetdsl import nodes as n
from targetdsl.diagnostics import Diagnostic, PolicyError, error
from targetdsl.parser import Comment, parse
from targetdsl.source import Span, decode

MAX_CHAIN = 32
MAX_FILE_BYTES = 8 * 1024 * 1024


@attrs.frozen(slots=True)
class Effective:
    """The resolved policy: every declaration in force, in order, and where it came from."""

    header: n.Header | None
    declarations: tuple[n.Declaration, ...]
    origins: dict[tuple[str, str], str] = attrs.field(eq=False)
    files: tuple[str, ...] = attrs.field(eq=False)

    def find(self, kind: str, name: str) -> n.Declaration | None:
        for declaration in self.declarations:
            if n.declaration_key(declaration) == (kind, name):
                return declaration
        return None


@attrs.define
class Loaded:
    """Everything loading produced: the effective policy (when one could be
    built), the diagnostics, and each file's text and comments."""

    effective: Effective | None
    diagnostics: list[Diagnostic]
    sources: dict[str, str]
    comments: dict[str, tuple[Comment, ...]]


def display_name(path: Path) -> str:
    """How a file is named in diagnostics: relative to the working directory when inside it."""
    try:
        relative = os.path.relpath(path)
    except ValueError:
        return str(path)
    return str(path) if relative.startswith("..") else relative


def load_path(path: str | os.PathLike[str], *, root: str | os.PathLike[str] | None = None) -> Loaded:
    """Load a policy file and the chain it extends."""
    loaded = Loaded(None, [], {}, {})
    target = Path(path)
    chain = _read_chain(target, loaded, root=Path(root).resolve() if root else None)
    if chain is not None:
        loaded.effective = merge(chain, loaded.diagnostics)
    return loaded


def load_text(text: str, name: str, *, base: str | os.PathLike[str] | None = None) -> Loaded:
    """Load policy text; `extends` is resolved relative to `base` (a directory)."""
    loaded = Loaded(None, [], {}, {})
    parsed = _parse_into(text, name, loaded)
    if parsed is None:
        return loaded
    chain = [parsed]
    if parsed.extends is not None:
        if base is None:
            loaded.diagnostics.append(
                error(
                    "extends.no-base",
                    "this policy extends a file, but it was given as text with no directory to look in",
                    parsed.extends.span,
                    "load it with load_policy(path), or pass base= the directory of the policy",
                )
            )
            return loaded
        parent = _read_chain(Path(base) / parsed.extends.path, loaded, root=None, seen=[], via=parsed.extends)
        if parent is None:
            return loaded
        chain = parent + [parsed]
    loaded.effective = merge(chain, loaded.diagnostics)
    return loaded


def _parse_into(text: str, name: str, loaded: Loaded) -> n.PolicyFile | None:
    loaded.sources[name] = text
    try:
        parsed = parse(text, name)
    except PolicyError as exc:
        loaded.diagnostics.extend(exc.diagnostics)
        return None
    loaded.comments[name] = parsed.comments
    return parsed.file


def _read_chain(
    path: Path,
    loaded: Loaded,
    *,
    root: Path | None,
    seen: list[Path] | None = None,
    via: n.Extends | None = None,
) -> list[n.PolicyFile] | None:
    """Files from the root ancestor down to `path`, or None after a diagnostic."""
    seen = [] if seen is None else seen
    resolved = path.resolve()
    shown = display_name(path)
    span = via.span if via is not None else Span(shown, 0, 0, 0, 0)
    if root is not None and not resolved.is_relative_to(root):
        loaded.diagnostics.append(
            error("extends.outside-root", f"`{shown}` lies outside the allowed policy directory", span)
        )
        return None
    if resolved in seen:
        cycle = " → ".join(display_name(p) for p in seen[seen.index(resolved):] + [resolved])
        loaded.diagnostics.append(
            error("extends.cycle", f"policies extend each other in a cycle: {cycle}", span,
                  "a policy may extend an older one, never one that extends it")
        )
        return None
    if len(seen) >= MAX_CHAIN:
        loaded.diagnostics.append(
            error("extends.too-deep", f"more than {MAX_CHAIN} policies in one `extends` chain", span)
        )
        return None
    try:
        if resolved.stat().st_size > MAX_FILE_BYTES:
            loaded.diagnostics.append(
                error("load.too-large", f"`{shown}` is larger than {MAX_FILE_BYTES // 1024 // 1024} MB", span)
            )
            return None
        data = resolved.read_bytes()
    except OSError as exc:
        code = "extends.missing-file" if via is not None else "load.unreadable"
        reason = "does not exist" if isinstance(exc, FileNotFoundError) else f"cannot be read ({exc.strerror})"
        help_text = "paths in `extends` are relative to the file that contains them" if via else None
        loaded.diagnostics.append(error(code, f"policy file `{shown}` {reason}", span, help_text))
        return None
    try:
        text = decode(data)
    except UnicodeDecodeError:
        loaded.diagnostics.append(
            error("load.encoding", f"`{shown}` is not UTF-8 text", span,
                  "save the policy as UTF-8 (editors call it “UTF-8” or “UTF-8 with BOM”); GBK is not accepted")
        )
        return None
    parsed = _parse_into(text, shown, loaded)
    if parsed is None:
        return None
    if parsed.extends is None:
        return [parsed]
    parent = _read_chain(
        resolved.parent / parsed.extends.path, loaded, root=root, seen=seen + [resolved], via=parsed.extends
    )
    return None if parent is None else parent + [parsed]


def merge(chain: list[n.PolicyFile], diagnostics: list[Diagnostic]) -> Effective:
    """Apply each file's declarations, overrides and removals in order."""
    header: n.Header | None = None
    table: dict[tuple[str, str], n.Declaration] = {}
    origins: dict[tuple[str, str], str] = {}
    for index, policy_file in enumerate(chain):
        inherited = set(table)
        declared_here: dict[tuple[str, str], n.Declaration] = {}
        is_child = index > 0
        for item in policy_file.items:
            if isinstance(item, n.Header):
                if _header_in(declared_here):
                    diagnostics.append(error("check.duplicate-name", "a second `policy` header in one file",
                                             item.span, "each file has exactly one `policy { … }` header"))
                    continue
                declared_here[("policy", "policy")] = item
                header = _merge_header(header, item) if is_child else item
                continue
            if isinstance(item, n.Remove):
                key = (item.kind, item.name or item.kind)
                if key not in inherited or key not in table:
                    diagnostics.append(_not_inherited("remove", key, item.span))
                else:
                    del table[key]
                    origins.pop(key, None)
                continue
            overriding = isinstance(item, n.Override)
            declaration = item.declaration if isinstance(item, n.Override) else item
            if isinstance(declaration, n.Header):
                diagnostics.append(error("check.override-header", "the `policy` header is not overridden",
                                         item.span, "write the child's own `policy { … }` header; "
                                         "fields it states replace the inherited ones"))
                continue
            key = n.declaration_key(declaration)
            if key in declared_here:
                diagnostics.append(_duplicate(key, declaration, declared_here[key]))
                continue
            declared_here[key] = declaration
            if overriding and key not in inherited:
                diagnostics.append(_not_inherited("override", key, item.span))
            elif not overriding and key in inherited:
                diagnostics.append(
                    error("check.missing-override",
                          f"{_describe(key)} is inherited; redeclaring it needs `override`",
                          declaration.span,
                          f"write `override {key[0]} …` to replace the inherited one, or choose another name")
                )
            table[key] = declaration
            origins[key] = declaration.span.file
    files = tuple(f.span.file for f in chain)
    return Effective(header, tuple(table.values()), origins, files)


def _header_in(declared: dict[tuple[str, str], n.Declaration]) -> bool:
    return ("policy", "policy") in declared


def _merge_header(parent: n.Header | None, child: n.Header) -> n.Header:
    if parent is None:
        return child
    return n.Header(
        child.title,
        year=child.year if child.year is not None else parent.year,
        status=child.status if child.status is not None else parent.status,
        scale=child.scale if child.scale is not None else parent.scale,
        rounding=child.rounding if child.rounding is not None else parent.rounding,
        sources=child.sources or parent.sources,
        span=child.span,
    )


def _describe(key: tuple[str, str]) -> str:
    kind, name = key
    return f"`{kind}`" if name == kind else f"{kind} `{name}`"


def _not_inherited(verb: str, key: tuple[str, str], span: Span) -> Diagnostic:
    return error(
        f"check.{verb}-unknown",
        f"`{verb}` names {_describe(key)}, which no extended policy declares",
        span,
        "only declarations inherited through `extends` can be "
        + ("overridden" if verb == "override" else "removed"),
    )


def _duplicate(key: tuple[str, str], declaration: n.Declaration, first: n.Declaration) -> Diagnostic:
    return error(
        "check.duplicate-name",
        f"{_describe(key)} is declared twice",
        declaration.span,
        f"the first declaration is at {first.span}; rename or remove one",
    )
