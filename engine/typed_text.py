"""What people type into a workbook, read as they meant it: numbers typed as
text and dates in period cells.

Excel stores a number typed into a cell as a number, unless the cell is
formatted as text or the number is written in a way Excel's locale does not
read. Such text in a number column is read here, with one warning per sheet
and column naming the first cells, or refused saying what to type:

| typed | default | `settings.decimal_comma` TRUE |
|---|---|---|
| `1200`, `1200.5` | 1200, 1200.5 | `1200.5` refused: type 1200,5 |
| `1,200` / `1 200` / `1'200` (groups of three) | 1200 | `1,200` is 1.2; `1 200` 1200 |
| `1,5` | refused: type 1.5, or set decimal_comma | 1.5 |
| `1.200,50` | refused: set decimal_comma | 1200.5 |
| `80%`, `80 %` | 0.8 | 0.8 |

A date in a number column is refused (the cell was formatted as a date). A
date in a period column (`earliest_start`, `latest_start`, `capacity.period`,
`budgets.period`) that is not itself a period id is read as the one period
id that names its month, quarter or year (`2027-04`, `2027Q2`, `Q2 2027`,
`Apr 2027`, `Apr-27`, `2027`...), with a warning; any other date reads as its
ISO date (`2027-04-01`), which is also how a date in `periods.id` reads.
"""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd

from .errors import Problem
from .raw import RawPortfolio
from .schema import SINGLE_TABLES, TABLES, Column

_SPACES = re.compile(r"[\s\u00a0\u202f\u2009]+")
_PLAIN = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_PLAIN_COMMA = re.compile(r"^[+-]?\d+(,\d*)?$")
_GROUPED = re.compile(r"^[+-]?\d{1,3}(?P<sep>[, '])\d{3}((?P=sep)\d{3})*(\.\d+)?$")
_GROUPED_COMMA = re.compile(r"^[+-]?\d{1,3}(?P<sep>[. '])\d{3}((?P=sep)\d{3})*(,\d+)?$")
_COMMA_DECIMAL = re.compile(r"^[+-]?\d+([. ']\d{3})*,\d+$")
_POINT_DECIMAL = re.compile(r"^[+-]?\d+([, ']\d{3})*\.\d+$")
_FLAG_TRUE = frozenset({"true", "yes", "1", "on", "y"})


def typed_number(text: str, decimal_comma: bool = False) -> tuple[float | None, str | None]:
    """(the number, None), (None, what to type instead), or (None, None) when
    the text is no number at all (the cell's own check reports it)."""
    body = _SPACES.sub(" ", text).strip()
    percent = body.endswith("%")
    body = body.rstrip("%").strip()
    number, message = _point(body) if not decimal_comma else _comma(body)
    if number is not None and percent:
        number /= 100
    return number, message


def _point(body: str) -> tuple[float | None, str | None]:
    """A decimal point, and a comma, space or apostrophe between thousands."""
    if _PLAIN.match(body):
        return float(body), None
    if _GROUPED.match(body):
        return float(re.sub(r"[, ']", "", body)), None
    if _COMMA_DECIMAL.match(body):
        return None, (f"'{body}' has a decimal comma: type it with a decimal point "
                      f"({_swap(body)}), or set decimal_comma to TRUE in the settings sheet "
                      "when the whole workbook writes numbers so")
    return None, None


def _comma(body: str) -> tuple[float | None, str | None]:
    """settings.decimal_comma: a decimal comma, a point or space between thousands."""
    if _PLAIN_COMMA.match(body):
        return float(body.replace(",", ".")), None
    if _GROUPED_COMMA.match(body):
        return float(re.sub(r"[. ']", "", body).replace(",", ".")), None
    if _COMMA_DECIMAL.match(body):
        return float(re.sub(r"[. ']", "", body).replace(",", ".")), None
    if _POINT_DECIMAL.match(body):
        return None, (f"'{body}' has a decimal point, but the settings say this workbook "
                      f"writes decimal commas (decimal_comma): type {_swap(body)}")
    return None, None


def _swap(body: str) -> str:
    """The number with its decimal mark swapped and thousands marks dropped."""
    if "," in body and (body.rfind(",") > body.rfind(".")):
        return re.sub(r"[. ']", "", body).replace(",", ".")
    return re.sub(r"[, ']", "", body).replace(".", ",")


def flag(value: object) -> bool:
    """A yes/no setting as typed: TRUE, true, yes, 1."""
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in _FLAG_TRUE if value is not None else False


