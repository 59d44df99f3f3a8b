"""Reading and writing the contract's tables: JSON, Excel workbook, CSV folder.

All three forms land in one `RawPortfolio`: a DataFrame per table whose index
is the row as the user counts it (sheet row or CSV line, header = 1; 0-based
record position in JSON), plus the two single objects. Nothing is typed or
checked here beyond the shape of the file: `engine.validate` does that, so
that every problem of every form is reported the same way.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import math
import re
from pathlib import Path

import pandas as pd

from .cells import NonFinite
from .errors import InvalidPortfolio, Problem
from .raw import RawPortfolio, frame_from_rows, single_from_frame
from .schema import SINGLE_TABLES, TABLES
from .xlsx import read_workbook

_READ_ERRORS = (OSError, ValueError, KeyError, TypeError, json.JSONDecodeError)


def read_portfolio(path: str | Path) -> RawPortfolio:
    """Read a `.json` file, an `.xlsx` workbook or a folder of CSVs.

    Raises `InvalidPortfolio` with one clear problem when the file cannot be
    read at all (missing, corrupt, not an object, no projects table).
    """
    path = Path(path)
    if not path.exists():
        raise InvalidPortfolio([Problem("file", None, None, f"{path} does not exist")])
    try:
        if path.is_dir():
            return _read_csv_folder(path)
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            return read_workbook(path)
        if path.suffix.lower() == ".json":
            return from_document(json.loads(_json_text(path), parse_constant=NonFinite))
    except InvalidPortfolio:
        raise
    except _READ_ERRORS as exc:
        raise InvalidPortfolio([Problem("file", None, None, f"cannot read {path}: {exc}")]) from exc
    except Exception as exc:  # openpyxl/zipfile raise many kinds on a corrupt workbook
        raise InvalidPortfolio([Problem("file", None, None, f"cannot read {path}: {exc}")]) from exc
    raise InvalidPortfolio([Problem("file", None, None,
                                    f"{path}: expected a .json or .xlsx file or a CSV folder")])


def _json_text(path: Path) -> str:
    """A JSON file's text: UTF-8, with or without a byte order mark."""
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise InvalidPortfolio([Problem("file", None, None, (
            f"{path.name} is not UTF-8 text (line {line}): JSON files are UTF-8; "
            "save it as UTF-8"))]) from exc


def from_document(doc: object) -> RawPortfolio:
    """A portfolio from its JSON form: an object of tables (lists of records)."""
    if not isinstance(doc, dict):
        raise InvalidPortfolio([Problem("file", None, None,
                                        "a portfolio must be a JSON object of tables")])
    problems: list[Problem] = []
    warnings: list[str] = []
    tables: dict[str, pd.DataFrame] = {}
    singles: dict[str, dict] = {}
    for key, value in doc.items():
        if key == "name":
            continue
        if key in SINGLE_TABLES:
            if value is None:
                continue
            if not isinstance(value, dict):
                problems.append(Problem(key, None, None, "must be an object of key: value"))
                continue
            singles[key] = dict(value)
        elif key in TABLES:
            if value is None:
                continue
            if not isinstance(value, list) or not all(isinstance(r, dict) for r in value):
                problems.append(Problem(key, None, None, "must be a list of records (objects)"))
                continue
            frame = pd.DataFrame.from_records(value) if value else pd.DataFrame()
            frame.index = pd.RangeIndex(len(value))
            tables[key] = frame
        else:
            warnings.append(f"unknown table '{key}' ignored")
    name = doc.get("name")
    return RawPortfolio(None if name is None else str(name), tables, singles,
                        problems, warnings)


def _read_csv_folder(path: Path) -> RawPortfolio:
    """One `TABLE.csv` per table; the file's line numbers the records. Each
    file may be separated by commas, semicolons, tabs or bars (found from its
    header) and encoded as UTF-8 (with or without a byte order mark), UTF-16
    with one, or else Windows-1252 / Latin-1 (read with a warning)."""
    if not (path / "projects.csv").exists():
        raise InvalidPortfolio([Problem("projects", None, None,
                                        f"{path} has no projects.csv")])
    problems: list[Problem] = []
    warnings: list[str] = []
    tables: dict[str, pd.DataFrame] = {}
    singles: dict[str, dict] = {}
    single_rows: dict[str, dict[str, int]] = {}
    name = None
    for file in sorted(path.glob("*.csv")):
        table = file.stem
        raw = _read_csv(file, table, problems, warnings)
        if raw is None:
            continue
        numbered = [(i, list(r)) for i, r in enumerate(raw.itertuples(index=False), start=2)]
        frame = frame_from_rows(list(raw.columns), numbered, table, problems)
        if table in SINGLE_TABLES:
            singles[table] = single_from_frame(frame, table, problems, single_rows)
        elif table in TABLES:
            tables[table] = frame
        elif table == "portfolio":
            name = single_from_frame(frame, table, problems).get("name")
        else:
            warnings.append(f"unknown file '{file.name}' ignored")
    return RawPortfolio(name or path.name, tables, singles, problems, warnings,
                        single_rows)


DELIMITERS = ",;\t|"
_DECIMAL_COMMA = re.compile(r"^[+-]?\d+,\d+$")


def _read_csv(file: Path, table: str, problems: list[Problem],
              warnings: list[str]) -> pd.DataFrame | None:
    """The file as text cells, or None with a problem naming it and the line."""
    text = _csv_text(file, table, problems, warnings)
    if text is None:
        return None
    sep = _delimiter(text)
    try:
        frame = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False,
                            skip_blank_lines=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as exc:
        line = re.search(r"line (\d+)", str(exc))
        problems.append(Problem(table, int(line.group(1)) if line else None, None,
                                f"cannot read {file.name}: {str(exc).strip()}"))
        return None
    if sep == ";" and (table in TABLES or table in SINGLE_TABLES):
        _decimal_commas(frame, file, table, warnings)
    return frame


