"""The tables of a study (compare, frontier, Monte Carlo) as pandas frames,
shared by its workbook (`study_files`) and its page (`study_pages`).

Each function returns {sheet name: frame} in sheet order, and each frame's
columns carry their meaning in words; FORMATS gives the number format of a
column by name (money with thousands separators, shares as percentages).
"""

from __future__ import annotations

import pandas as pd

MONEY = "#,##0.0"
SHARE = "0.0%"
FIGURE = "#,##0.000000"
FORMATS = {
    "objective": FIGURE, "bound": FIGURE, "gap": "0.00%", "strategic score": "#,##0.000",
    "financial value": MONEY, "total cost": MONEY, "risk exposure": MONEY,
    "budget": MONEY, "budgets": "0%", "gain per +1 %": "#,##0.0000",
    "selected in": SHARE,
}


def _names(portfolio) -> pd.Series:
    return portfolio.projects["name"].fillna("").astype(str)


def comparison_tables(comparison, portfolio) -> dict[str, pd.DataFrame]:
    """`scenarios`: a row per scenario with its KPIs and counts of changes;
    `projects`: a row per project, a column per scenario holding its start
    period where selected (blank: not selected); `changes`: every project that
    came in, went out or moved start against the baseline."""
    kpis = pd.DataFrame([{
        "scenario": s.name, "status": s.status, "objective": s.objective, "gap": s.gap,
        "selected": s.selected, "strategic score": s.kpis.strategic_score,
        "financial value": s.kpis.financial_value, "total cost": s.kpis.total_cost,
        "risk exposure": s.kpis.risk_exposure, "came in": len(s.came_in),
        "went out": len(s.went_out), "moved start": len(s.moved)}
        for s in comparison.scenarios])
    names = _names(portfolio)
    grid = pd.DataFrame({"project": list(names.index), "name": list(names.values)})
    for s in comparison.scenarios:
        starts = {r.project: r.start for r in s.plan.selected}
        grid[s.name] = [starts.get(p, "") for p in grid["project"]]
    changes = [{"scenario": s.name, "project": p, "name": names.get(p, ""), "change": change,
                "baseline start": base, "start": start}
               for s in comparison.scenarios[1:]
               for p, change, base, start in
               [(p, "came in", "", _start(s, p)) for p in s.came_in]
               + [(p, "went out", _start(comparison.scenarios[0], p), "") for p in s.went_out]
               + [(m.project, "moved", m.baseline_start, m.start) for m in s.moved]]
    return {"scenarios": kpis, "projects": grid,
            "changes": pd.DataFrame(changes, columns=["scenario", "project", "name", "change",
                                                      "baseline start", "start"])}


def _start(scenario, project: str) -> str:
    return next((r.start for r in scenario.plan.selected if r.project == project), "")


def frontier_tables(frontier) -> dict[str, pd.DataFrame]:
    """`frontier`: a row per budget level (factor as a share of today's budgets)."""
    return {"frontier": pd.DataFrame([{
        "budgets": p.factor, "budget": p.budget, "status": p.status,
        "proven": "yes" if p.proven else "no", "objective": p.objective, "bound": p.bound,
        "gap": p.gap, "total cost": p.total_cost, "selected": len(p.selected),
        "gain per +1 %": p.marginal, "plan of level": p.plan_of,
        "projects": "; ".join(p.selected)} for p in frontier.points])}


def summary_rows(result) -> list[tuple[str, object, str | None]]:
    """(label, value, number format) of a Monte Carlo result's headline:
    the settings, the shares and the mean and percentiles of the optima."""
    q = result.objective
    rows = [("samples", result.samples, None), ("seed", result.seed, None),
            ("value spread (lognormal sigma)", result.value_spread, None),
            ("cost spread (lognormal sigma)", result.cost_spread, None),
            ("base objective", result.base_objective, FIGURE),
            ("base plan keeps every limit in", result.base_plan_holds_share, SHARE),
            ("samples with a plan", result.solved_share, SHARE)]
    if q is not None:
        rows += [(label, getattr(q, key), FIGURE) for key, label in
                 (("mean", "mean"), ("p5", "P5"), ("p10", "P10"), ("p50", "P50 (median)"),
                  ("p90", "P90"), ("p95", "P95"))]
    return rows


def montecarlo_tables(result, portfolio) -> dict[str, pd.DataFrame]:
    """`summary` (`summary_rows`), `samples` (each sample's re-optimised
    objective, blank without a plan) and `projects` (how often each is selected)."""
    names = _names(portfolio)
    return {
        "summary": pd.DataFrame([(k, v) for k, v, _ in summary_rows(result)],
                                columns=["", "value"]),
        "samples": pd.DataFrame({"sample": range(1, len(result.sample_objectives) + 1),
                                 "objective": result.sample_objectives}),
        "projects": pd.DataFrame([{"project": s.project, "name": names.get(s.project, ""),
                                   "in the base plan": "yes" if s.base_selected else "",
                                   "selected in": s.selected_share}
                                  for s in result.projects],
                                 columns=["project", "name", "in the base plan",
                                          "selected in"])}
