"""Messages in the reader's language: which language, and a message's wording in it.

A problem is reported once, in English, where it is found: a `Diagnostic`'s message and help, a
`DataProblem`'s message, a `UsageError`. That text and the problem's code are the structured fields
tools read (`check --format json`, the language server, records); they never change with the
language. Rendering for a person looks the English text up in the catalog (`translations.py`) the
way gettext looks up its msgid, and writes it in the language asked for. The English text is a
template with named placeholders (`unknown class {name}`); the values found in their places
are carried over verbatim, or, for a placeholder marked `:t`, looked up in turn (a phrase such as
"a constant" that a message is built from), or for one marked `:l`, looked up item by item (a
list joined by ", "); one marked `:d` is a whole number, `:n` a number, `:w` one word (a name), so
that a template made mostly of values cannot take any sentence for them. A plain value never spans "; ", which
joins a message to its advice. A text the catalog does not know is shown as it is,
in English: never lost, and a test renders every broken policy and data fixture in Chinese to
prove none is left.

This module chooses a language and translates text; it must not know where a message comes from.
"""

from __future__ import annotations

import functools
import locale
import re
import sys
from collections.abc import Collection, Mapping

import attrs

from targetdsl.keywords import Language
from targetdsl.translations import CATALOG

__all__ = ["Language", "choose", "from_locale", "translate", "translate_clauses", "Template", "TEMPLATES"]

_NUMBER = r"[-+]?\d[\d,]*(?:\.\d+)?…?%?"
_PLACEHOLDER = re.compile(r"\{(\w+)(?::([tldnw]))?\}")


def from_locale(environ: Mapping[str, str], system: str | None = None) -> Language:
    """The language of a locale, as POSIX picks the one for messages: `LC_ALL`, else `LC_MESSAGES`,
    else `LANG`; Chinese when it starts with `zh` (`zh_CN.UTF-8`, `zh_TW`), English otherwise (`C`,
    `POSIX`, `en_US.UTF-8`). When none is set — as on Windows, which keeps its locale elsewhere — the
    system's own locale decides (`system`, by default what `locale.getlocale` reports on Windows:
    `Chinese (Simplified)_China` or `zh_CN`); unset elsewhere, English."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name, "")
        if value:
            return Language.CHINESE if value.lower().startswith("zh") else Language.ENGLISH
    system = _system_locale() if system is None else system
    return Language.CHINESE if system.lower().startswith(("zh", "chinese")) else Language.ENGLISH


def _system_locale() -> str:
    """The user's locale where the environment does not say it: Windows only."""
    if sys.platform != "win32":
        return ""
    return locale.getlocale()[0] or ""


def choose(given: str | None, environ: Mapping[str, str]) -> Language:
    """`--lang zh|en` when given, else the locale's language."""
    if given is not None:
        return Language(given)
    return from_locale(environ)


@attrs.frozen(slots=True)
class Template:
    """One message in both languages; `pattern` recovers the placeholders' values from the English."""

    english: str
    chinese: str
    source: str  # the regular expression `pattern` is compiled from, on first use
    translated: frozenset[str]  # placeholders whose value is itself looked up
    listed: frozenset[str]  # placeholders whose value is a list, each item looked up
    prefix: str  # the literal text before the first placeholder: a message matching starts with it
    suffix: str  # the literal text after the last placeholder: a message matching ends with it
    anchor: str  # the longest literal piece of the English: a message without it cannot match
    weight: int  # how much literal text the English holds: more specific templates are tried first

    @property
    def pattern(self) -> re.Pattern[str]:
        return _pattern(self.source)


@functools.cache
def _pattern(source: str) -> re.Pattern[str]:
    return re.compile(source, re.DOTALL)


def _compile(english: str, chinese: str) -> Template:
    parts: list[str] = []
    literals: list[str] = []
    seen: set[str] = set()
    translated: set[str] = set()
    listed: set[str] = set()
    position = 0
    for match in _PLACEHOLDER.finditer(english):
        literal = english[position : match.start()]
        literals.append(literal)
        parts.append(re.escape(literal))
        name, kind = match.group(1), match.group(2)
        if kind in ("t", "l"):
            (translated if kind == "t" else listed).add(name)
        # a plain value never spans a "; " (which joins a message to its advice) or a line; a message
        # (`:t`) may; `:d` is a whole number, `:n` a number as results show it (`-3`, `1.150881…`, `95%`),
        # `:w` one word (a name): such a template cannot take a sentence for its values
        value = {"d": r"\d+", "t": r".*?", "n": _NUMBER, "w": r"[^\s;]+?"}.get(kind or "", r"(?:(?!; )[^\n])*?")
        parts.append(f"(?P={name})" if name in seen else f"(?P<{name}>{value})")
        seen.add(name)
        position = match.end()
    literals.append(english[position:])
    parts.append(re.escape(english[position:]))
    wanted = {m.group(1) for m in _PLACEHOLDER.finditer(chinese)}
    if not wanted <= seen:
        raise ValueError(f"the Chinese of {english!r} names placeholders the English lacks: {sorted(wanted - seen)}")
    return Template(
        english,
        chinese,
        "".join(parts),
        frozenset(translated),
        frozenset(listed),
        literals[0],
        literals[-1] if len(literals) > 1 else "",
        max(literals, key=len),
        sum(len(literal) for literal in literals),
    )


