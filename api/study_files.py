"""A study written to a file (`compare`, `frontier`, `montecarlo --out`):
`.json` (the result object, as `--json` prints it), `.xlsx` (plain formatted
tables, one sheet each: `study_tables`) or `.html` (`study_pages`: charts and
the same tables, plotly.js inlined).

Workbooks: a bold, frozen header row, number formats by column (thousands
separators, percentages), widths to fit, and text that a spreadsheet would
run as a formula written inert.
"""

from __future__ import annotations

from pathlib import Path

from .study_tables import (
    FORMATS,
    comparison_tables,
    frontier_tables,
    montecarlo_tables,
    summary_rows,
)

STUDY_SUFFIXES = (".json", ".xlsx", ".html", ".htm")
KINDS = ("compare", "frontier", "montecarlo")


def write_study(kind: str, result, path: Path, title: str, portfolio) -> None:
    """Write the result of study `kind` (KINDS) to `path` in the format its
    suffix names (STUDY_SUFFIXES)."""
    suffix = path.suffix.lower()
    if suffix == ".json":
        path.write_text(result.model_dump_json(indent=1), encoding="utf-8")
    elif suffix == ".xlsx":
        _workbook(kind, result, path, portfolio)
    else:
        from .study_pages import study_page

        path.write_text(study_page(kind, result, title, portfolio), encoding="utf-8")


def study_tables(kind: str, result, portfolio) -> dict:
    """{sheet: frame} of the study."""
    if kind == "compare":
        return comparison_tables(result, portfolio)
    if kind == "frontier":
        return frontier_tables(result)
    return montecarlo_tables(result, portfolio)


def _workbook(kind: str, result, path: Path, portfolio) -> None:
    import pandas as pd
    from spmo.engine.io import inert_cells

    tables = study_tables(kind, result, portfolio)
    with pd.ExcelWriter(path, engine="openpyxl") as book:
        for sheet, frame in tables.items():
            frame.to_excel(book, sheet_name=sheet, index=False)
            _style(book.sheets[sheet], list(frame.columns))
        if kind == "montecarlo":
            sheet = book.sheets["summary"]
            for row, (_, _, fmt) in enumerate(summary_rows(result), start=2):
                if fmt:
                    sheet.cell(row=row, column=2).number_format = fmt
        inert_cells(book.book)  # a scenario or project '=1+2' stays text


def _style(sheet, columns: list[str]) -> None:
    """Bold frozen header, number formats by column name, widths to fit."""
    from openpyxl.styles import Font

    sheet.freeze_panes = "A2"
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for position, name in enumerate(columns, start=1):
        column = sheet.cell(row=1, column=position).column_letter
        fmt = FORMATS.get(str(name))
        if fmt:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=position, max_col=position):
                cell.number_format = fmt
        width = max([len(str(name))] + [len(str(c.value or "")) for (c,) in sheet.iter_rows(
            min_row=2, max_row=min(200, sheet.max_row), min_col=position, max_col=position)])
        sheet.column_dimensions[column].width = min(60, width + 3)
