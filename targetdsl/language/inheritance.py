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
from collections.abc import Mapping
from pathlib import Path

import attrs

from targetdsl.diagnostics import Diagnostic, PolicyError, error
from targetdsl.files import FileProblem, FileReadError, read_limited, resolve
from targetdsl.keywords import Language, detect
from targetdsl.language import nodes as n
from targetdsl.language.parser import Comment, parse
from targetdsl.source import Span, decode, printable

MAX_CHAIN = 32
MAX_FILE_BYTES = 8 * 1024 * 1024
POLICY_SUFFIX = ".tdsl"


@attrs.frozen(slots=True)
class Effective:
    """The resolved policy: every declaration in force, in order, and where it came from."""

    header: n.Header | None
    declarations: tuple[n.Declaration, ...]
    origins: dict[tuple[str, str], str] = attrs.field(eq=False)
    files: tuple[str, ...] = attrs.field(eq=False)
    # each file's keyword language: what the policy's own words are quoted in (a help line, an explanation)
    keywords: dict[str, Language] = attrs.field(eq=False, factory=dict)

    def keyword_language(self, span: Span) -> Language:
        """The keyword language of the file `span` is in (English for a file not read here)."""
        return self.keywords.get(span.file, Language.ENGLISH)

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
        return printable(str(path))
    return printable(str(path) if relative.startswith("..") else relative)


def load_path(
    path: str | os.PathLike[str], *, root: str | os.PathLike[str] | None = None, referenced: bool = False
) -> Loaded:
    """Load a policy file and the chain it extends.

    No file of the chain may lie outside `root`; by default that is the directory of `path`
    (symbolic links followed), so a policy extends only files in its own directory tree.
    `referenced` says that `path` was read from another file (a test file, a record) rather than
    given by the person running targetdsl: it is then held to the rules of an `extends` target
    (a .tdsl name; not quoted unless it is a policy).
    """
    loaded = Loaded(None, [], {}, {})
    target = Path(path)
    try:
        top = resolve(root) if root is not None else resolve(target).parent
    except FileReadError as exc:
        where = target if root is None else Path(root)
        loaded.diagnostics.append(_unread(exc, display_name(where), Span(display_name(where), 0, 0, 0, 0), None))
        return loaded
    chain = _read_chain(target, loaded, root=top, referenced=referenced)
    if chain is not None:
        loaded.effective = merge(chain, loaded.diagnostics, loaded.sources)
    return loaded


def load_text(
    text: str,
    name: str,
    *,
    base: str | os.PathLike[str] | None = None,
    root: str | os.PathLike[str] | None = None,
    opened: Mapping[Path, str] | None = None,
) -> Loaded:
    """Load policy text; `extends` is resolved relative to `base` (a directory).

    No extended file may lie outside `root`, by default `base` itself. `opened` gives the text of files
    open in an editor, by resolved path: an extended file there is read from it, not from the disk.
    """
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
        try:
            top = resolve(root if root is not None else base)
        except FileReadError as exc:
            loaded.diagnostics.append(_unread(exc, display_name(Path(root or base)), parsed.extends.span, None))
            return loaded
        parent = _read_chain(
            Path(base) / parsed.extends.path, loaded, root=top, seen=[], via=parsed.extends, opened=opened
        )
        if parent is None:
            return loaded
        chain = parent + [parsed]
    loaded.effective = merge(chain, loaded.diagnostics, loaded.sources)
    return loaded


def _parse_into(text: str, name: str, loaded: Loaded) -> n.PolicyFile | None:
    loaded.sources[name] = text
    try:
        parsed = parse(text, name)
    except PolicyError as exc:
        loaded.sources.update(exc.sources)  # the text as it can be shown
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
    referenced: bool = False,
    opened: Mapping[Path, str] | None = None,
) -> list[n.PolicyFile] | None:
    """Files from the root ancestor down to `path`, or None after a diagnostic."""
    seen = [] if seen is None else seen
    shown = display_name(path)
    span = via.span if via is not None else Span(shown, 0, 0, 0, 0)
    named_by_a_file = via is not None or referenced
    if named_by_a_file and path.suffix.lower() != POLICY_SUFFIX:
        # Refused before it is opened: `extends "/etc/shadow"` must not even be tried.
        loaded.diagnostics.append(
            error(
                "extends.not-a-policy",
                f"`{shown}` is not a policy file: a policy's name ends in {POLICY_SUFFIX}",
                span,
                f"name the policy's own {POLICY_SUFFIX} file",
            )
        )
        return None
    try:
        resolved = resolve(path)
    except FileReadError as exc:
        loaded.diagnostics.append(_unread(exc, shown, span, via))
        return None
    if root is not None and not resolved.is_relative_to(root):
        loaded.diagnostics.append(
            error(
                "extends.outside-root",
                f"`{shown}` lies outside the allowed policy directory `{display_name(root)}`"
                + (" (through a symbolic link)" if resolved != Path(os.path.abspath(path)) else ""),
                span,
                "policies may extend files under the top policy's own directory; widen it with "
                "`--root DIR` (or `root=` in the library)",
            )
        )
        return None
    if resolved in seen:
        cycle = " → ".join(display_name(p) for p in seen[seen.index(resolved) :] + [resolved])
        loaded.diagnostics.append(
            error(
                "extends.cycle",
                f"policies extend each other in a cycle: {cycle}",
                span,
                "a policy may extend an older one, never one that extends it",
            )
        )
        return None
    if len(seen) >= MAX_CHAIN:
        loaded.diagnostics.append(
            error("extends.too-deep", f"more than {MAX_CHAIN} policies in one `extends` chain", span)
        )
        return None
    try:
        data = read_limited(resolved, limit=MAX_FILE_BYTES) if opened is None or resolved not in opened else b""
    except FileReadError as exc:
        loaded.diagnostics.append(_unread(exc, shown, span, via))
        return None
    try:
        text = opened[resolved] if opened is not None and resolved in opened else decode(data)
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        loaded.diagnostics.append(
            error(
                "load.encoding",
                f"`{shown}` is not UTF-8 text (line {line} holds bytes that are not UTF-8)",
                span,
                "save the policy as UTF-8 (editors call it “UTF-8” or “UTF-8 with BOM”); GBK is not accepted",
            )
        )
        return None
    if named_by_a_file:
        parsed = _parse_extended(text, shown, loaded, span)
    else:
        parsed = _parse_into(text, shown, loaded)
    if parsed is None:
        return None
    if parsed.extends is None:
        return [parsed]
    parent = _read_chain(
        resolved.parent / parsed.extends.path,
        loaded,
        root=root,
        seen=seen + [resolved],
        via=parsed.extends,
        opened=opened,
    )
    return None if parent is None else parent + [parsed]


