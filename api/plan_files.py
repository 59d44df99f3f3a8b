"""A plan written for people: `.json` (the plan object), `.xlsx` (summary,
roadmap, charts and a sheet per part of the plan: `plan_workbook`) or `.html` (a page with charts of
spend and skill utilisation and the tables, plotly.js inlined)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

PLAN_SUFFIXES = (".json", ".xlsx", ".html")
PARTS = ("selected", "excluded", "recommendations", "spend", "utilisation", "alignment",
         "conflicts", "relaxation", "funding", "sources")


def write_plan(plan, path: Path, title: str, portfolio=None) -> None:
    """Write `plan` to `path` in the format its suffix names (PLAN_SUFFIXES);
    the workbook shows names and a roadmap when given the portfolio."""
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        from .plan_workbook import write_plan_workbook

        write_plan_workbook(plan, path, portfolio)
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
