"""Reading unit data files: YAML, JSON, CSV and Excel → the raw document.

Numbers are read from their text as exact decimals, never through binary
floats, and YAML scalars as YAML 1.2 reads them (the text typed: no octal,
no base 60, no `NO` for false). Hostile files end in a `DataError` naming
the file and, where there is one, the line: too large, not UTF-8, invalid
syntax, a key written twice, YAML aliases that expand beyond a bound,
half a character, nesting too deep to be unit data. What the document
means is checked by `data.py`; spreadsheets are read by `tabular.py`.
"""

from __future__ import annotations

import contextlib
import io
import json
import json.scanner
import os
import re
import zipfile
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from targetdsl.files import FileReadError, read_limited
from targetdsl.source import printable
from targetdsl.values import DataError, DataProblem, DateText, Records

MAX_DATA_BYTES = 256 * 1024 * 1024
# Values that aliases may add to a YAML document once expanded (each alias counts every value it
# stands for). A handful of defaults merged into every unit stays far below; a "billion laughs"
# bomb of a few hundred bytes (9 aliases of 9 aliases, 10 levels deep) is refused before it is built.
MAX_ALIAS_EXPANSION = 1_000_000
MAX_INTEGER_DIGITS = 40  # longer integers are kept as text, and validation says why they are refused
SURROGATE = re.compile("[\ud800-\udfff]")


class RefusedYAMLError(yaml.YAMLError):
    """YAML that parses but that data must not be: a duplicate key, an alias bomb, a lone surrogate."""

    def __init__(self, code: str, problem: str, mark: Any):
        super().__init__(problem)
        self.code = code
        self.problem = problem
        self.problem_mark = mark

    def __str__(self) -> str:
        return f"{self.problem} (line {self.problem_mark.line + 1})"


class RefusedJSONError(json.JSONDecodeError):
    """JSON that parses but that data must not be: a duplicate key, a lone surrogate."""

    def __init__(self, code: str, message: str, text: str, position: int):
        super().__init__(message, text, position)
        self.code = code


class _DataLoader(yaml.SafeLoader):
    """YAML read as written: no Python objects, no floats, and plain scalars resolved the YAML 1.2
    way. YAML 1.1 (PyYAML's default) reads `0110` as 72 (octal), `1:30` as 90 (base 60), `0x5A` as
    90, `1_000` as 1000 and `NO` as false; here they are the text typed, and validation decides what
    the text means for the input it fills (the id `010` stays "010"; `0110` as a number is 110)."""

    yaml_implicit_resolvers: dict[Any, Any] = {}

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        _refuse_duplicate_keys(self, node)
        return super().construct_mapping(node, deep=deep)


def _refuse_duplicate_keys(loader: Any, node: Any) -> None:
    if isinstance(node, yaml.MappingNode):
        seen: set[Any] = set()
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue  # `<<: *defaults`: the keys written beside it override the merged ones
            key = loader.construct_object(key_node, deep=True)
            try:
                if key in seen:
                    raise RefusedYAMLError(
                        "data.duplicate-key",
                        f"duplicate key `{key}`: each key may appear once (which of the values is meant?)",
                        key_node.start_mark,
                    )
                seen.add(key)
            except TypeError:
                continue  # an unhashable key: refused by the constructor itself


def _resolve(tag: str, pattern: str, first: str) -> None:
    _DataLoader.add_implicit_resolver(f"tag:yaml.org,2002:{tag}", re.compile(pattern), list(first))


_resolve("null", r"^(?:~|null|Null|NULL|)$", "~nN")
_DataLoader.add_implicit_resolver("tag:yaml.org,2002:null", re.compile(r"^$"), [""])
_resolve("bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF")
_resolve("int", r"^[-+]?[0-9]+$", "-+0123456789")
_resolve(
    "float",
    r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
    "-+.0123456789",
)
_resolve("merge", r"^<<$", "<")
# dates and date-times (a database export's `2003-11-20T00:00:00`), as YAML 1.1 reads them
_DataLoader.add_implicit_resolver(
    "tag:yaml.org,2002:timestamp",
    next(pattern for tag, pattern in yaml.SafeLoader.yaml_implicit_resolvers["0"] if tag.endswith("timestamp")),
    list("0123456789"),
)


