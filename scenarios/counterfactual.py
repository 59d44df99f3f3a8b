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
import time

import numpy as np
from spmo.engine.model.linear import LinearModel
from spmo.solvers.base import SolveOptions, Status
from spmo.solvers.greedy import greedy_plan
from spmo.solvers.registry import LARGE_NONZEROS, pick

MIN_SOLVE_S = 2.0
"""Time limit of a counterfactual that starts after the batch's deadline."""
SOLVE_LIMIT_S = 10.0
"""Longest time limit of one counterfactual under `--explain auto`; an
unproven one is reported as the interval it proved."""


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
    model, project, mode, solver, options, base_x, deadline = task
    if deadline is not None:
        left = max(MIN_SOLVE_S, deadline - time.time())
        options = dataclasses.replace(options, time_limit_s=min(options.time_limit_s, left))
    changed = forced(model, project, mode)
    backend = pick(solver, changed)
    hint = greedy_plan(changed, prefer=base_x)
    if hint is not None and backend.capability.hints:
        options = dataclasses.replace(options, hint=hint)
    result = backend.solve(changed, options)
    out = {"project": project, "mode": mode, "status": result.status.value, "objective": None,
           "bound": result.bound, "selected": []}
    x = result.x
    if hint is not None and result.status != Status.OPTIMAL and (
            x is None or model.c @ hint > model.c @ x):
        x, out["status"] = hint, Status.FEASIBLE.value
    if x is not None:
        out["objective"] = float(model.c @ x)
        chosen = x[: len(model.starts)] > 0.5
        out["selected"] = sorted(set(model.starts["project"][chosen]))
    return out


def exact_costs(model: LinearModel, tasks: list[tuple[str, str]], objective: float,
                proven: bool, solver: str, options: SolveOptions, base_x: np.ndarray | None,
                progress=None, deadline: float | None = None) -> dict[tuple[str, str], dict]:
    """Objective drop per (project, mode) counterfactual, by re-solves.

    Each entry: infeasible, or cost = OPT - OPT_forced (>= 0), exact when both
    solves are proven optimal, low = the least drop the bound proves, and the
    forced plan's selection."""
    from .executor import run_batch

    single = dataclasses.replace(options, workers=1, hint=None)
    results = run_batch(solve_forced, [(model, p, m, solver, single, base_x, deadline)
                                             for p, m in tasks],
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


ESTIMATE_LIMIT_S = 20.0
"""Seconds for the LP behind the estimates; past it, Lagrangian prices instead."""


def lp_estimates(model: LinearModel, projects: list[str], seconds: float = ESTIMATE_LIMIT_S,
                 reduced: np.ndarray | None = None) -> dict[str, float]:
    """-reduced cost of each project's best start (>= 0): from the LP relaxation
    when HiGHS solves it within `seconds`, else (or straight away for a model
    `auto` gives to the Lagrangian backend) from Lagrangian prices found in as
    long: r = c - A^T pi, the same first-order drop at prices that bound the
    optimum. `reduced`: such r already found (by the Lagrangian backend)."""
    drop = None if reduced is None else -reduced
    if drop is None and len(model.a_val) <= LARGE_NONZEROS:
        drop = _lp_duals(model, seconds)
    if drop is None:
        from spmo.solvers.lagrange import lagrangian

        drop = -lagrangian(model, seconds, greedy=False).reduced
    if len(drop) != model.n_vars:
        return {}
    starts = model.starts
    best = starts.assign(drop=np.maximum(0.0, drop[: len(starts)])).groupby("project")["drop"]
    best = best.min()
    return {p: float(best[p]) for p in projects if p in best.index}


def _lp_duals(model: LinearModel, seconds: float) -> np.ndarray | None:
    """Column duals of the LP relaxation of min -c.x, or None if not solved in time."""
    import highspy
    from spmo.solvers.highs import HighsBackend, _quiet_highs

    h = _quiet_highs(highspy)
    h.setOptionValue("time_limit", float(seconds))
    h.passModel(HighsBackend.translate(dataclasses.replace(
        model, integer=np.zeros_like(model.integer)), highspy))
    h.run()
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return None
    return np.asarray(h.getSolution().col_dual, dtype=float)
