"""The tables of a portfolio exactly as read (`RawPortfolio`), and the helpers
every file form shares to make them: cleaning a cell, a frame from numbered
rows, a key/value sheet as a dict."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

from .errors import Problem


@dataclass
class RawPortfolio:
    """The tables exactly as read, before any typing or checking."""

    name: str | None
    tables: dict[str, pd.DataFrame]
    singles: dict[str, dict]
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    single_rows: dict[str, dict[str, int]] = field(default_factory=dict)
    """Per single object, the sheet row / CSV line of each key (Excel and CSV only)."""


def clean_cell(value: object) -> object:
    """Blank strings become None, as do NaN floats; other values stay (a
    workbook's dates too: `engine.typed_text` reads them by their column)."""
    if isinstance(value, str):
        value = value.strip()
        return value or None
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def frame_from_rows(header: list, rows: list[tuple[int, list]], table: str,
                     problems: list[Problem]) -> pd.DataFrame:
    """A DataFrame from a header and numbered rows; blank rows dropped."""
    names = [None if h is None else str(clean_cell(h) or "") or None for h in header]
    keep = [i for i, n in enumerate(names) if n is not None]
    columns = [names[i] for i in keep]
    seen = set()
    for col in columns:
        if col in seen:
            problems.append(Problem(table, 1, col, "duplicate column in the header"))
        seen.add(col)
    records, index = [], []
    for number, values in rows:
        cells = [clean_cell(values[i]) if i < len(values) else None for i in keep]
        if all(c is None for c in cells):
            continue
        records.append(cells)
        index.append(number)
    frame = pd.DataFrame(records, columns=columns, index=pd.Index(index, dtype="int64"))
    return frame.loc[:, ~frame.columns.duplicated()]


def single_from_frame(frame: pd.DataFrame, table: str, problems: list[Problem],
                       rows: dict[str, dict[str, int]] | None = None) -> dict:
    """A key/value sheet or CSV as a dict; `rows` gets each key's row number."""
    if frame.empty:
        return {}
    if "key" not in frame.columns or "value" not in frame.columns:
        problems.append(Problem(table, 1, None, "needs two columns named key and value"))
        return {}
    out, where = {}, {}
    for row, k, v in zip(frame.index, frame["key"], frame["value"], strict=True):
        if k is None:
            continue
        key = str(k).strip()
        if key in out:
            problems.append(Problem(table, int(row), "key",
                                    f"duplicate key '{key}' (first at row {where[key]})"))
            continue
        out[key], where[key] = v, int(row)
    if rows is not None:
        rows[table] = where
    return out


