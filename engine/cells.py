"""Typing the cells of one table: every column coerced, every bad cell reported.

`type_table(name, frame)` returns the typed frame and the problems of its
cells (missing required columns, blanks in required columns, values of the
wrong type or outside their bounds, unknown enum values, bad ids, duplicate
keys). Cross-table rules live in `engine.validate`.

Cells are typed one by one in plain Python (`number_cell`, `text_cell`):
each returns the typed value and, for a bad cell, the message; tables are
small enough that this is faster than many vectorised passes.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from .errors import Problem
from .schema import ID_KEYS, TABLES, Column

FORBIDDEN_ID_CHARS = ",[]"
NON_FINITE_TEXT = frozenset({"nan", "-nan", "+nan", "inf", "+inf", "-inf", "infinity",
                             "+infinity", "-infinity"})
_NOT_SCALAR = list | dict | tuple | set


class NonFinite(str):
    """A NaN or Infinity literal met in a JSON file: always an invalid number."""


def as_text(value: object) -> object:
    """An id or label as a string: 7 and 7.0 and "7" are the same id."""
    if value is None or isinstance(value, NonFinite):
        return value
    if isinstance(value, float):
        if math.isnan(value):
            return None
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, bool | np.bool_):
        return str(bool(value)).lower()
    text = str(value).strip()
    return text or None


def shown(value: object) -> str:
    """A cell as the user wrote it, for messages: numpy scalars unwrapped."""
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, NonFinite):
        return str(value)
    return repr(value)


def is_blank(value: object) -> bool:
    """A missing cell: None, a pandas/float NaN (not a NaN literal), blank text."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float) and not isinstance(value, NonFinite):
        return math.isnan(value)
    return isinstance(value, str) and not isinstance(value, NonFinite) and not value.strip()


def _parse_number(value: object) -> float | None:
    """The finite float a cell holds, or None when it is not one."""
    if isinstance(value, bool | np.bool_ | NonFinite | _NOT_SCALAR):
        return None
    if isinstance(value, str):
        text = value.strip()
        if text.lower() in NON_FINITE_TEXT:
            return None
        value = text
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return number if math.isfinite(number) else None


def number_cell(value: object, col: Column) -> tuple[float, str | None]:
    """(float or NaN for blank/bad, message or None) for a float or int column."""
    if is_blank(value):
        return math.nan, None
    number = _parse_number(value)
    if number is None:
        return math.nan, f"expected a finite number, got {shown(value)}"
    if col.kind == "int" and number != round(number):
        return math.nan, f"expected a whole number, got {number}"
    if col.low is not None and number < col.low - 1e-12:
        return math.nan, f"must be >= {col.low:g}, got {number:g}"
    if col.high is not None and number > col.high + 1e-12:
        hint = f" (a share: type {number:g}% or {number / 100:g})" \
            if col.high == 1 and number <= 100 else ""
        return math.nan, f"must be <= {col.high:g}, got {number:g}{hint}"
    return number, None


def text_cell(value: object, col: Column, names_row: bool) -> tuple[str | None, str | None]:
    """(text or None for blank/bad, message or None) for an id, ref, str or enum column."""
    if isinstance(value, NonFinite | _NOT_SCALAR):
        return None, f"expected a single text value, got {shown(value)}"
    text = as_text(value)
    if text is None:
        return None, None
    if col.kind == "enum":
        text = text.lower()
        if text not in col.choices:
            return None, f"must be one of {', '.join(col.choices)}, got {shown(value)}"
    if names_row and any(c in text for c in FORBIDDEN_ID_CHARS):
        return None, "ids may not contain ',', '[' or ']'"
    return text, None


def _names_a_row(table: str, col: Column) -> bool:
    """Whether the column's values appear in constraint row names (no `,[]` allowed)."""
    return (col.kind == "id" or col.kind.startswith("ref:")
            or col.name in ("skill", "group", "pool", "source")
            or (table, col.name) in (("budgets", "category"), ("balance", "value")))


def _type_column(table: str, col: Column, frame: pd.DataFrame,
                 problems: list[Problem]) -> pd.Series:
    """Coerce one column to its kind, reporting every bad cell (and required blanks)."""
    numeric = col.kind in ("float", "int")
    series = frame[col.name]
    if numeric and series.dtype.kind in "fiu":
        return _type_numeric_fast(table, col, series, problems)
    names_row = _names_a_row(table, col)
    if not numeric and pd.api.types.infer_dtype(series, skipna=True) == "string":
        return _type_text_fast(table, col, series, names_row, problems)
    out = []
    for row, value in zip(frame.index, frame[col.name].tolist(), strict=True):
        typed, message = number_cell(value, col) if numeric else \
            text_cell(value, col, names_row)
        if message is None and col.required and is_blank(value):
            message = "required value is blank"
        if message is not None:
            problems.append(Problem(table, int(row), col.name, message))
        out.append(typed)
    if numeric:
        return pd.Series(out, index=frame.index, dtype="float64")
    return pd.Series(out, index=frame.index, dtype=object)


