"""The plan as a workbook for a board pack: a `summary` of the headline
figures in words, a `roadmap` (a row per selected project, its periods filled
in its category's colour), `charts` (native Excel charts: spend against each
budget limit by period, skill utilisation by period) and one sheet per part
of the plan as an Excel table, names beside ids, money with thousands
separators, shares as percents, headers frozen. Parts with no rows get no
sheet. Every text a spreadsheet would run as a formula is written inert
(`engine.io.inert_cells`)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from spmo.engine.io import inert_cells

from .plan_charts import write_charts, write_roadmap

PARTS = ("selected", "excluded", "recommendations", "spend", "utilisation", "alignment",
         "conflicts", "relaxation", "funding", "sources")
MONEY = "#,##0.00"
SCORE = "0.000"
SHARE = "0.0%"
FORMATS = {"cost": MONEY, "value": MONEY, "amount": MONEY, "limit": MONEY,
           "cost_to_include": MONEY, "cost_low": MONEY, "value_delta": MONEY,
           "needed": MONEY, "demand": "#,##0.00", "capacity": "#,##0.00", "extra": "#,##0.00",
           "score": SCORE, "contribution": SCORE, "load": SHARE, "used": SHARE}
"""The number format of each column of the part sheets."""
OBJECTIVE_WORDS = {"strategic": "strategic score", "financial": "financial value",
                   "blend": "blend of strategic score and financial value"}
HEADER_FILL = "DDEBF7"


def summary_rows(plan, portfolio=None) -> list[tuple[str, object, str, str | None]]:
    """(label in words, value, the plan's field name, number format) of the
    headline figures, KPIs and warnings."""
    kind = OBJECTIVE_WORDS.get(portfolio.objective_kind, "") if portfolio is not None else ""
    k = plan.kpis
    rows = [
        ("Plan status", plan.status, "status", None),
        (f"Objective reached ({kind})" if kind else "Objective reached", plan.objective,
         "objective", None),
        ("Best possible objective (proven bound)", plan.bound, "bound", None),
        ("Gap between objective and bound", plan.gap, "gap", "0.00%"),
        ("Solver", plan.solver, "solver", None),
        ("Solve time (seconds)", plan.solve_seconds, "solve_seconds", "0.00"),
        ("Projects selected", len(plan.selected), "selected", "0"),
        ("Projects excluded", len(plan.excluded), "excluded", "0"),
        ("Strategic score of the selection", k.strategic_score, "kpis.strategic_score", SCORE),
        ("Financial value of the selection", k.financial_value, "kpis.financial_value", MONEY),
        ("Total cost of the selection", k.total_cost, "kpis.total_cost", MONEY),
        ("Risk exposure (risk x cost)", k.risk_exposure, "kpis.risk_exposure", MONEY),
        ("Selected projects that serve no objective", k.unaligned_selected,
         "kpis.unaligned_selected", "0"),
    ]
    if portfolio is not None:
        rows.insert(0, ("Portfolio", portfolio.name, "name", None))
    return rows + [("Warning", w, "warning", None) for w in plan.warnings]


def part_frame(plan, part: str, portfolio=None) -> pd.DataFrame:
    """One list of the plan as a table: lists joined by '; ', names beside
    ids (with a portfolio), utilisation's load and spend's use as shares."""
    frame = plan.frames()[part]
    for column in frame.columns:
        if frame[column].dtype == object:
            frame[column] = frame[column].map(
                lambda v: "; ".join(map(str, v)) if isinstance(v, list) else v)
    if part == "utilisation" and len(frame):
        frame["load"] = frame["demand"] / frame["capacity"].where(frame["capacity"] > 0)
    if part == "spend" and len(frame):
        frame["used"] = frame["amount"] / frame["limit"].where(frame["limit"] > 0)
    if portfolio is not None:
        frame = _named(frame, portfolio)
    return frame


def _named(frame: pd.DataFrame, portfolio) -> pd.DataFrame:
    """Project (and objective) names, categories and units beside their ids."""
    if "project" in frame.columns:
        projects = portfolio.projects
        at = frame.columns.get_loc("project") + 1
        for offset, column in enumerate(("name", "category", "business_unit")):
            frame.insert(at + offset, column if column != "name" else "project_name",
                         frame["project"].map(projects[column]).astype(object))
    if "objective" in frame.columns:
        names = portfolio.table("objectives")["name"]
        frame.insert(frame.columns.get_loc("objective") + 1, "objective_name",
                     frame["objective"].map(names).astype(object))
    return frame


def write_plan_workbook(plan, path: Path, portfolio=None) -> None:
    """The workbook (see the module's docstring); roadmap and names need the
    portfolio the plan was made for."""
    import openpyxl

    book = openpyxl.Workbook()
    _summary(book.active, plan, portfolio)
    if portfolio is not None and plan.selected:
        write_roadmap(book.create_sheet("roadmap"), plan, portfolio)
    write_charts(book, plan)
    for part in PARTS:
        frame = part_frame(plan, part, portfolio)
        if len(frame):
            _part_sheet(book.create_sheet(part), part, frame)
    inert_cells(book)  # an id '=1+2' stays text, never a live formula
    book.save(path)


def _summary(sheet, plan, portfolio) -> None:
    from openpyxl.styles import Font

    sheet.title = "summary"
    sheet.append(["figure", "value", "key"])
    for label, value, key, fmt in summary_rows(plan, portfolio):
        sheet.append([label, value, key])
        if fmt is not None:
            sheet.cell(row=sheet.max_row, column=2).number_format = fmt
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for letter, width in (("A", 44), ("B", 24), ("C", 24)):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"


def _part_sheet(sheet, part: str, frame: pd.DataFrame) -> None:
    """One part of the plan as an Excel table with formats and widths."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.table import Table, TableStyleInfo

    sheet.append(list(frame.columns))
    for record in frame.itertuples(index=False):
        sheet.append([None if _blank(v) else v for v in record])
    for index, column in enumerate(frame.columns, start=1):
        letter = get_column_letter(index)
        fmt = FORMATS.get(column)
        if fmt is not None:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = fmt
        texts = [str(column)] + [str(v) for v in frame[column].head(200) if not _blank(v)]
        sheet.column_dimensions[letter].width = min(60, max(10, *map(len, texts)) + 2)
    ref = f"A1:{get_column_letter(len(frame.columns))}{len(frame) + 1}"
    table = Table(displayName=f"plan_{part}", ref=ref)
    table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
    sheet.add_table(table)
    sheet.freeze_panes = "B2"


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, float) and value != value)
