"""Why a model is infeasible: a small set of named constraints that clash.

Every named constraint that a person could change (budgets, capacities,
mandatory and forced projects, dependencies, group limits, balance and risk
limits, alignment) gets an enforcement literal; CP-SAT solves with all of
them assumed true and, when infeasible, returns a sufficient subset
(`sufficient_assumptions_for_infeasibility`). A deletion filter then drops
every member whose removal keeps the rest infeasible, so a small set comes
back irreducible: removing any one of its constraints makes it feasible.
"""

from __future__ import annotations

import numpy as np
from ortools.sat.python import cp_model
from spmo.engine.model.linear import LinearModel
from spmo.engine.rows import STRUCTURAL

from .cpsat import SAFE_PARAMETERS, sides
from .cpsat_scaling import ScaledRows, step_bounds, var_units

FILTER_LIMIT = 16


def _guarded_model(model: LinearModel):
    """A feasibility CP-SAT model whose soft rows are enforced by one literal per name."""
    cp = cp_model.CpModel()
    unit = var_units(model)
    lb, ub = step_bounds(model, unit)
    xs = [cp.new_int_var(int(a), int(b), f"v{j}") for j, (a, b) in enumerate(zip(lb, ub,
                                                                              strict=True))]
    soft = ~np.isin(model.row_family, list(STRUCTURAL))
    names = list(dict.fromkeys(model.row_name[soft]))
    literal = {n: cp.new_bool_var(f"on:{n}") for n in names}
    rows = ScaledRows(model, unit)
    for i in range(model.n_rows):
        a, b = rows.starts[i], rows.starts[i + 1]
        expr_vars = [xs[j] for j in model.a_col[a:b]]
        for coefs, lo, hi in sides(rows, i, a, b):
            ct = cp.add_linear_constraint(
                cp_model.LinearExpr.weighted_sum(expr_vars, coefs),
                int(lo) if np.isfinite(lo) else cp_model.INT_MIN,
                int(hi) if np.isfinite(hi) else cp_model.INT_MAX)
            if model.row_name[i] in literal:
                ct.only_enforce_if(literal[model.row_name[i]])
    return cp, literal


def _solver(seconds: float) -> cp_model.CpSolver:
    """One worker, seed 0, the backend's safe parameters, `seconds` at most."""
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = seconds
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = 0
    for key, value in SAFE_PARAMETERS.items():
        setattr(solver.parameters, key, value)
    return solver


def _infeasible(cp, literal, subset, seconds: float) -> bool | None:
    """True if the constraints in `subset` alone cannot all hold (None: unknown)."""
    cp.clear_assumptions()
    cp.add_assumptions([literal[n] for n in subset])
    code = _solver(seconds).solve(cp)
    if code == cp_model.INFEASIBLE:
        return True
    return False if code in (cp_model.FEASIBLE, cp_model.OPTIMAL) else None


def find_conflict(model: LinearModel, seconds: float = 20.0) -> list[str]:
    """Names of a small set of constraints that cannot all hold ([] if none found)."""
    cp, literal = _guarded_model(model)
    names = list(literal)
    cp.add_assumptions([literal[n] for n in names])
    solver = _solver(seconds)
    if solver.solve(cp) != cp_model.INFEASIBLE:
        return []
    index = {literal[n].index: n for n in names}
    core = [index[i] for i in solver.sufficient_assumptions_for_infeasibility() if i in index]
    if not core:
        core = names
    if len(core) <= FILTER_LIMIT:
        for name in list(core):
            trial = [n for n in core if n != name]
            if _infeasible(cp, literal, trial, seconds / 4) is True:
                core = trial
    return core