def _construct_int(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> int | str:
    text = str(loader.construct_scalar(node))
    # Only a plain whole number is an integer: `010` stays text, so an id keeps its leading zero.
    if re.fullmatch(r"-?(?:0|[1-9][0-9]*)", text) and len(text) <= MAX_INTEGER_DIGITS:
        return int(text)
    return text


def _construct_decimal(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Decimal | str:
    text = str(loader.construct_scalar(node))
    return _decimal(text.lower().replace(".inf", "Infinity").replace(".nan", "NaN"), text)


def _construct_text(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> str:
    text = str(loader.construct_scalar(node))
    if text.isascii() or not SURROGATE.search(text):
        return text
    try:  # `"\ud83d\ude00"`: PyYAML leaves the two halves of 😀 apart
        return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le")
    except UnicodeDecodeError:
        raise RefusedYAMLError(
            "data.bad-text", "a `\\u` escape that is half of a character; write the character itself", node.start_mark
        ) from None


def _construct_timestamp(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    """A date as YAML reads it; one the calendar does not have (`2004-02-30`, `2004-13-01`) stays the
    text typed, with its line, for validation to refuse where a date is meant (and to keep as text
    in a name)."""
    try:
        return loader.construct_yaml_timestamp(node)
    except ValueError:
        return DateText(str(loader.construct_scalar(node)), node.start_mark.line + 1)


_DataLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)
_DataLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)
_DataLoader.add_constructor("tag:yaml.org,2002:float", _construct_decimal)
_DataLoader.add_constructor("tag:yaml.org,2002:str", _construct_text)


class _CDataLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """`_DataLoader` with libyaml's C scanner, parser and composer, where PyYAML was built with it: the
    same resolvers and constructors; the example data's 80 KB read in a quarter of the time (composing
    alone, a tenth). libyaml accepts a few things the pure reader refuses (a tab inside a plain
    value, `|#`…), so it is given only texts without them (`_c_reads`), and whatever it refuses is
    read again by the pure reader, whose message is the one given: the C reader changes the speed of
    reading, never what is read or said."""

    yaml_implicit_resolvers = _DataLoader.yaml_implicit_resolvers
    yaml_constructors = _DataLoader.yaml_constructors

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        _refuse_duplicate_keys(self, node)
        return super().construct_mapping(node, deep=deep)


# What libyaml and the pure reader were found to read differently (a differential test draws texts of
# every YAML indicator, tests/unit/test_yaml_reader.py): tabs, the tag `!` alone (`!!str` is read
# alike), a tag holding `%`, `,`, `[` or `]` (`[!!str,a]`, `!!str%00x`), a directive (`%YAML 1.1#`), a
# block scalar's header with a comment and no space (`|#`), `?` where a flow collection (`[`, `{`) may
# hold it, the line breaks of YAML 1.1 beyond \r and \n, a byte-order mark inside the text, and what
# the pure reader refuses as unprintable. A text with any of them is read by the pure reader alone.
_C_UNSURE = re.compile(
    r"[|>][-+0-9]*#|(?:^|[\s\[{,])!(?:[\s\]},]|$)|!\S*[%,\[\]]|(?m:^%)|[\t\x85\u2028\u2029\ufeff]|"
    + yaml.reader.Reader.NON_PRINTABLE.pattern
)
_C_READS = getattr(yaml, "__with_libyaml__", False)
# Unit data nests a few levels; the pure reader refuses a document some hundreds of levels deep
# (RecursionError: "nested too deeply") that libyaml reads. Deeper than this, the pure reader decides.
MAX_C_DEPTH = 64


def _c_reads(text: str) -> bool:
    if not _C_READS or _C_UNSURE.search(text):
        return False
    return "?" not in text or ("[" not in text and "{" not in text)


def _check_expansion(root: Any) -> None:
    """Refuse a document whose aliases, expanded, add more than MAX_ALIAS_EXPANSION values, or that
    contains itself. Each node's expanded size is counted once (memoised), so this is linear in the
    text, whatever the expansion."""
    if root is None:
        return
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()
    stack: list[tuple[Any, bool]] = [(root, False)]
    while stack:
        node, finished = stack.pop()
        key = id(node)
        children = _children(node)
        if finished:
            open_nodes.discard(key)
            size = 1 + sum(sizes[id(c)] for c in children)
            if size - len(sizes) > MAX_ALIAS_EXPANSION:
                raise RefusedYAMLError(
                    "data.alias-expansion",
                    f"aliases (`*name`) expand the document by more than "
                    f"{MAX_ALIAS_EXPANSION:,} values; write the values out instead of referring to them",
                    node.start_mark,
                )
            sizes[key] = size
            continue
        if key in sizes:
            continue
        if key in open_nodes:
            raise RefusedYAMLError(
                "data.alias-expansion", "an alias refers to the value that contains it", node.start_mark
            )
        open_nodes.add(key)
        stack.append((node, True))
        stack.extend((c, False) for c in children if id(c) not in sizes)


def _deeper(root: Any, limit: int) -> bool:
    """Whether the node tree nests more than `limit` collections deep (counted without recursion)."""
    stack = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return True
        if type(node) is not yaml.ScalarNode:
            stack.extend((child, depth + 1) for child in _children(node))
    return False


def _children(node: Any) -> list[Any]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def parse_yaml(text: str) -> Any:
    """YAML text → plain values, read as written (see `_DataLoader`): integers, exact Decimals, text,
    booleans, dates. Raises yaml.YAMLError (RefusedYAMLError for duplicate keys, alias bombs…)."""
    if _c_reads(text):
        try:
            return _parse(_CDataLoader(text), text)
        except Exception:  # noqa: BLE001 (refused, or an error: read again by the pure reader, whose word is given)
            pass
    return _parse(_DataLoader(text), text)


def _parse(loader: Any, text: str) -> Any:
    """The text composed and checked (aliases' expansion; the C reader's depth), then constructed."""
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        if "&" in text:  # without an anchor there is no alias: nothing to count
            _check_expansion(node)
        if not isinstance(loader, _DataLoader) and _deeper(node, MAX_C_DEPTH):
            raise RecursionError  # as deep as the pure reader may refuse: it decides
        return _placed(node, loader.construct_document(node))
    finally:
        loader.dispose()


def _placed(node: Any, document: Any) -> Any:
    """The document, its list of units knowing the line each unit starts on (for messages that point
    at a whole unit, such as a duplicate id)."""
    sequence = node
    if isinstance(node, yaml.MappingNode) and isinstance(document, dict):
        sequence = next((value for key, value in node.value if key.value == "units"), None)
    if not isinstance(sequence, yaml.SequenceNode):
        return document
    records = document.get("units") if isinstance(document, dict) else document
    if not isinstance(records, list) or len(records) != len(sequence.value):
        return document
    lines = [item.start_mark.line + 1 for item in sequence.value]
    placed = Records(records, place=lambda index: f"line {lines[index]}")
    if isinstance(document, dict):
        document["units"] = placed
        return document
    return placed


def _decimal(text: str, shown: str | None = None) -> Decimal | str:
    """A number's text as an exact Decimal, or the text as written (for validation to refuse) when
    no decimal can hold it (an exponent of twenty digits)."""
    try:
        return Decimal(text)
    except InvalidOperation:
        return text if shown is None else shown


def _refuse_constant(text: str) -> Any:
    return Decimal("NaN")  # NaN, Infinity: refused by validation


def _json_int(text: str) -> int | str:
    return int(text) if len(text) <= MAX_INTEGER_DIGITS else text


def _unique_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise _DuplicateKeyError
    return result


class _DuplicateKeyError(Exception):
    pass


def parse_json(text: str) -> Any:
    """JSON text → plain values, numbers exact (Decimal, or int up to 40 digits, or else the text for
    validation to refuse). A duplicate key or a lone surrogate escape raises json.JSONDecodeError at
    its line, like a syntax error; nesting too deep, RecursionError."""
    try:
        document = json.loads(text, parse_float=_decimal, parse_int=_json_int, parse_constant=_refuse_constant)
        plain = text.count(":") == _keys(document)  # else a duplicate key, or a colon inside a text
    except json.JSONDecodeError:
        plain = False  # which comes first, a duplicate key or the syntax error: read again to tell
    if not plain:
        try:
            document = json.loads(
                text,
                parse_float=_decimal,
                parse_int=_json_int,
                parse_constant=_refuse_constant,
                object_pairs_hook=_unique_object,
            )
        except _DuplicateKeyError:
            raise _duplicate_key(text) from None
    if "\\u" in text and ("\\ud" in text.lower()):
        _check_surrogates(text, document)
    return document


def _keys(document: Any) -> int:
    """How many keys the objects of a parsed document hold together.

    A JSON text has a colon only after each key and inside texts, so its colons are at least its keys,
    and a parsed object keeps one key of several equal ones: when the text's colons are exactly the
    parsed keys, no key was written twice (and no text holds a colon). Counting costs less than half a
    parse; checking each object as it is read (`object_pairs_hook`) costs most of a parse again."""
    count = 0
    pending: list[Any] = [document] if document.__class__ is dict or document.__class__ is list else []
    pop, push = pending.pop, pending.append
    while pending:
        value: Any = pop()
        if value.__class__ is dict:
            count += len(value)
            value = value.values()
        for inner in value:
            kind = inner.__class__
            if kind is dict or kind is list:
                push(inner)
    return count


def _duplicate_key(text: str) -> RefusedJSONError:
    """Where the first duplicate key is: read again, slowly, by a scanner that knows positions."""
    decoder = json.JSONDecoder(parse_float=str, parse_int=str, parse_constant=str)
    whitespace = json.decoder.WHITESPACE.match  # type: ignore[attr-defined]
    found: list[RefusedJSONError] = []

    def parse_object(s_and_end: tuple[str, int], strict: bool, scan_once: Any, *_: Any) -> tuple[dict[str, Any], int]:
        s, end = s_and_end
        keys: set[str] = set()
        end = whitespace(s, end).end()
        if s[end : end + 1] == "}":
            return {}, end + 1
        while True:
            end = whitespace(s, end).end()
            at = end
            key, end = json.decoder.scanstring(s, end + 1, strict)  # type: ignore[attr-defined]
            if key in keys and not found:
                found.append(
                    RefusedJSONError(
                        "data.duplicate-key",
                        f"duplicate key `{key}`: each key may appear once (which of the values is meant?)",
                        s,
                        at,
                    )
                )
            keys.add(key)
            end = whitespace(s, whitespace(s, end).end() + 1).end()  # past the colon
            _, end = scan_once(s, end)
            end = whitespace(s, end).end()
            if s[end] == "}":
                return {}, end + 1
            end += 1

    decoder.parse_object = parse_object  # type: ignore[attr-defined]
    decoder.scan_once = json.scanner.py_make_scanner(decoder)  # type: ignore[attr-defined]
    with contextlib.suppress(RecursionError, json.JSONDecodeError, IndexError):
        decoder.decode(text)
    return found[0] if found else RefusedJSONError("data.duplicate-key", "a duplicate key", text, 0)


def _check_surrogates(text: str, document: Any) -> None:
    """A `\\ud800` escape alone is half of a character: no file or terminal can show it."""
    stack = [document]
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            if SURROGATE.search(value):
                match = re.search(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}", text)
                raise RefusedJSONError(
                    "data.bad-text",
                    "a `\\u` escape that is half of a character; write the character itself",
                    text,
                    match.start() if match else 0,
                )
        elif isinstance(value, dict):
            stack.extend(value.keys())
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)


def read_document(path: str | os.PathLike[str]) -> Any:
    """The raw document of a YAML, JSON, JSON Lines, CSV or Excel data file. Raises DataError."""
    shown = printable(os.fspath(path))
    target = Path(path)
    try:
        raw = read_limited(target, limit=MAX_DATA_BYTES)
    except FileReadError as exc:
        raise DataError([DataProblem(shown, None, None, exc.reason)]) from None
    suffix = target.suffix.lower()
    refusal = wrong_format(raw, suffix, shown)
    if refusal is not None:
        raise refusal
    if suffix in WORKBOOKS:
        text = ""
    else:
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise not_utf8(shown, target.suffix) from None
    if suffix in WORKBOOKS:
        from targetdsl.units.tabular import read_xlsx

        return read_xlsx(target, raw)
    try:
        if suffix == ".json":
            return parse_json(text)
        if suffix in (".yaml", ".yml"):
            return parse_yaml(text)
        if suffix == ".jsonl":
            return {"units": _json_lines(text, shown)}
        if suffix == ".csv":
            from targetdsl.units.tabular import read_csv

            return read_csv(target, text)
    except json.JSONDecodeError as exc:
        raise DataError([json_problem(shown, exc.lineno, exc)]) from None
    except RecursionError:
        raise DataError([DataProblem(shown, None, None, "the data is nested too deeply to be unit data")]) from None
    except RefusedYAMLError as exc:
        raise DataError(
            [DataProblem(shown, None, f"line {exc.problem_mark.line + 1}", exc.problem, code=exc.code)]
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise DataError([DataProblem(shown, None, where, f"invalid YAML: {problem}")]) from None
    raise DataError(
        [
            DataProblem(
                shown,
                None,
                None,
                f"unknown data format `{suffix}`; use .yaml, .yml, .json, .jsonl, .csv or .xlsx",
                code="data.wrong-format",
            )
        ]
    )


WORKBOOKS = (".xlsx", ".xlsm")  # a macro-enabled workbook's cells are read like any other; no macro runs
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Microsoft's compound file: .xls, WPS .et, an encrypted .xlsx
SAVE_AS_XLSX = "open it in Excel or WPS and save it as an Excel Workbook (.xlsx)"


def wrong_format(raw: bytes, suffix: str, shown: str) -> DataError | None:
    """A file whose content is not what its name says, or holds no unit data this reader can read (an
    old .xls, a workbook renamed .csv, a PDF…), told by its first bytes; None when it may be read."""
    what: str | None = None
    if raw.startswith(OLE):
        if "EncryptedPackage".encode("utf-16-le") in raw:
            what = "an Excel workbook protected by a password: remove the password (File, Info) and save it as .xlsx"
        else:
            what = f"an old Excel 97–2003 workbook (.xls) or a WPS spreadsheet (.et): {SAVE_AS_XLSX}"
    elif raw.startswith(b"PK\x03\x04"):
        names = _zip_names(raw)
        if any(name.startswith("xl/") for name in names):
            if suffix not in WORKBOOKS:
                what = f"an Excel workbook, not {suffix or 'text'}: name it .xlsx (or {SAVE_AS_XLSX})"
        elif "content.xml" in names or "mimetype" in names:
            what = f"an OpenDocument spreadsheet (.ods): {SAVE_AS_XLSX}"
        elif any(name.startswith("word/") for name in names):
            what = "a Word document: put the units in a workbook (the template) or a CSV file"
        elif suffix not in WORKBOOKS:
            what = f"a zip archive (an Excel workbook?), not {suffix or 'text'}: give the workbook its name .xlsx"
    elif raw.startswith(b"%PDF"):
        what = "a PDF: unit data cannot be read from it; give the workbook or CSV file it was made from"
    elif raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        what = "UTF-16 text (Excel's “Unicode Text”): save it as “CSV UTF-8” instead"
    elif suffix in (*WORKBOOKS, ".xls", ".et") and raw.lstrip()[:1] == b"<":
        what = f"a web page or XML file, not a workbook (an export from a web system?): {SAVE_AS_XLSX}"
    elif suffix in WORKBOOKS and not raw:
        what = "empty (0 bytes), not a workbook: save the workbook again, or send it again"
    elif suffix in WORKBOOKS:
        what = f"not an Excel workbook (a text file renamed .xlsx?): {SAVE_AS_XLSX}"
    if what is None:
        return None
    return DataError([DataProblem(shown, None, None, f"this file is {what}", code="data.wrong-format")])


def _zip_names(raw: bytes) -> set[str]:
    """The member names of a zip archive's central directory (nothing is inflated); empty when damaged."""
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            return set(archive.namelist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        return set()


def json_problem(shown: str, line: int, exc: json.JSONDecodeError) -> DataProblem:
    """The problem a JSON error is, at a line of the file (a JSON Lines file's line, or the error's own)."""
    if isinstance(exc, RefusedJSONError):
        return DataProblem(shown, None, f"line {line}", exc.msg, code=exc.code)
    return DataProblem(shown, None, f"line {line}", f"invalid JSON: {exc.msg}")


def _json_lines(text: str, shown: str) -> list[Any]:
    """One unit per line (JSON Lines); every malformed line is reported."""
    lines: list[int] = []
    records = Records(place=lambda index: f"line {lines[index]}", cell=lambda index, field: f"line {lines[index]}")
    problems: list[DataProblem] = []
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            records.append(parse_json(line))
            lines.append(number)
        except json.JSONDecodeError as exc:
            problems.append(json_problem(shown, number, exc))
        except RecursionError:
            problems.append(DataProblem(shown, None, f"line {number}", "the data is nested too deeply to be unit data"))
    if problems:
        raise DataError(problems)
    return records


def not_utf8(shown: str, suffix: str) -> DataError:
    """A data file whose bytes are not UTF-8, with the advice for the program that most likely wrote it."""
    how = "(“CSV UTF-8” in Excel's Save As)" if suffix.lower() == ".csv" else "(the editor's or exporter's encoding)"
    return DataError(
        [DataProblem(shown, None, None, f"is not UTF-8 text; save it as UTF-8 {how}; GBK is not accepted")]
    )
