"""The Excel template: one documented sheet per table, ready to fill in.

Every column has its help (`engine.schema`, shared with the JSON Schema) as a
comment on its header and in the README sheet; header rows are frozen;
columns have widths and number formats (shares and probabilities as
percents, amounts with thousands separators); every code column has a
drop-down of its choices, and every column naming a row of another table a
drop-down of that table's ids, through a workbook name over the whole id
column (`project_ids`, `period_ids`, `objective_ids`, `group_names`) so the
list follows the rows people add. The example rows (`template_example`) are
a tiny portfolio that solves as it stands; overwrite or delete them.
"""

from __future__ import annotations

from pathlib import Path

from spmo.engine.io import inert_cells
from spmo.engine.schema import SINGLE_TABLES, TABLES, Column

from .template_example import EXAMPLE

LAST_ROW = 1_048_576
ID_NAMES = {"periods": "period_ids", "projects": "project_ids",
            "objectives": "objective_ids", "groups": "group_names"}
"""The workbook name over each referenced table's id column."""
ID_COLUMNS = {"periods": "id", "projects": "id", "objectives": "id", "groups": "group"}
BOOL_CHOICES = ("TRUE", "FALSE")
HEADER_FILL = "DDEBF7"


def number_format(col: Column) -> str | None:
    """The cell format of a column: percent for 0-1 shares and probabilities,
    thousands separators for other numbers, whole numbers for counts."""
    if col.kind == "int":
        return "0"
    if col.kind != "float":
        return None
    if col.low == 0 and col.high == 1:
        return "0.0%"
    return "#,##0.00"


def _choices(col: Column) -> str | None:
    """The data-validation list of a column: its codes, or its table's id name."""
    if col.kind == "enum":
        return '"' + ",".join(col.choices) + '"'
    if col.kind == "bool":
        return '"' + ",".join(BOOL_CHOICES) + '"'
    if col.kind.startswith("ref:"):
        return ID_NAMES[col.kind[4:]]
    return None


def _help(col: Column) -> str:
    """The column's help with its choices, as its header comment says it."""
    choices = f" One of: {', '.join(col.choices)}." if col.choices else ""
    return f"{col.doc}.{choices}" + (" Required." if col.required else "")


def _validation(col: Column, cells: str):
    """A drop-down over `cells` for a code or id column (None for others)."""
    from openpyxl.worksheet.datavalidation import DataValidation

    formula = _choices(col)
    if formula is None:
        return None
    check = DataValidation(type="list", formula1=formula, allow_blank=not col.required,
                           showErrorMessage=True, errorTitle=col.name,
                           error=f"{col.doc}.", promptTitle=col.name[:32],
                           prompt=col.doc[:255], showInputMessage=True)
    check.add(cells)
    return check


def _style_column(sheet, index: int, col: Column, last: int) -> None:
    """Header comment and look, width, number format and drop-down of one column."""
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    letter = get_column_letter(index)
    header = sheet.cell(row=1, column=index)
    header.font = Font(bold=col.required)
    header.fill = PatternFill("solid", fgColor=HEADER_FILL)
    header.comment = Comment(_help(col), "spmo", width=300, height=120)
    sheet.column_dimensions[letter].width = max(12, min(32, len(col.name) + 4))
    fmt = number_format(col)
    if fmt is not None:
        sheet.column_dimensions[letter].number_format = fmt
        for row in range(2, last + 1):
            sheet.cell(row=row, column=index).number_format = fmt
    check = _validation(col, f"{letter}2:{letter}{LAST_ROW}")
    if check is not None:
        sheet.add_data_validation(check)


def _table_sheet(book, table: str, columns: tuple[Column, ...]) -> None:
    sheet = book.create_sheet(table)
    sheet.append([c.name for c in columns])
    for record in EXAMPLE.get(table, []):
        sheet.append([record.get(c.name) for c in columns])
    for index, col in enumerate(columns, start=1):
        _style_column(sheet, index, col, sheet.max_row)
    sheet.freeze_panes = "A2"


def _single_sheet(book, table: str, columns: tuple[Column, ...]) -> None:
    """A key/value sheet: a row per key, its help beside it."""
    from openpyxl.comments import Comment
    from openpyxl.styles import Font

    sheet = book.create_sheet(table)
    sheet.append(["key", "value", "help"])
    for row, col in enumerate(columns, start=2):
        value = EXAMPLE.get(table, {}).get(col.name)
        sheet.append([col.name, value, _help(col)])
        sheet.cell(row=row, column=1).comment = Comment(_help(col), "spmo")
        if number_format(col):
            sheet.cell(row=row, column=2).number_format = number_format(col)
        check = _validation(col, f"B{row}")
        if check is not None:
            sheet.add_data_validation(check)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for letter, width in (("A", 22), ("B", 14), ("C", 90)):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"


README_LINES = (
    "spmo portfolio workbook: one sheet per table, the column names in row 1, a record "
    "per row.",
    "Hover over a column's name for its help (also listed below). Required columns are "
    "bold. Blank cells mean 'no constraint' or the default.",
    "Code columns and columns naming another table's rows have drop-downs; the lists "
    "grow as you add rows to periods, projects, objectives and groups.",
    "The rows already filled in are an example (projects EX1 and EX2) that solves as it "
    "stands: try `spmo solve` on this file, then overwrite or delete them.",
    "Numbers typed as text (1,200 / 1 200 / 80%) are read with a warning; set "
    "decimal_comma to TRUE in settings if you write 1.200,50.",
    "Sheets whose name starts with '_', and this README, are ignored: keep notes there. "
    "risk_appetite and settings are key/value sheets.",
)


def _readme(book) -> None:
    from openpyxl.styles import Font

    readme = book.active
    readme.title = "README"
    for line in README_LINES:
        readme.append([line])
    readme.append([])
    readme.append(["table", "column", "required", "help"])
    for cell in readme[readme.max_row]:
        cell.font = Font(bold=True)
    for table, columns in {**TABLES, **SINGLE_TABLES}.items():
        for c in columns:
            readme.append([table, c.name, "yes" if c.required else "", _help(c)])
    for letter, width in (("A", 16), ("B", 22), ("C", 10), ("D", 110)):
        readme.column_dimensions[letter].width = width


def _id_names(book) -> None:
    """A workbook name over each referenced id column, header excluded."""
    from openpyxl.utils import get_column_letter
    from openpyxl.workbook.defined_name import DefinedName

    for table, name in ID_NAMES.items():
        index = [c.name for c in TABLES[table]].index(ID_COLUMNS[table]) + 1
        letter = get_column_letter(index)
        book.defined_names[name] = DefinedName(
            name, attr_text=f"{table}!${letter}$2:${letter}${LAST_ROW}")


def write_template(path: Path) -> None:
    """The template workbook (see the module's docstring)."""
    import openpyxl

    book = openpyxl.Workbook()
    _readme(book)
    for table, columns in TABLES.items():
        _table_sheet(book, table, columns)
    for table, columns in SINGLE_TABLES.items():
        _single_sheet(book, table, columns)
    _id_names(book)
    inert_cells(book)
    book.save(path)