TEMPLATES: tuple[Template, ...] = tuple(
    sorted((_compile(english, chinese) for english, chinese in CATALOG), key=lambda t: -t.weight)
)
_EXACT: dict[str, str] = {t.english: t.chinese for t in TEMPLATES if not _PLACEHOLDER.search(t.english)}


class _Index:
    """The templates with placeholders, filed by the literal text a matching message must start with
    (its first `KEY` characters) or, for one that starts with a value, end with: a message is tried
    only against the few templates filed under its own first and last characters, and the handful
    that begin and end with a value. A template's pattern is compiled the first time it is tried."""

    KEY = 4

    def __init__(self, templates: tuple[Template, ...]) -> None:
        self.starts: dict[str, list[int]] = {}  # a prefix's first KEY characters, or all of a shorter one
        self.ends: dict[str, list[int]] = {}  # likewise a suffix's last characters
        self.rest: list[int] = []  # templates that begin and end with a value
        self.templates = templates
        for order, template in enumerate(templates):
            if template.english in _EXACT:
                continue
            if template.prefix:
                self.starts.setdefault(template.prefix[: self.KEY], []).append(order)
            elif template.suffix:
                self.ends.setdefault(template.suffix[-self.KEY :], []).append(order)
            else:
                self.rest.append(order)

    def candidates(self, text: str) -> list[Template]:
        """The templates `text` may match, most specific first (the order of `TEMPLATES`)."""
        found: list[int] = list(self.rest)
        for length in range(1, self.KEY + 1):
            found += self.starts.get(text[:length], ())
            found += self.ends.get(text[-length:], ())
        found.sort()
        return [self.templates[order] for order in found]


_INDEX = _Index(TEMPLATES)


def _match(text: str) -> tuple[Template, dict[str, str]] | None:
    """The most specific template `text` is an instance of, with the values found in its places."""
    for template in _INDEX.candidates(text):
        if template.anchor not in text or not text.endswith(template.suffix):
            continue
        match = template.pattern.fullmatch(text)
        if match is not None:
            return template, match.groupdict()
    return None


def translate(text: str, language: Language) -> str:
    """`text`, an English message, in `language`; a text the catalog lacks is returned unchanged."""
    if language is Language.ENGLISH or not text:
        return text
    return _chinese(text)


def translate_clauses(text: str, language: Language) -> str:
    """`text`, clauses joined by "; " (a grade reason: the band, then what changed the grade), each
    clause translated alone and joined as Chinese joins them."""
    if language is Language.ENGLISH or not text:
        return text
    return "；".join(_chinese(clause) for clause in text.split("; "))


@functools.lru_cache(maxsize=4096)
def _chinese(text: str) -> str:
    exact = _EXACT.get(text)
    if exact is not None:
        return exact
    found = _match(text)
    if found is None:
        return text
    template, values = found
    return _fill(template, {name: _value(template, name, value) for name, value in values.items()})


def _fill(template: Template, values: dict[str, str]) -> str:
    return _PLACEHOLDER.sub(lambda m: values[m.group(1)], template.chinese)


def _value(template: Template, name: str, value: str) -> str:
    if name in template.translated:
        return _chinese(value)
    if name in template.listed:
        return "、".join(_chinese(item) for item in value.split(", "))
    return value


# What a `:t` place may hold that is a value, not a phrase: code in backticks, a field path, a number.
_VALUES = re.compile(r"`[^`]*`|\S*[.\[]\S*|[-+0-9.,]+")
_WORDS = re.compile(r"[A-Za-z]{2,}")
# two English words in a row, outside code: a phrase (names are joined by ", ", never by a space alone)
_PHRASE = re.compile(r"\b[a-z]{2,} [a-z]{2,}\b")  # lower case: a Unicode name (ZERO WIDTH SPACE) is a name
_CODE = re.compile(r"`[^`]*`")


def untranslated(text: str, names: Collection[str] = ()) -> list[str]:
    """The parts of `text` the catalog has no Chinese for: the text itself when no template matches it,
    else the values of its `:t` and `:l` placeholders that none matches, leaving out those that are
    values rather than phrases (code in backticks, field paths, numbers), and the values of its plain
    placeholders that hold an English phrase (two words in a row) rather than a value: a template that
    took a longer English sentence for a name, whose Chinese would carry that English over. `names` are
    the names and labels of the policy and the data, which a Chinese text shows as they are, English or
    not. What the tests look for."""
    if not text or _EXACT.get(text) is not None:
        return []
    found = _match(text)
    if found is None:
        return [text]
    template, values = found
    missing: list[str] = []
    for name, value in values.items():
        if name in template.translated and _WORDS.search(_VALUES.sub(" ", value)):
            missing.extend(untranslated(value, names))
        elif name in template.listed:
            missing.extend(item for item in value.split(", ") if untranslated(item, names))
        elif _PHRASE.search(_without(_CODE.sub(" ", value), names)):
            # a plain value holds a name, a number, a path, code: English words in a row are a sentence the
            # template took for a value (`unknown class {name}` matching a longer English message), which
            # the Chinese would carry over untranslated
            missing.append(value)
    return missing


def _without(text: str, names: Collection[str]) -> str:
    """`text` with each of `names` in it blanked out, the longest first."""
    for name in sorted(names, key=len, reverse=True):
        if name and name in text:
            text = text.replace(name, " ")
    return text
