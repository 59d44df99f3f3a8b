"""A plan written for people: `.json` (the plan object), `.xlsx` (one sheet
per part of the plan, for PMO analysts) or `.html` (`report_html`: a report
with a roadmap, value against risk, contribution by objective and the tables,
plotly.js inlined)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from spmo.engine.io import inert_cells

PLAN_SUFFIXES = (".json", ".xlsx", ".html")
PARTS = ("selected", "excluded", "recommendations", "spend", "utilisation", "alignment",
         "conflicts", "relaxation")


def write_plan(plan, path: Path, title: str, portfolio=None) -> None:
    """Write `plan` to `path` in the format its suffix names (PLAN_SUFFIXES);
    the page (`report_html`) reads names, categories, risk and costs from
    `portfolio`, the portfolio the plan is of."""
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        _workbook(plan, path)
    elif suffix == ".html":
        from .report_html import plan_page

        path.write_text(plan_page(portfolio, plan, title), encoding="utf-8")
    else:
        path.write_text(plan.model_dump_json(indent=1), encoding="utf-8")


def summary_rows(plan) -> list[tuple[str, object]]:
    """(key, value) of the plan's headline figures, KPIs and warnings."""
    rows = [("status", plan.status), ("objective", plan.objective), ("bound", plan.bound),
            ("gap", plan.gap), ("solver", plan.solver), ("solve_seconds", plan.solve_seconds),
            ("selected", len(plan.selected)), ("excluded", len(plan.excluded))]
    rows += [(f"kpis.{k}", v) for k, v in plan.kpis.model_dump().items()]
    rows += [("warning", w) for w in plan.warnings]
    return rows


def part_frame(plan, part: str) -> pd.DataFrame:
    """One list of the plan as a table (lists such as `binding` joined by '; ')."""
    frame = plan.frames()[part]
    for column in frame.columns:
        if frame[column].dtype == object:
            frame[column] = frame[column].map(
                lambda v: "; ".join(map(str, v)) if isinstance(v, list) else v)
    return frame


def _workbook(plan, path: Path) -> None:
    with pd.ExcelWriter(path, engine="openpyxl") as book:
        pd.DataFrame(summary_rows(plan), columns=["key", "value"]).to_excel(
            book, sheet_name="summary", index=False)
        for part in PARTS:
            part_frame(plan, part).to_excel(book, sheet_name=part, index=False)
        inert_cells(book.book)  # an id '=1+2' stays text, never a live formula
        for sheet in book.sheets.values():
            for column in sheet.columns:
                width = max(len(str(c.value or "")) for c in column[:200])
                sheet.column_dimensions[column[0].column_letter].width = min(60, width + 2)
