"""A plan written for people: `.json` (the plan object), `.xlsx` (one sheet
per part of the plan, for PMO analysts) or `.html` (a page with charts of
spend and skill utilisation and the tables, plotly.js inlined)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from spmo.engine.io import inert_cells

PLAN_SUFFIXES = (".json", ".xlsx", ".html")
PARTS = ("selected", "excluded", "recommendations", "spend", "utilisation", "alignment",
         "conflicts", "relaxation")
OPTIONAL_PARTS = ("funding", "sources")
"""Sheets only a plan with funding sources has (the split, each source's use)."""


def write_plan(plan, path: Path, title: str) -> None:
    """Write `plan` to `path` in the format its suffix names (PLAN_SUFFIXES)."""
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        _workbook(plan, path)
    elif suffix == ".html":
        path.write_text(_page(plan, title), encoding="utf-8")
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
        for part in PARTS + tuple(p for p in OPTIONAL_PARTS if getattr(plan, p)):
            part_frame(plan, part).to_excel(book, sheet_name=part, index=False)
        inert_cells(book.book)  # an id '=1+2' stays text, never a live formula
        for sheet in book.sheets.values():
            for column in sheet.columns:
                width = max(len(str(c.value or "")) for c in column[:200])
                sheet.column_dimensions[column[0].column_letter].width = min(60, width + 2)


def _page(plan, title: str) -> str:
    import html

    charts = _charts(plan)
    summary = pd.DataFrame(summary_rows(plan), columns=["", "value"]).to_html(index=False)
    tables = "".join(f"<h2>{part} ({len(getattr(plan, part))})</h2>"
                     + part_frame(plan, part).to_html(index=False, na_rep="")
                     for part in PARTS if getattr(plan, part))
    return f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>body{{font-family:sans-serif;margin:2em}} table{{border-collapse:collapse;
font-size:13px}} td,th{{border:1px solid #ccc;padding:2px 6px}}</style></head>
<body><h1>{html.escape(title)}</h1>{summary}{charts}{tables}</body></html>"""


def _charts(plan) -> str:
    """Spend against limits per period, and skill demand over capacity."""
    import plotly.graph_objects as go

    parts, first = [], True
    spend = [s for s in plan.spend if s.limit is not None and s.period]
    if spend:
        names = [s.constraint for s in spend]
        figure = go.Figure([go.Bar(x=names, y=[s.amount for s in spend], name="spent"),
                            go.Scatter(x=names, y=[s.limit for s in spend], mode="markers",
                                       name="limit", marker={"symbol": "line-ew-open",
                                                             "size": 18})])
        figure.update_layout(title="spend against each budget", template="plotly_white")
        parts.append(figure.to_html(include_plotlyjs=first, full_html=False))
        first = False
    use = [u for u in plan.utilisation if u.capacity]
    if use:
        frame = pd.DataFrame([{"skill": u.skill, "period": u.period,
                               "load": u.demand / u.capacity} for u in use])
        grid = frame.pivot_table(index="skill", columns="period", values="load", sort=False)
        figure = go.Figure(go.Heatmap(z=grid.to_numpy(), x=list(grid.columns),
                                      y=list(grid.index), colorscale="RdYlGn_r", zmin=0,
                                      zmax=max(1.2, float(frame["load"].max())),
                                      colorbar={"title": "demand / capacity"}))
        figure.update_layout(title="skill utilisation (above 1: bought capacity)",
                             template="plotly_white")
        parts.append(figure.to_html(include_plotlyjs=first, full_html=False))
    return "".join(parts)
