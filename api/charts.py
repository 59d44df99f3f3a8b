"""Plots people would rather look at than read: self-contained HTML pages
(plotly, with plotly.js inlined so the page works offline)."""

from __future__ import annotations


def frontier_figure(frontier, title: str):
    """The budget frontier: objective against the budget factor, the total
    cost of each plan on a second axis, each point's status and selection in
    its hover text. A proven level is a filled marker; an unproven one (its
    solve stopped at the time limit) an open marker, with a bar up to its
    bound where it has one."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    points = [p for p in frontier.points if p.objective is not None]
    percent = [100 * p.factor for p in points]
    hover = [f"{100 * p.factor:.0f} % of the budgets<br>{_status(p)}"
             + ("" if p.plan_of is None else
                f"<br>the plan of the {100 * p.plan_of:.0f} % level")
             + f"<br>{len(p.selected)} projects<br>cost {p.total_cost:,.1f}"
             + ("" if p.marginal is None else f"<br>+{p.marginal:.4g} per extra 1 %")
             for p in points]
    above = [0.0 if p.proven or p.bound is None else max(0.0, p.bound - p.objective)
             for p in points]
    figure = make_subplots(specs=[[{"secondary_y": True}]])
    figure.add_trace(go.Scatter(
        x=percent, y=[p.objective for p in points], mode="lines+markers",
        name=f"objective ({frontier.objective_kind}; open: not proven)",
        marker={"symbol": ["circle" if p.proven else "circle-open" for p in points],
                "size": 9},
        error_y={"type": "data", "symmetric": False, "array": above,
                 "arrayminus": [0.0] * len(points), "visible": any(above)},
        hovertext=hover, hoverinfo="text"), secondary_y=False)
    figure.add_trace(go.Bar(x=percent, y=[p.total_cost for p in points], name="total cost",
                            opacity=0.3, hoverinfo="skip"), secondary_y=True)
    figure.update_layout(title=title, hovermode="closest", template="plotly_white",
                         legend={"orientation": "h", "y": -0.2})
    figure.update_xaxes(title_text="budgets, % of the portfolio's limits")
    figure.update_yaxes(title_text="objective", secondary_y=False)
    figure.update_yaxes(title_text="total cost", secondary_y=True, showgrid=False)
    return figure


def _status(point) -> str:
    """`optimal`, or `feasible, not proven` with the bound and gap it has."""
    if point.proven:
        return point.status + ("" if not point.gap else f" (gap {point.gap:.2%})")
    if point.bound is None:
        return f"{point.status}, not proven (no bound)"
    return f"{point.status}, not proven: bound {point.bound:.6g} (gap {point.gap:.2%})"