class _Notes:
    """Cells read from text, gathered per (table, column) into one warning each."""

    def __init__(self):
        self.seen: dict[tuple[str, str], list[str]] = {}

    def add(self, table: str, column: str, row: int | None, note: str) -> None:
        self.seen.setdefault((table, column), []).append(
            note if row is None else f"row {row}: {note}")

    def warnings(self, what: str) -> list[str]:
        out = []
        for (table, column), notes in self.seen.items():
            more = f"; {len(notes) - 3} more" if len(notes) > 3 else ""
            cells = "1 cell" if len(notes) == 1 else f"{len(notes)} cells"
            out.append(f"{table} column {column}: {what} in {cells} "
                       f"({'; '.join(notes[:3])}{more})")
        return out


def read_typed_text(raw: RawPortfolio) -> None:
    """Numbers typed as text and dates of a workbook's tables read in place
    (see the module's docstring); refusals go to `raw.problems`, readings to
    `raw.warnings`."""
    comma = flag((raw.singles.get("settings") or {}).get("decimal_comma"))
    numbers, dates = _Notes(), _Notes()
    periods = raw.tables.get("periods")
    if periods is not None and "id" in periods.columns:
        periods["id"] = periods["id"].map(_iso)
    known = _period_names(periods)
    for table, frame in raw.tables.items():
        columns = {c.name: c for c in TABLES.get(table, ())}
        for name in frame.columns:
            if frame[name].dtype.kind in "fiub":
                continue  # numbers and blanks only: nothing typed as text
            col = columns.get(name, Column(name, "str"))
            frame[name] = [_cell(table, col, row, value, (comma, known, numbers, dates, raw))
                           for row, value in zip(frame.index, frame[name], strict=True)]
    for table, items in raw.singles.items():
        rows = raw.single_rows.get(table, {})
        columns = {c.name: c for c in SINGLE_TABLES.get(table, ())}
        for key, value in items.items():
            col = columns.get(key, Column(key, "str"))
            items[key] = _cell(table, col, rows.get(key), value,
                               (comma, known, numbers, dates, raw))
    raw.warnings += numbers.warnings("numbers typed as text read as numbers")
    raw.warnings += dates.warnings("dates read as periods")


def _cell(table: str, col: Column, row: int | None, value: object, context) -> object:
    """One cell read: a number column's text or date, a period column's date."""
    comma, known, numbers, dates, raw = context
    if value is pd.NaT:
        return None
    if col.kind in ("float", "int"):
        if isinstance(value, dt.date):
            raw.problems.append(Problem(table, row, col.name, (
                f"the cell holds the date {_iso(value)}: format it as Number and type "
                "the number")))
            return _iso(value)
        if not isinstance(value, str):
            return value
        number, message = typed_number(value, comma)
        if message is not None:
            raw.problems.append(Problem(table, row, col.name, message))
            return value  # the cell's own check would say less: see validate
        if number is not None:
            numbers.add(table, col.name, row, f"'{value}' as {number:g}")
            return number
        return value
    if isinstance(value, dt.date) and col.kind == "ref:periods":
        period = _period_of(value, known)
        if period is not None and period != _iso(value):
            dates.add(table, col.name, row, f"{_iso(value)} as {period}")
            return period
    return _iso(value)


def _iso(value: object) -> object:
    """A date or date-time as ISO text (a date-time at midnight as its date)."""
    if value is pd.NaT:
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _squash(text: str) -> str:
    return re.sub(r"[\s\-_/.]", "", text).lower()


def _period_names(periods) -> dict[str, str | None]:
    """Each period id by its squashed form (None where two ids squash alike)."""
    out: dict[str, str | None] = {}
    if periods is None or "id" not in periods.columns:
        return out
    for value in periods["id"]:
        if value is None:
            continue
        key = _squash(str(value))
        out[key] = None if key in out and out[key] != str(value) else str(value)
    return out


def _period_of(value: dt.date, known: dict[str, str | None]) -> str | None:
    """The one period id naming the date's day, month, quarter or year, else None."""
    day = value.date() if isinstance(value, dt.datetime) else value
    y, m, q = day.year, day.month, (day.month - 1) // 3 + 1
    mon, month = day.strftime("%b"), day.strftime("%B")
    forms = [day.isoformat(), f"{y}{m:02d}", f"{m:02d}{y}", f"{y}{m}", f"{y}q{q}", f"q{q}{y}",
             f"{mon}{y}", f"{mon}{y % 100:02d}", f"{month}{y}", f"{month}{y % 100:02d}",
             str(y)]
    found = {known.get(_squash(f)) for f in forms} - {None}
    return found.pop() if len(found) == 1 else None