def _parse_extended(text: str, shown: str, loaded: Loaded, span: Span) -> n.PolicyFile | None:
    """Parse a file reached through `extends`. One whose first line is not policy syntax is not a
    policy: it gets one diagnostic that quotes nothing of it (`extends "/proc/self/environ"` must not
    print the environment)."""
    try:
        parsed = parse(text, shown)
    except PolicyError as exc:
        first = _first_significant_line(text)
        if any(d.is_error and d.span.line <= first for d in exc.diagnostics):
            loaded.diagnostics.append(
                error(
                    "extends.not-a-policy",
                    f"`{shown}` is not a policy file: its first line is not policy syntax",
                    span,
                    f"check the file on its own with `targetdsl check {shown}`",
                )
            )
            return None
        loaded.sources[shown] = exc.sources.get(shown, text)
        loaded.diagnostics.extend(exc.diagnostics)
        return None
    loaded.sources[shown] = text
    loaded.comments[shown] = parsed.comments
    return parsed.file


def _first_significant_line(text: str) -> int:
    """The number of the first line that is neither blank nor a comment (0 when there is none)."""
    for number, line in enumerate(text.split("\n"), start=1):
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            return number
    return 0


def _unread(exc: FileReadError, shown: str, span: Span, via: n.Extends | None) -> Diagnostic:
    """The diagnostic for a policy file that could not be read."""
    if exc.problem is FileProblem.MISSING and via is not None:
        return error(
            "extends.missing-file",
            f"policy file `{shown}` {exc.reason}",
            span,
            "paths in `extends` are relative to the file that contains them",
        )
    if exc.problem is FileProblem.TOO_LARGE:
        return error(
            "load.too-large",
            f"`{shown}` {exc.reason}",
            span,
            "no assessment method is that long; check that the right file was named",
        )
    if exc.problem is FileProblem.NOT_A_FILE:
        return error("load.not-a-file", f"`{shown}` {exc.reason}", span, "name a policy file (.tdsl)")
    if exc.problem is FileProblem.LINK_LOOP:
        return error(
            "load.link-loop", f"`{shown}` {exc.reason}", span, "point the symbolic link at the policy file itself"
        )
    if exc.problem is FileProblem.BAD_NAME:
        return error(
            "load.bad-path",
            f"`{shown}` {exc.reason}",
            span,
            "name the file by a plain path: no NUL character, no undecodable text, not too long",
        )
    return error("load.unreadable", f"policy file `{shown}` {exc.reason}", span)


def merge(
    chain: list[n.PolicyFile], diagnostics: list[Diagnostic], sources: Mapping[str, str] | None = None
) -> Effective:
    """Apply each file's declarations, overrides and removals in order; `sources` (each file's text)
    tell each file's keyword language."""
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
                    diagnostics.append(
                        error(
                            "check.duplicate-name",
                            "a second `policy` header in one file",
                            item.span,
                            "each file has exactly one `policy { … }` header",
                        )
                    )
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
                diagnostics.append(
                    error(
                        "check.override-header",
                        "the `policy` header is not overridden",
                        item.span,
                        "write the child's own `policy { … }` header; fields it states replace the inherited ones",
                    )
                )
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
                    error(
                        "check.missing-override",
                        f"{_describe(key)} is inherited; redeclaring it needs `override`",
                        declaration.span,
                        f"write `override {key[0]} …` to replace the inherited one, or choose another name",
                    )
                )
            table[key] = declaration
            origins[key] = declaration.span.file
    files = tuple(f.span.file for f in chain)
    keywords = {f: detect(sources[f]) for f in files if sources is not None and f in sources}
    return Effective(header, tuple(table.values()), origins, files, keywords)


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
        assumptions=child.assumptions or parent.assumptions,
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
        "only declarations inherited through `extends` can be " + ("overridden" if verb == "override" else "removed"),
    )


def _duplicate(key: tuple[str, str], declaration: n.Declaration, first: n.Declaration) -> Diagnostic:
    return error(
        "check.duplicate-name",
        f"{_describe(key)} is declared twice",
        declaration.span,
        f"the first declaration is at {first.span}; rename or remove one",
    )
