"""Last year's results in: the file a previous evaluation wrote, read so that a policy can score a unit
against its own result last year (进位: places gained; growth against last year's total).

The results are what `targetdsl evaluate` wrote (`--format jsonl`, one unit a line, or `--format
json`, the whole assessment), or an `Assessment` in the library. Each unit's class, rank, total and
grade are kept (`Result`); an input declared `from last year rank` takes its unit's value from here
(`data.Validator` puts it where the data would have given it, so that every path reads it alike).
Every problem is a coded `DataProblem` (`data.last-year`) naming the results file and the place of
the unit in it: a file that is no results file, a unit listed twice, a result of another year, and,
once this year's units are known (`problems`), a result for a unit this year's data lack or one of
another class. This module validates; it computes nothing.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

import attrs

from targetdsl.language.schema import Schema
from targetdsl.numeric import plausible
from targetdsl.units.data import identifier, text_of
from targetdsl.units.documents import read_document
from targetdsl.values import DataError, DataProblem, Records

CODE = "data.last-year"


@attrs.frozen
class Result:
    """One unit's result last year: what an input may read of it, and where the file gives it."""

    unit_class: str
    rank: int
    total: Decimal
    grade: str | None
    place: str  # `line 4` of a JSON Lines file, `units[4]` of a JSON one

    def value(self, field: str) -> Any:
        """The result an input reads (`rank`, `total`, `grade`), as the data would give it; None for a
        grade the unit did not have (not graded, or no grades)."""
        if field == "rank":
            return self.rank
        if field == "total":
            return self.total
        return self.grade


@attrs.frozen
class LastYear:
    """Last year's results by unit id, and the file they were read from (as messages name it)."""

    results: dict[str, Result]
    file: str

    def problems(self, classes: Mapping[str, str | None]) -> list[DataProblem]:
        """What this year's units (id → class; None for a unit whose data have a problem of their own)
        make of last year's results: a result for a unit not in this year's data, or of another class,
        is an error (its rank was among other units)."""
        found = []
        for unit_id, result in self.results.items():
            if unit_id not in classes:
                message = "a result last year for a unit that is not in this year's data"
            elif (now := classes[unit_id]) is not None and now != result.unit_class:
                message = f"last year's result is of class {result.unit_class}, this year the unit is of class {now}"
            else:
                continue
            found.append(DataProblem(self.file, unit_id, result.place, message, code=CODE))
        return found


LastYearSource = str | os.PathLike[str] | Mapping[str, Any] | list[Any] | LastYear  # a LastYear: already read


def load_last_year(schema: Schema, source: Any, *, year: int | None = None) -> LastYear:
    """Last year's results from a results file (.jsonl or .json), an Assessment, its JSON or a list of its
    units. `year`, the assessment's, is the policy's when not given: a results file that says its year
    must say the year before. Raises DataError listing every problem. Results already read are
    returned as they are (a period's data and the last period's read them alike)."""
    if isinstance(source, LastYear):
        return source
    file = "<last year>"
    if isinstance(source, (str, os.PathLike)):
        file = os.fspath(source)
        if os.path.splitext(file)[1].lower() not in (".jsonl", ".json"):
            raise DataError(
                [
                    DataProblem(
                        file,
                        None,
                        None,
                        "last year's results are the .jsonl or .json file `targetdsl evaluate` wrote",
                        code=CODE,
                    )
                ]
            )
        document: Any = read_document(source)
    elif hasattr(source, "to_json"):
        document = source.to_json()
    else:
        document = source
    problems: list[DataProblem] = []
    units = document
    if isinstance(document, Mapping):
        units = document.get("units")
        said = document.get("year")
        wanted = (schema.year if year is None else year) or 0
        if said is not None and wanted and said != wanted - 1:
            problems.append(
                DataProblem(
                    file, None, "year", f"these are the results of {said}, not of the year before {wanted}", code=CODE
                )
            )
    if not isinstance(units, list):
        expected = "expected the results of an evaluation: its units, each with id, class, rank, total and grade"
        raise DataError([DataProblem(file, None, None, expected, code=CODE)])
    results: dict[str, Result] = {}
    for index, record in enumerate(units):
        place = (units.place(index) if isinstance(units, Records) else None) or f"units[{index + 1}]"
        result, unit_id, message = _result(record, place)
        if result is None or unit_id is None:
            problems.append(DataProblem(file, unit_id, place, message, code=CODE))
        elif unit_id in results:
            first = results[unit_id].place
            problems.append(DataProblem(file, unit_id, place, f"listed twice (also {first})", code=CODE))
        else:
            results[unit_id] = result
    if problems:
        raise DataError(problems)
    return LastYear(results, file)


def _result(record: Any, place: str) -> tuple[Result | None, str | None, str]:
    """One unit's result, or None with its id (when it has one) and what is wrong with it."""
    if not isinstance(record, Mapping):
        return None, None, "expected a unit's result: id, class, rank, total and grade"
    typed = text_of(record.get("id"))
    unit_id = identifier(typed) if typed is not None and typed.strip() else None
    if unit_id is None:
        return None, None, "a unit's result without its id"
    unit_class = text_of(record.get("unit_class"))
    if unit_class is None or not unit_class.strip():
        return None, unit_id, "a unit's result without its class (`unit_class`)"
    rank: Any = record.get("rank")
    whole = type(rank) is int or (isinstance(rank, Decimal) and rank.is_finite() and rank == rank.to_integral_value())
    if not whole or rank < 1:
        return None, unit_id, "a unit's result without its rank, a whole number from 1"
    try:
        total = Decimal(str(record.get("total")))
    except InvalidOperation:
        total = Decimal("NaN")
    if not total.is_finite() or not plausible(total):
        return None, unit_id, "a unit's result without its total"
    grade = record.get("grade")
    word = text_of(grade) if grade is not None else None
    if grade is not None and (word is None or not word.strip()):
        return None, unit_id, "a unit's grade is a word, or `null` when it had none"
    kept = Result(identifier(unit_class), int(rank), total, word.strip() if word is not None else None, place)
    return kept, unit_id, ""
