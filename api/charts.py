"""Plots people would rather look at than read: self-contained HTML pages
(plotly, with plotly.js inlined so the page works offline)."""

from __future__ import annotations


def frontier_html(frontier, title: str) -> str:
    """The budget frontier: objective against the budget factor, the total
    cost of each plan on a second axis, each point's status and selection in
    its hover text."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    points = [p for p in frontier.points if p.objective is not None]
    percent = [100 * p.factor for p in points]
    hover = [f"{100 * p.factor:.0f} % of the budgets<br>{p.status}"
             + ("" if not p.gap else f" (gap {p.gap:.2%})")
             + f"<br>{len(p.selected)} projects<br>cost {p.total_cost:,.1f}"
             + ("" if p.marginal is None else f"<br>+{p.marginal:.4g} per extra 1 %")
             for p in points]
    figure = make_subplots(specs=[[{"secondary_y": True}]])
    figure.add_trace(go.Scatter(x=percent, y=[p.objective for p in points],
                                mode="lines+markers", name=f"objective ({frontier.objective_kind})",
                                hovertext=hover, hoverinfo="text"), secondary_y=False)
    figure.add_trace(go.Bar(x=percent, y=[p.total_cost for p in points], name="total cost",
                            opacity=0.3, hoverinfo="skip"), secondary_y=True)
    figure.update_layout(title=title, hovermode="closest", template="plotly_white",
                         legend={"orientation": "h", "y": -0.2})
    figure.update_xaxes(title_text="budgets, % of the portfolio's limits")
    figure.update_yaxes(title_text="objective", secondary_y=False)
    figure.update_yaxes(title_text="total cost", secondary_y=True, showgrid=False)
    return figure.to_html(include_plotlyjs=True, full_html=True)
