"""The charts of a plan's report (plotly figures; `report_html` lays them out).

Every figure reads the plan and, for names, categories, risk and costs, the
portfolio it came from:

- `roadmap`: one bar per selected project, from its start period to its
  finish period (inclusive), rows ordered by start, coloured by category;
- `bubbles`: every project at (risk, financial value), the bubble's area
  proportional to its total cost (sum of its `costs` rows), selected ones
  filled, excluded ones open and grey;
- `contribution`: the strategic score by objective, sum over the selected
  projects of weight x score (the plan's alignment rows);
- `excluded_codes`: how many projects each reason code keeps out;
- `spend` and `utilisation`: spend against each limit by period, and skill
  demand over capacity.
"""

from __future__ import annotations

import html
import math

import pandas as pd

from .report_format import label as plain_label
from .report_format import money

PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
           "#7f7f7f", "#bcbd22", "#17becf")
ROADMAP_ROWS = 150
"""Projects the roadmap draws at most (the earliest starts); the title says
how many more the table of selected projects holds."""
LAYOUT = {"template": "plotly_white", "margin": {"l": 10, "r": 10, "t": 50, "b": 40}}


def label(project: str, name: str | None) -> str:
    """'P01 Name' for a chart: escaped, as plotly reads text as HTML."""
    return html.escape(plain_label(project, name), quote=False)


def _esc(text) -> str:
    return html.escape(str(text), quote=False)


def project_facts(portfolio) -> pd.DataFrame:
    """Per project (indexed by id): name, category, risk (0 when blank), total
    cost (sum of its costs rows) and financial value (`value`, else the sum
    of its benefits rows)."""
    projects = portfolio.projects
    costs = portfolio.table("costs").groupby("project")["amount"].sum()
    benefits = portfolio.table("benefits").groupby("project")["amount"].sum()
    facts = pd.DataFrame(index=projects.index)
    facts["name"] = projects["name"].fillna("").astype(str)
    facts["category"] = projects["category"].fillna("(none)").astype(str)
    facts["risk"] = pd.to_numeric(projects["risk"], errors="coerce").fillna(0.0)
    facts["cost"] = costs.reindex(facts.index).fillna(0.0)
    value = pd.to_numeric(projects["value"], errors="coerce")
    facts["value"] = value.fillna(benefits.reindex(facts.index)).fillna(0.0)
    return facts


def colours(categories) -> dict[str, str]:
    """A colour per category, in sorted order (the same category, the same colour)."""
    return {c: PALETTE[i % len(PALETTE)] for i, c in enumerate(sorted(set(categories)))}


def roadmap(portfolio, plan):
    """Selected projects by start period: a bar from start to finish per project."""
    import plotly.graph_objects as go

    facts = project_facts(portfolio)
    index = {p: i for i, p in enumerate(portfolio.periods)}
    ordered = sorted(plan.selected, key=lambda s: (index.get(s.start, 0), s.project))
    rows = ordered[:ROADMAP_ROWS]
    more = "" if len(ordered) <= ROADMAP_ROWS else \
        f" (the first {ROADMAP_ROWS} of {len(ordered):,}: all in the table below)"
    palette = colours(facts.loc[[s.project for s in rows], "category"]) if rows else {}
    figure = go.Figure()
    for category, colour in palette.items():
        mine = [s for s in rows if facts.at[s.project, "category"] == category]
        figure.add_trace(go.Bar(
            orientation="h", name=category, marker_color=colour,
            y=[label(s.project, facts.at[s.project, "name"]) for s in mine],
            base=[index[s.start] - 0.45 for s in mine],
            x=[index[s.finish] - index[s.start] + 0.9 for s in mine],
            hovertext=[f"{label(s.project, facts.at[s.project, 'name'])}<br>{s.start} to "
                       f"{s.finish}<br>cost {money(s.cost)}" for s in mine],
            hoverinfo="text"))
    order = [label(s.project, facts.at[s.project, "name"]) for s in rows]
    figure.update_layout(title="roadmap: selected projects by start period" + more,
                         barmode="overlay",
                         height=max(300, 60 + 24 * len(rows)), legend_title_text="category",
                         **LAYOUT)
    figure.update_xaxes(tickvals=list(range(len(portfolio.periods))),
                        ticktext=[_esc(t) for t in portfolio.periods],
                        range=[-0.6, len(index) - 0.4])
    figure.update_yaxes(categoryorder="array", categoryarray=order[::-1], automargin=True)
    return figure


