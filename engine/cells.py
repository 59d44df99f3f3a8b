"""Typing the cells of one table: every column coerced, every bad cell reported.

`type_table(name, frame)` returns the typed frame and the problems of its
cells (missing required columns, blanks in required columns, values of the
wrong type or outside their bounds, unknown enum values, bad ids, duplicate
keys). Cross-table rules live in `engine.validate`.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from .errors import Problem
from .schema import ID_KEYS, TABLES, Column

FORBIDDEN_ID_CHARS = ",[]"


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
    if isinstance(value, bool):
        return str(value).lower()
    text = str(value).strip()
    return text or None


def _flag(series: pd.Series, test) -> pd.Series:
    """A boolean Series: test(value) for every cell."""
    return pd.Series(np.fromiter((bool(test(v)) for v in series), bool, len(series)),
                     index=series.index)


def _numeric(series: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Floats, and a mask of cells that were given but are not finite numbers."""
    given = series.notna()
    if series.dtype == object:
        is_str = _flag(series, lambda v: isinstance(v, str))
        bad_text = is_str & series.where(is_str, "").astype(str).str.strip().str.lower().isin(
            ["nan", "inf", "+inf", "-inf", "infinity", "-infinity", "+infinity"])
        is_bool = _flag(series, lambda v: isinstance(v, bool))
        values = pd.to_numeric(series.mask(is_bool), errors="coerce").astype("float64")
        bad = (given & values.isna()) | bad_text | is_bool
    else:
        values = pd.to_numeric(series, errors="coerce").astype("float64")
        bad = given & values.isna()
    bad = bad | np.isinf(values.fillna(0.0))
    return values.where(~bad), bad.astype(bool)


def _report(problems: list, table: str, column: str, mask: pd.Series, message) -> None:
    """One problem per masked row; `message` is text or a function of the cell."""
    for row in mask.index[mask.to_numpy()]:
        text = message(row) if callable(message) else message
        problems.append(Problem(table, int(row), column, text))


def _type_column(table: str, col: Column, series: pd.Series, problems: list) -> pd.Series:
    """Coerce one column to its kind, reporting every bad cell."""
    if col.kind in ("float", "int"):
        values, bad = _numeric(series)
        _report(problems, table, col.name, bad,
                lambda r: f"expected a finite number, got {series[r]!r}")
        if col.kind == "int":
            frac = values.notna() & (values != values.round())
            _report(problems, table, col.name, frac,
                    lambda r: f"expected a whole number, got {values[r]}")
            values = values.where(~frac)
        if col.low is not None:
            low = values < col.low - 1e-12
            _report(problems, table, col.name, low,
                    lambda r: f"must be >= {col.low:g}, got {values[r]:g}")
            values = values.where(~low)
        if col.high is not None:
            high = values > col.high + 1e-12
            _report(problems, table, col.name, high,
                    lambda r: f"must be <= {col.high:g}, got {values[r]:g}")
            values = values.where(~high)
        return values
    text = series.map(as_text, na_action="ignore").astype(object)
    text = text.where(text.notna(), None)
    if col.kind == "enum":
        text = text.map(lambda v: v.lower() if isinstance(v, str) else v)
        wrong = text.notna() & ~text.isin(col.choices)
        _report(problems, table, col.name, wrong,
                lambda r: f"must be one of {', '.join(col.choices)}, got {series[r]!r}")
        text = text.where(~wrong, None)
    if col.kind == "id" or col.kind.startswith("ref:") or col.name in ("skill", "group", "pool"):
        bad = _flag(text, lambda v: isinstance(v, str) and any(c in v for c in FORBIDDEN_ID_CHARS))
        _report(problems, table, col.name, bad, "ids may not contain ',', '[' or ']'")
        text = text.where(~bad, None)
    return text


def type_table(table: str, frame: pd.DataFrame) -> tuple[pd.DataFrame, list[Problem], list[str]]:
    """The typed table (contract columns only), its cell problems and warnings."""
    problems: list[Problem] = []
    warnings: list[str] = []
    columns = TABLES[table]
    known = {c.name for c in columns}
    for extra in frame.columns:
        if extra not in known:
            warnings.append(f"{table}: unknown column '{extra}' ignored")
    typed = {}
    for col in columns:
        if col.name not in frame.columns:
            if col.required and len(frame):
                problems.append(Problem(table, None, col.name, "required column is missing"))
            typed[col.name] = pd.Series([None] * len(frame), index=frame.index, dtype=object) \
                if col.kind not in ("float", "int") else \
                pd.Series(np.nan, index=frame.index, dtype="float64")
            continue
        series = frame[col.name]
        typed[col.name] = _type_column(table, col, series, problems)
        if col.required:
            blank = _flag(series, lambda v: as_text(v) is None)
            _report(problems, table, col.name, blank, "required value is blank")
    out = pd.DataFrame(typed, index=frame.index)
    problems += _duplicate_keys(table, out)
    return out, problems, warnings


def _duplicate_keys(table: str, frame: pd.DataFrame) -> list[Problem]:
    """Rows whose key columns repeat an earlier row."""
    keys = ID_KEYS.get(table)
    if not keys or frame.empty:
        return []
    key_frame = frame[list(keys)].astype(object).where(frame[list(keys)].notna(), "")
    if keys == ("id",) and key_frame["id"].eq("").all():
        return []
    dup = key_frame.duplicated(keep="first")
    first = {}
    for row, key in zip(key_frame.index, map(tuple, key_frame.to_numpy()), strict=True):
        first.setdefault(key, row)
    out = []
    for row in key_frame.index[dup.to_numpy()]:
        key = tuple(key_frame.loc[row])
        shown = ", ".join(f"{k}={v or '(blank)'}" for k, v in zip(keys, key, strict=True))
        out.append(Problem(table, int(row), keys[0],
                           f"duplicate {shown} (first at row {first[key]})"))
    return out
