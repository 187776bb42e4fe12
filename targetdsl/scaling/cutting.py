"""Unit data cut into parts for an evaluation in parts (`partition.py`), each part read where it runs.

A part is records that follow one another in the data: a byte range of a JSON Lines file, cut at line
starts (`Lines`); a byte range of a CSV file read under its header line (`Rows`), when no row of the
file spans lines; or records already read (`Records`), in runs. Several files (or the files of a
folder) are cut one after another, each into parts of its own, so that a part names its file.

The cutting reads through a file once, line by line, holding nothing but where each part starts and
how many records it probably holds (non-blank lines: a line a reader refuses is no record, which the
driver finds out and corrects). A CSV file is cut by bytes only where that cannot change what is
read: every quotation mark closed on its own line, no lone carriage return, no NUL, no line longer
than a cell may be, UTF-8 throughout, a header on one line. Otherwise it is read here and sent in
runs of records, and `Cut.notes` says why, for the command line to show.

This module must not validate a record or judge a value: it only says where parts begin.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO, Any

import attrs

from targetdsl.files import FileReadError, open_regular
from targetdsl.scaling.stream import file_records, json_lines
from targetdsl.units.tabular import csv_records, header_columns
from targetdsl.values import DataError, DataProblem, Located


@attrs.frozen
class Records:
    """Records already read, one after another in the data."""

    records: Sequence[Any]
    trailing: tuple[DataProblem, ...] = ()  # what the reader found wrong after them (it stopped there)
    shown: str | None = None  # the file they were read from, as messages name it (None: the job's)
    # read from a file: each record's line, and where a field of a record at a line is (tabular.CsvPlaces)
    lines: Sequence[int] | None = None
    place: Callable[[int, str], str | None] | None = None

    def read(self, shown: str) -> tuple[Iterator[Any], Callable[[], None]]:
        if self.lines is not None and self.place is not None:
            return Located(self._located(self.lines), self.place), _nothing
        return self._records(), _nothing

    def _records(self) -> Iterator[Any]:
        yield from self.records
        if self.trailing:
            raise DataError(list(self.trailing))

    def _located(self, lines: Sequence[int]) -> Iterator[tuple[Any, int]]:
        yield from zip(self.records, lines, strict=True)
        if self.trailing:
            raise DataError(list(self.trailing))


@attrs.frozen
class Lines:
    """The lines of a JSON Lines file that start in the byte range [start, end); `line` is the first's number."""

    path: str
    start: int
    end: int
    line: int
    shown: str | None = None

    def read(self, shown: str) -> tuple[Iterator[Any], Callable[[], None]]:
        handle = _open(self.path, shown)
        handle.seek(self.start)
        return json_lines(_range(handle, self.start, self.end), shown, self.line), handle.close


@attrs.frozen
class Rows:
    """The rows of a CSV file on the lines that start in the byte range [start, end), each row on a line
    of its own, read under the file's `header` line; `line` is the first's number."""

    path: str
    header: str
    start: int
    end: int
    line: int
    shown: str | None = None

    def read(self, shown: str) -> tuple[Iterator[Any], Callable[[], None]]:
        handle = _open(self.path, shown)
        handle.seek(self.start)
        lines = (line.decode("utf-8") for line in _range(handle, self.start, self.end))
        # named as a stream of the whole file names it (`file_records`: the path as a Path)
        return csv_records(Path(self.path), lines, header=self.header, first=self.line), handle.close


Chunk = Records | Lines | Rows


@attrs.frozen
class Cut:
    """The data cut into chunks, in the order of the data; the records before each, as far as the
    cutting can tell; and why a file was not cut by bytes where that was wanted."""

    chunks: list[Chunk]
    before: list[int]
    notes: tuple[str, ...] = ()
    count: int = 0  # the records in all (as far as the cutting can tell)


def _open(path: str, shown: str) -> IO[bytes]:
    if "://" in path:  # a URL any fsspec file system reads (s3://, gs://, hdfs://…)
        import fsspec  # type: ignore[import-untyped]  # an optional dependency, of the dask extra

        opened: IO[bytes] = fsspec.open(path, "rb").open()
        return opened
    try:
        return open_regular(path)
    except FileReadError as exc:
        raise DataError([DataProblem(shown, None, None, exc.reason)]) from None


def _range(handle: IO[bytes], start: int, end: int) -> Iterator[bytes]:
    at = start
    for line in handle:
        if at >= end:
            return
        at += len(line)
        yield line


def _nothing() -> None:
    pass