def bubbles(portfolio, plan):
    """Value against risk, area by total cost; selected filled, excluded open."""
    import plotly.graph_objects as go

    facts = project_facts(portfolio)
    chosen = {s.project for s in plan.selected}
    largest = max(1.0, float(facts["cost"].max() or 0.0))
    figure = go.Figure()
    for name, ids, style in (
            ("selected", [p for p in facts.index if p in chosen],
             {"color": "#2ca02c", "line": {"width": 1, "color": "#1b5e20"}}),
            ("excluded", [p for p in facts.index if p not in chosen],
             {"color": "rgba(150,150,150,0.15)", "line": {"width": 1.5, "color": "#777"}})):
        rows = facts.loc[ids]
        figure.add_trace(go.Scatter(
            x=rows["risk"], y=rows["value"], mode="markers", name=name,
            marker={**style, "size": [6 + 44 * math.sqrt(c / largest) for c in rows["cost"]],
                    "sizemode": "diameter"},
            hovertext=[f"{label(p, r['name'])}<br>{name}<br>risk {r['risk']:.0%}<br>value "
                       f"{money(r['value'])}<br>cost {money(r['cost'])}"
                       for p, r in rows.iterrows()], hoverinfo="text"))
    figure.update_layout(title="value against risk (bubble area: total cost)", **LAYOUT)
    figure.update_xaxes(title_text="risk of failing to deliver", tickformat=".0%")
    figure.update_yaxes(title_text="financial value", tickformat=",.0f")
    return figure


def contribution_rows(portfolio, plan) -> list[tuple[str, str, float]]:
    """(objective, name, sum of weight x score over the selected projects), in
    the objectives' order; objectives no selected project serves give 0."""
    total = {}
    for row in plan.alignment:
        total[row.objective] = total.get(row.objective, 0.0) + row.contribution
    objectives = portfolio.table("objectives")
    names = objectives["name"] if "name" in objectives else pd.Series(dtype=object)
    ids = list(objectives.index) or sorted(total)
    return [(str(o), str(names.get(o) or "") if o in names.index else "",
             total.get(str(o), 0.0)) for o in ids]


def contribution(portfolio, plan):
    """The strategic score by objective (weight x score summed over the plan)."""
    import plotly.graph_objects as go

    rows = contribution_rows(portfolio, plan)
    whole = sum(v for _, _, v in rows) or 1.0
    figure = go.Figure(go.Bar(
        x=[v for _, _, v in rows], y=[label(o, n) for o, n, _ in rows], orientation="h",
        marker_color="#1f77b4", text=[f"{v:.3f} ({v / whole:.0%})" for _, _, v in rows],
        textposition="auto", hoverinfo="text"))
    figure.update_layout(title="contribution by objective (weight x alignment score)",
                         height=max(250, 80 + 40 * len(rows)), **LAYOUT)
    figure.update_yaxes(autorange="reversed", automargin=True)
    return figure


def excluded_codes(plan):
    """How many excluded projects each reason code names, most first."""
    import plotly.graph_objects as go

    counts = pd.Series([e.code for e in plan.excluded], dtype=object).value_counts()
    figure = go.Figure(go.Bar(x=list(counts.index), y=[int(v) for v in counts.values],
                              text=[str(int(v)) for v in counts.values], textposition="auto",
                              marker_color="#7f7f7f"))
    figure.update_layout(title="excluded projects by reason", height=320, **LAYOUT)
    figure.update_yaxes(title_text="projects", tickformat="d")
    return figure


def spend(plan):
    """Spend against each limit that has a period (None without one)."""
    import plotly.graph_objects as go

    rows = [s for s in plan.spend if s.limit is not None and s.period]
    if not rows:
        return None
    names = [_esc(s.constraint) for s in rows]
    figure = go.Figure([
        go.Bar(x=names, y=[s.amount for s in rows], name="spent",
               hovertext=[f"{_esc(s.constraint)}: {money(s.amount)} of {money(s.limit)}"
                          for s in rows], hoverinfo="text"),
        go.Scatter(x=names, y=[s.limit for s in rows], mode="markers", name="limit",
                   marker={"symbol": "line-ew-open", "size": 18})])
    figure.update_layout(title="spend against each budget", **LAYOUT)
    figure.update_yaxes(tickformat=",.0f")
    return figure


def utilisation(plan):
    """Skill demand over capacity by period (None without capacity)."""
    import plotly.graph_objects as go

    use = [u for u in plan.utilisation if u.capacity]
    if not use:
        return None
    frame = pd.DataFrame([{"skill": _esc(u.skill), "period": _esc(u.period),
                           "load": u.demand / u.capacity} for u in use])
    grid = frame.pivot_table(index="skill", columns="period", values="load", sort=False)
    figure = go.Figure(go.Heatmap(z=grid.to_numpy(), x=list(grid.columns), y=list(grid.index),
                                  colorscale="RdYlGn_r", zmin=0,
                                  zmax=max(1.2, float(frame["load"].max())),
                                  colorbar={"title": "demand / capacity", "tickformat": ".0%"},
                                  hovertemplate="%{y} %{x}: %{z:.0%}<extra></extra>"))
    figure.update_layout(title="skill utilisation (above 100 %: bought capacity)", **LAYOUT)
    return figure