def _csv_text(file: Path, table: str, problems: list[Problem],
              warnings: list[str]) -> str | None:
    raw = file.read_bytes()
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings = ["utf-16"]
    elif raw.startswith(codecs.BOM_UTF8):
        encodings = ["utf-8-sig"]
    else:
        encodings = ["utf-8", "cp1252", "latin-1"]
    for encoding in encodings:
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError as exc:
            if len(encodings) == 1:
                line = raw[:exc.start].count(b"\n") + 1
                problems.append(Problem(table, line, None, (
                    f"{file.name} starts as {encoding} but is not: save it as UTF-8")))
                return None
            continue
        if encoding in ("cp1252", "latin-1"):
            warnings.append(f"{file.name} is not UTF-8: read as "
                            f"{'Windows-1252' if encoding == 'cp1252' else 'Latin-1'}; "
                            "check its accents, or save it as CSV UTF-8")
        return text
    return None  # unreachable: Latin-1 decodes any bytes


def _delimiter(text: str) -> str:
    """The separator that splits the header into the most columns (a comma
    when that is a tie, e.g. a one-column file)."""
    header = text.lstrip("\ufeff").split("\n", 1)[0]
    counts = {d: len(next(csv.reader([header], delimiter=d), [])) for d in DELIMITERS}
    best = max(counts.values())
    return "," if counts[","] == best else max(counts, key=counts.get)


def _decimal_commas(frame: pd.DataFrame, file: Path, table: str, warnings: list[str]) -> None:
    """In a semicolon file, numbers written with a decimal comma ("1,5") in
    the table's number columns (or number keys) read as 1.5, with a warning."""
    single = table in SINGLE_TABLES
    numeric = {c.name for c in (SINGLE_TABLES if single else TABLES)[table]
               if c.kind in ("float", "int")}
    if single:
        if "key" not in frame.columns or "value" not in frame.columns:
            return
        rows = {"value": frame["key"].str.strip().isin(numeric)}
    else:
        rows = {c: True for c in frame.columns if c in numeric}
    changed = []
    for column, keep in rows.items():
        hit = frame[column].str.match(_DECIMAL_COMMA, na=False) & keep
        if hit.any():
            frame.loc[hit, column] = frame.loc[hit, column].str.replace(",", ".", regex=False)
            changed += [(int(i) + 2, column) for i in frame.index[hit]]
    if changed:
        line, column = min(changed)
        warnings.append(f"{file.name}: {len(changed)} decimal comma(s) read as decimal points "
                        f"(first at line {line}, column {column})")


def _records(rows: list[dict]) -> list[dict]:
    """Records without blank cells (None/NaN), for writing."""
    return [{k: v for k, v in r.items() if v is not None
             and not (isinstance(v, float) and math.isnan(v))} for r in rows]


def write_json(doc: dict, path: str | Path) -> None:
    """Write a portfolio document as JSON."""
    Path(path).write_text(json.dumps(doc, indent=1, ensure_ascii=False), encoding="utf-8")


def _ordered_columns(table: str, rows: list[dict]) -> list[str]:
    """The table's contract columns first, then any extra ones in first-seen order."""
    columns = [c.name for c in TABLES[table]]
    for r in rows:
        columns += [k for k in r if k not in columns]
    return columns


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""What a spreadsheet may run as a formula at the start of a text cell."""


def inert_cells(book) -> None:
    """Every text cell of an openpyxl workbook that a spreadsheet would run
    as a formula (FORMULA_STARTS) made plain text: stored as a string, with
    Excel's quote prefix so that editing the cell keeps it text too."""
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
                    cell.data_type = "s"
                    cell.quotePrefix = True


def write_workbook(doc: dict, path: str | Path) -> None:
    """Write a portfolio document as an Excel workbook, one sheet per table
    (text that looks like a formula stays text)."""
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    sheet = book.create_sheet("portfolio")
    sheet.append(["key", "value"])
    sheet.append(["name", doc.get("name")])
    for table in TABLES:
        rows = _records(doc.get(table) or [])
        sheet = book.create_sheet(table)
        columns = _ordered_columns(table, rows)
        sheet.append(columns)
        for r in rows:
            sheet.append([r.get(c) for c in columns])
    for table in SINGLE_TABLES:
        sheet = book.create_sheet(table)
        sheet.append(["key", "value"])
        for k, v in (doc.get(table) or {}).items():
            sheet.append([k, v])
    inert_cells(book)
    book.save(path)


def write_csv_folder(doc: dict, folder: str | Path) -> None:
    """Write a portfolio document as a folder with one `TABLE.csv` per table."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    if doc.get("name") is not None:
        pd.DataFrame({"key": ["name"], "value": [doc["name"]]}).to_csv(
            folder / "portfolio.csv", index=False)
    for table in TABLES:
        rows = _records(doc.get(table) or [])
        if rows or table in ("periods", "projects"):
            pd.DataFrame(rows, columns=_ordered_columns(table, rows)).to_csv(
                folder / f"{table}.csv", index=False)
    for table in SINGLE_TABLES:
        items = doc.get(table) or {}
        if items:
            pd.DataFrame({"key": list(items), "value": list(items.values())}).to_csv(
                folder / f"{table}.csv", index=False)