def line_ranges(path: str, shown: str, parts: int) -> Cut:
    """A JSON Lines file cut at line starts into about `parts` ranges of equal size, with the number of
    non-blank lines before each (the records before it, unless a line is refused) and in all."""
    handle = _open(path, shown)
    try:
        size = _size(handle)
        step = max(1, -(-size // max(1, parts)))
        ranges: list[Lines] = []
        before: list[int] = []
        at = start = 0
        line = counted = 0
        first_line = 1
        first_counted = 0
        for read in handle:
            line += 1
            if at >= start + step and at > start:
                ranges.append(Lines(path, start, at, first_line, shown))
                before.append(first_counted)
                start, first_line, first_counted = at, line, counted
            text = read[3:] if line == 1 and read.startswith(b"\xef\xbb\xbf") else read
            if text.strip():
                counted += 1
            at += len(read)
        ranges.append(Lines(path, start, max(at, start), first_line, shown))
        before.append(first_counted)
        return Cut(list(ranges), before, count=counted)
    finally:
        handle.close()


def _size(handle: IO[bytes]) -> int:
    handle.seek(0, io.SEEK_END)
    size = handle.tell()
    handle.seek(0)
    return size


BLANK_CSV = b" \t\r\n,"  # a line of nothing but these is a blank row, which no reader counts as a record


def row_ranges(path: str, shown: str, parts: int) -> Cut | str:
    """A CSV file cut at line starts into about `parts` ranges of equal size, with the rows probably
    before each and in all (non-blank lines); or why it cannot be cut by bytes."""
    handle = _open(path, shown)
    try:
        size = _size(handle)
        step = max(1, -(-size // max(1, parts)))
        header: str | None = None
        ranges: list[Rows] = []
        before: list[int] = []
        at = start = 0
        line = counted = first_counted = 0
        first_line = 1
        for read in handle:
            line += 1
            why = _unsafe(read, line)
            if why is not None:
                return why
            at += len(read)
            if header is None:
                text = (read[3:] if line == 1 and read.startswith(b"\xef\xbb\xbf") else read).decode("utf-8")
                cells = next(csv.reader([text]), [])
                if any(cell.strip() for cell in cells):  # the first row that is not blank, as a stream reads it
                    try:
                        header_columns(str(Path(path)), cells)
                    except DataError:
                        return "its header has a problem"
                    header = text
                    start, first_line = at, line + 1
                continue
            if at - len(read) >= start + step and at - len(read) > start:
                ranges.append(Rows(path, header, start, at - len(read), first_line, shown))
                before.append(first_counted)
                start, first_line, first_counted = at - len(read), line, counted
            if read.strip(BLANK_CSV):
                counted += 1
        if header is None:
            return "it holds no header row"
        ranges.append(Rows(path, header, start, max(at, start), first_line, shown))
        before.append(first_counted)
        return Cut(list(ranges), before, count=counted)
    finally:
        handle.close()


def _unsafe(read: bytes, number: int) -> str | None:
    """Why a CSV line keeps its file from being cut by bytes, or None."""
    if read.count(b'"') % 2:
        return f"a quoted cell on line {number} goes on past the line's end"
    if b"\r" in read.rstrip(b"\r\n") or read.endswith(b"\r"):
        return f"line {number} ends in a lone carriage return"
    if b"\x00" in read:
        return f"line {number} holds a NUL byte"
    if len(read) > csv.field_size_limit():
        return f"line {number} is longer than a cell may be"
    try:
        read.decode("utf-8")
    except UnicodeDecodeError:
        return f"line {number} is not UTF-8 text"
    return None


def record_runs(
    records: Sequence[Any],
    parts: int,
    lines: Sequence[int] | None = None,
    place: Callable[[int, str], str | None] | None = None,
) -> list[Records]:
    """Records cut into `parts` runs of nearly equal length (at least one run, none empty but the only one);
    read from a file, each run keeps its records' `lines` and how to `place` a field at a line."""
    parts = max(1, min(parts, len(records))) if records else 1
    size, extra = divmod(len(records), parts)
    runs, at = [], 0
    for number in range(parts):
        length = size + (number < extra)
        kept = None if lines is None else lines[at : at + length]
        runs.append(Records(records[at : at + length], (), None, kept, place))
        at += length
    return runs


def chunks_of(source: str | os.PathLike[str] | Iterable[Any], shown: str, parts: int) -> Cut:
    """The data cut into about `parts` chunks, with the records before each: a JSON Lines file by byte
    ranges at line starts, a CSV file so too where that is safe (else by runs of the records read here),
    records by runs. Raises DataError for a file that cannot be read at all."""
    if not isinstance(source, (str, os.PathLike)):
        return _runs(list(source), parts)
    return files_cut([os.fspath(source)], [shown], parts)


def files_cut(paths: Sequence[str], shown: Sequence[str], parts: int, *, named: bool = False) -> Cut:
    """JSON Lines and CSV files cut one after another, each into parts in proportion to its size (at least
    one), with the records before each part across the files. With `named`, every part names its file
    (the data are several files)."""
    sizes = [0 if "://" in path else os.path.getsize(path) for path in paths]
    whole = sum(sizes) or 1
    chunks: list[Chunk] = []
    before: list[int] = []
    notes: list[str] = []
    first = 0
    for path, name, size in zip(paths, shown, sizes, strict=True):
        share = parts if len(paths) == 1 else max(1, round(parts * size / whole))
        cut = _file_cut(path, name, share)
        chunks += [attrs.evolve(c, shown=name if named else None) for c in cut.chunks]
        before += [first + b for b in cut.before]
        notes += cut.notes
        first += cut.count
    return Cut(chunks, before, tuple(notes), first)


def _file_cut(path: str, shown: str, parts: int) -> Cut:
    local = "://" not in path
    if local:  # the checks a stream makes before reading: a regular file, of the format its name says
        records, close = file_records(path)
        close()
    if path.lower().endswith(".jsonl"):
        return line_ranges(path, shown, parts)
    cut = row_ranges(path, shown, parts) if local else "a CSV file at a URL is read here"
    if not isinstance(cut, str):
        return cut
    note = f"{shown}: not cut by bytes ({cut}): read by this process and sent to the parts in runs of records"
    records, close = file_records(path)
    read: list[Any] = []
    located = records if isinstance(records, Located) else None
    lines: list[int] | None = None if located is None else []
    trailing: tuple[DataProblem, ...] = ()
    try:
        for record in records:
            read.append(record)
            if located is not None and lines is not None:
                lines.append(located.at)
    except DataError as exc:
        trailing = tuple(exc.problems)
    finally:
        close()
    cut = _runs(read, parts, trailing, lines, None if located is None else located.place)
    return attrs.evolve(cut, notes=(note,) if parts > 1 else ())


def _runs(
    records: list[Any],
    parts: int,
    trailing: tuple[DataProblem, ...] = (),
    lines: Sequence[int] | None = None,
    place: Callable[[int, str], str | None] | None = None,
) -> Cut:
    runs = record_runs(records, parts, lines, place)
    if trailing:
        runs[-1] = attrs.evolve(runs[-1], trailing=trailing)
    firsts, first = [], 0
    for run in runs:
        firsts.append(first)
        first += len(run.records)
    return Cut(list(runs), firsts, count=first)


CUT = (".jsonl", ".csv")  # the data files an evaluation in parts cuts; others are read whole, in one process


class UncutFileError(ValueError):
    """A data file of a kind an evaluation in parts does not cut (a workbook, a YAML document)."""

    def __init__(self, file: str):
        super().__init__(f"an evaluation in parts reads .jsonl and .csv files, not {file}: evaluate it in one process")
        self.file = file


@attrs.frozen
class Several:
    """Data given as several files or a folder: its data files, and whether each can be cut as it is
    (`clean`: nothing in a folder refused, no file given twice); when not, one process's reading says
    what is wrong (`gathering.gather`)."""

    given: list[str | os.PathLike[str]]  # as given: what one process reads to report a problem
    files: list[str]
    clean: bool


def several(data: Any) -> Several | None:
    """The data files of data given as a list of paths or a folder; None for one file, or records.
    Raises UncutFileError when one of them is a data file an evaluation in parts does not cut."""
    from targetdsl.units.gathering import expand

    if isinstance(data, (str, os.PathLike)):
        if not os.path.isdir(data):
            return None
    elif not (isinstance(data, (list, tuple)) and data and all(isinstance(p, (str, os.PathLike)) for p in data)):
        return None
    paths: list[str | os.PathLike[str]] = [data] if isinstance(data, (str, os.PathLike)) else list(data)
    files, problems = expand(paths)
    other = [f for f in files if Path(f).suffix.lower() not in CUT]
    if other:
        raise UncutFileError(other[0])
    seen = set()
    clean = not problems
    for file in files:
        try:
            status = os.stat(file)
        except OSError:
            clean = False
            continue
        key = (status.st_dev, status.st_ino)
        clean = clean and key not in seen
        seen.add(key)
    return Several(paths, files, clean)
