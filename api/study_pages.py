"""A study as a page (`--out study.html`), plotly.js inlined once:

- compare: the KPIs as a grid (a column per scenario, the baseline first),
  the objective of each scenario as a bar, the project by scenario grid
  (its start period where selected) and what came in, went out or moved;
- frontier: the frontier chart (`charts.frontier_figure`) and its table;
- montecarlo: the histogram of the sampled optima with the base objective
  and the P10, P50 and P90 lines, the shares, and how often each project is
  selected.
"""

from __future__ import annotations

import html

from .report_format import figure_div, kpi_grid, money, number, page, percent, table
from .study_tables import comparison_tables, frontier_tables, montecarlo_tables

LAYOUT = {"template": "plotly_white", "margin": {"l": 10, "r": 10, "t": 50, "b": 40}}


def study_page(kind: str, result, title: str, portfolio) -> str:
    """The page of study `kind` (compare, frontier, montecarlo)."""
    body = {"compare": _compare, "frontier": _frontier,
            "montecarlo": _montecarlo}[kind](result, portfolio)
    return page(title, body)


def _cell(v, column: str) -> str:
    """A frame's cell for people: shares as %, money with separators."""
    if isinstance(v, float):
        if column in ("gap", "selected in", "budgets"):
            return percent(v)
        if column in ("financial value", "total cost", "risk exposure", "budget"):
            return money(v)
        return number(v, 6)
    return "" if v is None else str(v)


def _frame_table(frame) -> str:
    numeric = {c for c in frame.columns if frame[c].dtype.kind in "fi"}
    rows = [tuple(_cell(v, c) for v, c in zip(row, frame.columns, strict=True))
            for row in frame.itertuples(index=False)]
    return table([str(c) for c in frame.columns], rows, numeric)


def _compare(comparison, portfolio) -> str:
    import plotly.graph_objects as go

    tables = comparison_tables(comparison, portfolio)
    kpis = tables["scenarios"]
    grid = [(str(c), *[_cell(v, str(c)) for v in kpis[c]]) for c in kpis.columns[1:]]
    names = [html.escape(str(n), quote=False) for n in kpis["scenario"]]
    figure = go.Figure(go.Bar(x=names, y=kpis["objective"], marker_color="#1f77b4",
                              text=[number(v, 6) for v in kpis["objective"]],
                              textposition="auto"))
    figure.update_layout(title="objective by scenario", height=320, **LAYOUT)
    changed = tables["changes"]
    return (f"<p>{len(comparison.scenarios) - 1} scenario(s) against the baseline "
            f"<b>{html.escape(comparison.baseline)}</b>.</p>"
            "<h2>KPIs by scenario</h2>"
            + table(["", *list(kpis["scenario"])], grid, set(kpis["scenario"]), "kpi-grid")
            + figure_div(figure, "objectives")
            + f"<h2>came in, went out, moved ({len(changed):,})</h2>"
            + (_frame_table(changed) if len(changed) else "<p>every scenario keeps the "
               "baseline's plan.</p>")
            + "<h2>projects by scenario (start period where selected)</h2>"
            + _frame_table(tables["projects"]))


def _frontier(frontier, _portfolio) -> str:
    from .charts import frontier_figure

    points = frontier_tables(frontier)["frontier"].drop(columns=["projects"])
    return (figure_div(frontier_figure(frontier, "budget frontier"), "frontier")
            + "<h2>budget levels</h2>" + _frame_table(points))


def _montecarlo(result, portfolio) -> str:
    import plotly.graph_objects as go

    tables = montecarlo_tables(result, portfolio)
    q = result.objective
    tiles = [("samples", f"{result.samples:,}"),
             ("base plan keeps every limit in", percent(result.base_plan_holds_share)),
             ("samples with a plan", percent(result.solved_share)),
             ("base objective", number(result.base_objective, 6))]
    parts = []
    if q is not None:
        tiles += [("P10", number(q.p10, 6)), ("P50", number(q.p50, 6)),
                  ("P90", number(q.p90, 6))]
        figure = go.Figure(go.Histogram(
            x=[v for v in result.sample_objectives if v is not None], name="sampled optima",
            marker_color="#1f77b4", opacity=0.8))
        marks = [("P10", q.p10, "dash"), ("P50", q.p50, "solid"), ("P90", q.p90, "dash")]
        if result.base_objective is not None:
            marks.append(("base", result.base_objective, "dot"))
        for name, value, dash in marks:
            figure.add_vline(x=value, line_dash=dash, line_color="#d62728",
                             annotation_text=f"{name} {number(value, 4)}",
                             annotation_position="top")
        figure.update_layout(title=f"re-optimised objective over {result.samples:,} samples",
                             bargap=0.05, **LAYOUT)
        figure.update_xaxes(title_text="objective")
        figure.update_yaxes(title_text="samples")
        parts.append(figure_div(figure, "distribution"))
    return (kpi_grid(tiles) + "".join(parts)
            + "<h2>how often each project is in the sampled optimum</h2>"
            + _frame_table(tables["projects"]))
