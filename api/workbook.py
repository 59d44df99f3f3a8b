"""The Excel template: one documented sheet per table, ready to fill in."""

from __future__ import annotations

from pathlib import Path

from spmo.engine.io import inert_cells
from spmo.engine.schema import SINGLE_TABLES, TABLES


def write_template(path: Path) -> None:
    """A workbook with a README sheet, a header row per table sheet, and the
    meaning of every column as a comment on its header cell."""
    import openpyxl
    from openpyxl.comments import Comment
    from openpyxl.styles import Font

    book = openpyxl.Workbook()
    readme = book.active
    readme.title = "README"
    readme.append(["spmo portfolio workbook: one sheet per table, header in row 1."])
    readme.append(["Required columns are bold. Blank cells mean 'no constraint' or the "
                   "default. Sheets starting with '_' and this README are ignored."])
    readme.append([])
    readme.append(["table", "column", "required", "meaning"])
    for table, columns in {**TABLES, **SINGLE_TABLES}.items():
        for c in columns:
            readme.append([table, c.name, "yes" if c.required else "", c.doc or c.kind])
    for table, columns in TABLES.items():
        sheet = book.create_sheet(table)
        sheet.append([c.name for c in columns])
        for cell, col in zip(sheet[1], columns, strict=True):
            cell.font = Font(bold=col.required)
            choices = f" One of: {', '.join(col.choices)}." if col.choices else ""
            cell.comment = Comment(f"{col.doc or col.kind}.{choices}", "spmo")
    for table, columns in SINGLE_TABLES.items():
        sheet = book.create_sheet(table)
        sheet.append(["key", "value"])
        for c in columns:
            sheet.append([c.name, None])
            sheet.cell(row=sheet.max_row, column=1).comment = Comment(c.doc or c.kind, "spmo")
    inert_cells(book)
    book.save(path)
