"""cost_to_include: how much the objective drops if an excluded project is forced in.

Exact: re-solve with y_p = 1 (window[p] >= 1; its force and alignment rows
lifted, as a planner's force-in would) and report OPT - OPT_p, with the
selected projects the forced plan drops (displaced). Every counterfactual is
independent, so the batch runs through scenarios.executor. For large
portfolios an estimate: the LP reduced cost of the project's best start
(first-order drop of the LP optimum when x_j is pushed to 1), marked so.
"""

from __future__ import annotations

import dataclasses

import numpy as np
from spmo.engine.model.linear import LinearModel
from spmo.solvers.base import SolveOptions, Status
from spmo.solvers.registry import pick

SOLVE_LIMIT_S = 10.0
"""Time limit of one counterfactual; an unproven one is reported as an estimate."""


def forced(model: LinearModel, project: str, mode: str = "in") -> LinearModel:
    """The model with a project forced: `in` (selected; its force and alignment
    rows lifted), `out` (not selected) or `now` (selected, starting in period 0)."""
    lo, hi, ub = model.row_lo.copy(), model.row_hi.copy(), model.ub.copy()
    own = model.starts.index[(model.starts["project"] == project).to_numpy()].to_numpy()
    if mode == "out":
        ub[own] = 0.0
    else:
        lo[model.row_name == f"window[{project}]"] = 1.0
        for family in ("force", "alignment"):
            rows = model.row_name == f"{family}[{project}]"
            lo[rows], hi[rows] = -np.inf, np.inf
        if mode == "now":
            ub[own[model.starts["start"].to_numpy()[own] > 0]] = 0.0
    return dataclasses.replace(model, row_lo=lo, row_hi=hi, ub=ub)


def solve_forced(task: tuple) -> dict:
    """One counterfactual (top-level so a process pool can run it)."""
    model, project, mode, solver, options = task
    result = pick(solver, model).solve(forced(model, project, mode), options)
    out = {"project": project, "mode": mode, "status": result.status.value, "objective": None,
           "bound": result.bound, "selected": []}
    if result.x is not None:
        out["objective"] = float(model.c @ result.x)
        chosen = result.x[: len(model.starts)] > 0.5
        out["selected"] = sorted(set(model.starts["project"][chosen]))
    return out


def exact_costs(model: LinearModel, tasks: list[tuple[str, str]], objective: float,
                proven: bool, solver: str, options: SolveOptions,
                progress=None) -> dict[tuple[str, str], dict]:
    """Objective drop per (project, mode) counterfactual, by re-solves.

    Each entry: infeasible, or cost = OPT - OPT_forced (>= 0), exact when both
    solves are proven optimal, low = the least drop the bound proves, and the
    forced plan's selection."""
    from .executor import run_batch

    single = dataclasses.replace(options, workers=1, hint=None,
                                 time_limit_s=min(options.time_limit_s, SOLVE_LIMIT_S))
    results = run_batch(solve_forced, [(model, p, m, solver, single) for p, m in tasks],
                        progress=progress)
    out = {}
    for r in results:
        key = (r["project"], r["mode"])
        status = Status(r["status"])
        if status == Status.INFEASIBLE:
            out[key] = {"infeasible": True}
        elif r["objective"] is None:
            out[key] = {"cost": None, "exact": False, "low": None, "selected": []}
        else:
            low = None if r["bound"] is None else max(0.0, objective - r["bound"])
            out[key] = {"cost": max(0.0, objective - r["objective"]),
                        "exact": proven and status == Status.OPTIMAL, "low": low,
                        "selected": r["selected"]}
    return out


def lp_estimates(model: LinearModel, projects: list[str]) -> dict[str, float]:
    """-reduced cost of each project's best start in the LP relaxation (>= 0)."""
    import highspy
    from spmo.solvers.highs import HighsBackend, _quiet_highs

    h = _quiet_highs(highspy)
    lp = HighsBackend.translate(dataclasses.replace(
        model, integer=np.zeros_like(model.integer)), highspy)
    h.passModel(lp)
    h.run()
    dual = np.asarray(h.getSolution().col_dual, dtype=float)
    if len(dual) != model.n_vars:
        return {}
    starts = model.starts
    drop = np.maximum(0.0, dual[: len(starts)])
    best = (starts.assign(drop=drop).groupby("project")["drop"].min())
    return {p: float(best[p]) for p in projects if p in best.index}