def _type_numeric_fast(table: str, col: Column, series: pd.Series,
                       problems: list[Problem]) -> pd.Series:
    """A column already held as numbers (JSON): the same checks as number_cell,
    vectorised; only the bad cells go through number_cell for their message."""
    values = series.astype("float64")
    array = values.to_numpy()
    bad = np.isinf(array)
    if col.kind == "int":
        bad |= np.isfinite(array) & (array != np.round(array))
    if col.low is not None:
        bad |= array < col.low - 1e-12
    if col.high is not None:
        bad |= array > col.high + 1e-12
    blank = np.isnan(array)
    for row in series.index[bad]:
        problems.append(Problem(table, int(row), col.name, number_cell(series[row], col)[1]))
    if col.required:
        for row in series.index[blank]:
            problems.append(Problem(table, int(row), col.name, "required value is blank"))
    return values.where(~bad)


def _type_text_fast(table: str, col: Column, series: pd.Series, names_row: bool,
                    problems: list[Problem]) -> pd.Series:
    """A column of Python strings (and blanks): the same result as text_cell,
    computed once per distinct value; only the bad cells go through text_cell
    for their message."""
    code, distinct = pd.factorize(series, use_na_sentinel=True)
    typed = [text_cell(value, col, names_row) for value in distinct]
    value = np.array([t for t, _ in typed] + [None], dtype=object)[code]
    bad = np.array([m is not None for _, m in typed] + [False])[code]
    for i in np.flatnonzero(series.isin(["NaN", "Infinity", "-Infinity"]).to_numpy()):
        value[i], message = text_cell(series.iloc[i], col, names_row)  # NonFinite == "NaN"
        bad[i] = message is not None
    value[bad] = None
    for row in series.index[bad]:
        problems.append(Problem(table, int(row), col.name,
                                text_cell(series[row], col, names_row)[1]))
    if col.required:
        for row in series.index[pd.isna(value) & ~bad]:
            problems.append(Problem(table, int(row), col.name, "required value is blank"))
    return pd.Series(value, index=series.index, dtype=object)


def _blank_column(col: Column, index: pd.Index) -> pd.Series:
    """A column the table does not have: all blank, of the column's dtype."""
    if col.kind in ("float", "int"):
        return pd.Series(np.nan, index=index, dtype="float64")
    return pd.Series([None] * len(index), index=index, dtype=object)


def type_table(table: str, frame: pd.DataFrame) -> tuple[pd.DataFrame, list[Problem], list[str]]:
    """The typed table (contract columns only), its cell problems and warnings."""
    problems: list[Problem] = []
    columns = TABLES[table]
    known = {c.name for c in columns}
    warnings = [f"{table}: unknown column '{extra}' ignored"
                for extra in frame.columns if extra not in known]
    typed = {}
    for col in columns:
        if col.name in frame.columns:
            typed[col.name] = _type_column(table, col, frame, problems)
            continue
        if col.required and len(frame):
            problems.append(Problem(table, None, col.name, "required column is missing"))
        typed[col.name] = _blank_column(col, frame.index)
    out = pd.DataFrame(typed, index=frame.index)
    problems += _duplicate_keys(table, out, problems)
    return out, problems, warnings


def _duplicate_keys(table: str, frame: pd.DataFrame, problems: list[Problem]) -> list[Problem]:
    """Rows whose key columns repeat an earlier row. Rows with a bad key cell
    are left out (their key is unknown, not blank), as are tables missing a
    key column (already reported)."""
    keys = ID_KEYS.get(table)
    if not keys or frame.empty:
        return []
    if any(p.row is None and p.column in keys for p in problems):
        return []  # a key column is missing altogether
    bad = {p.row for p in problems if p.row is not None and p.column in keys}
    columns = [frame[k].tolist() for k in keys]
    first: dict[tuple, int] = {}
    out = []
    for i, row in enumerate(frame.index.tolist()):
        if row in bad:
            continue
        key = tuple("" if v is None else v for v in (c[i] for c in columns))
        if key in first:
            where = ", ".join(f"{k}={v or '(blank)'}" for k, v in zip(keys, key, strict=True))
            out.append(Problem(table, int(row), keys[0],
                               f"duplicate {where} (first at row {first[key]})"))
        else:
            first[key] = row
    return out
