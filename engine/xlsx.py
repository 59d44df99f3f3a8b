"""Reading an Excel workbook safely: one sheet per table, header in row 1, the
sheet row numbering the records.

Nothing in the workbook runs: openpyxl parses its XML through defusedxml
(a dependency: entity expansion and external entities are refused), formulas
are read as the values Excel saved (`data_only`), external links are not
loaded, macros of an `.xlsm` are never read. Before any sheet is parsed the
file is held to `LIMITS` (its size on disk, its size unzipped, the number of
sheets, rows and columns), each breach a problem naming the sheet and the row.
Text typed into number and period cells is read by `engine.typed_text`.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .errors import InvalidPortfolio, Problem
from .raw import RawPortfolio, frame_from_rows, single_from_frame
from .schema import SINGLE_TABLES, TABLES
from .typed_text import read_typed_text


@dataclass(frozen=True)
class Limits:
    """The most spmo reads of one workbook."""

    file_bytes: int = 100 * 2**20
    unzipped_bytes: int = 1024 * 2**20
    sheets: int = 64
    rows: int = 500_000
    columns: int = 200


LIMITS = Limits()

EXAMPLE_PREFIX = "Example:"
"""The start of the template's example projects' names (api/template_example.py)."""


def read_workbook(path: Path, limits: Limits = LIMITS) -> RawPortfolio:
    """The workbook's tables as read (see the module's docstring)."""
    import openpyxl

    _check_archive(path, limits)
    book = openpyxl.load_workbook(path, read_only=True, data_only=True, keep_links=False)
    formulas = openpyxl.load_workbook(path, read_only=True, data_only=False,
                                      keep_links=False) if _has_formulas(path) else None
    try:
        raw = _read_sheets(book, formulas, limits)
    finally:
        book.close()
        if formulas is not None:
            formulas.close()
    raw.name = raw.name or path.stem
    read_typed_text(raw)
    raw.warnings += _examples_left(raw)
    return raw


def _examples_left(raw: RawPortfolio) -> list[str]:
    """A warning for each of the template's example projects still in the workbook."""
    projects = raw.tables.get("projects")
    if projects is None or "name" not in projects.columns:
        return []
    return [f"projects row {row}: '{name}' is one of the template's example rows: delete "
            "the example rows unless you mean to keep it"
            for row, name in projects["name"].items()
            if isinstance(name, str) and name.startswith(EXAMPLE_PREFIX)]


def _check_archive(path: Path, limits: Limits) -> None:
    """The file's size, unzipped size and sheet count within `limits`, or one
    problem each (before anything is parsed: a zip bomb stops here)."""
    size = path.stat().st_size
    problems = []
    if size > limits.file_bytes:
        problems.append(Problem("file", None, None, (
            f"{path.name} is {size / 2**20:,.0f} MB: spmo reads workbooks up to "
            f"{limits.file_bytes / 2**20:,.0f} MB (save the tables as a CSV folder)")))
    else:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
        unzipped = sum(i.file_size for i in infos)
        sheets = sum(1 for i in infos if i.filename.startswith("xl/worksheets/sheet"))
        if unzipped > limits.unzipped_bytes:
            problems.append(Problem("file", None, None, (
                f"{path.name} unzips to {unzipped / 2**20:,.0f} MB: spmo reads workbooks "
                f"up to {limits.unzipped_bytes / 2**20:,.0f} MB unzipped")))
        if sheets > limits.sheets:
            problems.append(Problem("file", None, None, (
                f"{path.name} has {sheets} sheets: spmo reads at most {limits.sheets}")))
    if problems:
        raise InvalidPortfolio(problems)


def _sheet_rows(sheet, title: str, limits: Limits, problems: list[Problem]) -> list[tuple]:
    """The sheet's rows as values, cut at `limits.rows` and `limits.columns`
    (a problem naming the sheet and the first row beyond)."""
    rows = []
    for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
        if number > limits.rows:
            problems.append(Problem(title, number, None, (
                f"the sheet has more than {limits.rows:,} rows: spmo reads at most "
                f"{limits.rows:,} per sheet (blank rows count when they are formatted; "
                "delete them, or save the tables as a CSV folder)")))
            break
        if len(row) > limits.columns and any(v is not None for v in row[limits.columns:]):
            problems.append(Problem(title, number, None, (
                f"the row has cells beyond column {limits.columns}: spmo reads at most "
                f"{limits.columns} columns")))
            break
        rows.append(row[:limits.columns])
    return rows


def _read_sheets(book, formulas, limits: Limits) -> RawPortfolio:
    """Every table sheet as a frame; `README` and sheets starting with `_` skipped."""
    raw = RawPortfolio(None, {}, {})
    for sheet in book.worksheets:
        title = sheet.title.strip()
        if title.startswith("_") or title == "README":
            continue
        rows = _sheet_rows(sheet, title, limits, raw.problems)
        if not rows:
            continue
        if formulas is not None:
            raw.problems.extend(_uncached(title, rows,
                                          formulas[sheet.title].iter_rows(values_only=True)))
        numbered = [(i, list(r)) for i, r in enumerate(rows[1:], start=2)]
        frame = frame_from_rows(list(rows[0]), numbered, title, raw.problems)
        _place(raw, title, frame)
    return raw


def _place(raw: RawPortfolio, title: str, frame: pd.DataFrame) -> None:
    """A sheet's frame put where its title says (or a warning for an unknown one)."""
    if title in SINGLE_TABLES:
        raw.singles[title] = single_from_frame(frame, title, raw.problems, raw.single_rows)
    elif title in TABLES:
        raw.tables[title] = frame
    elif title == "portfolio":
        raw.name = single_from_frame(frame, title, raw.problems).get("name")
    else:
        raw.warnings.append(f"unknown sheet '{title}' ignored")


_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")


def _has_formulas(path: Path) -> bool:
    """Whether any worksheet of the workbook holds a formula (a quick look at
    its XML, so that workbooks without formulas are read once)."""
    with zipfile.ZipFile(path) as archive:
        return any(_FORMULA_TAG.search(archive.read(n)) for n in archive.namelist()
                   if n.startswith("xl/worksheets/") and n.endswith(".xml"))


def _uncached(title: str, values: list[tuple], formulas) -> list[Problem]:
    """A problem for each formula cell without a saved value: a program that
    does not compute formulas (openpyxl, pandas, many exporters) wrote the
    workbook, and reading the cell as blank would change the portfolio
    silently."""
    from openpyxl.utils import get_column_letter

    header = values[0]
    out = []
    for number, (row, texts) in enumerate(zip(values, formulas, strict=False), start=1):
        for i, (value, text) in enumerate(zip(row, texts, strict=False)):
            if value is None and text is not None and (
                    not isinstance(text, str) or text.startswith("=")):
                formula = text if isinstance(text, str) else getattr(text, "text", "a formula")
                column = header[i] if number > 1 and i < len(header) and header[i] is not None \
                    else get_column_letter(i + 1)
                out.append(Problem(title, number, str(column), (
                    f"the formula {formula} has no saved value (the file was written by a "
                    "program that does not calculate): open and save it in Excel or "
                    "LibreOffice, or type the value")))
    return out
