"""A plan written for people: `.json` (the plan object), `.xlsx`
(`plan_workbook`: summary, roadmap, charts and a sheet per part of the plan,
for PMO analysts) or `.html` (`report_html`: a report with a roadmap, value
against risk, contribution by objective and the tables, plotly.js inlined)."""

from __future__ import annotations

from pathlib import Path

PLAN_SUFFIXES = (".json", ".xlsx", ".html")


def write_plan(plan, path: Path, title: str, portfolio=None) -> None:
    """Write `plan` to `path` in the format its suffix names (PLAN_SUFFIXES);
    the workbook and the page read names, categories, risk and costs from
    `portfolio`, the portfolio the plan is of, when it is given."""
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        from .plan_workbook import write_plan_workbook

        write_plan_workbook(plan, path, portfolio)
    elif suffix == ".html":
        from .report_html import plan_page

        path.write_text(plan_page(portfolio, plan, title), encoding="utf-8")
    else:
        path.write_text(plan.model_dump_json(indent=1), encoding="utf-8")
