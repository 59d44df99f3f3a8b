"""The CP-SAT backend: integer scaling of every row (solvers/cpsat_scaling.py),
then OR-Tools CP-SAT.

Rows are exact where the scaling is (decimals, small fractions, gcd) and
small enough for CP-SAT; a row that had to be rounded conservatively
(inexact decimals or coefficients above ROW_LIMIT) keeps every plan feasible,
but optimality is then proven only for the rounded model: the status is
downgraded to feasible, without a bound. The objective is scaled likewise;
its worst rounding error is added to the reported bound, and an `optimal`
whose bound then lies beyond the requested gap is reported feasible.

Parameters: presolve_inclusion_work_limit = 0 switches off the presolve
rules (ProcessAtMostOneAndLinear and the inclusion family) behind the
wrong optimality certificates of google/or-tools#5293, which our knapsack
rows reproduce (docs/solvers.md); interleave_search makes the search with
several workers deterministic (one worker is already; measured about twice
as slow on two busy cores, the price of the same plan on every run); the
seed is 0 unless given; a work limit is CP-SAT's max_deterministic_time.
"""

from __future__ import annotations

import time

import numpy as np
from ortools.sat.python import cp_model
from spmo.engine.errors import SolverError
from spmo.engine.model.linear import LinearModel
from spmo.engine.rows import Family

from .base import Capability, Result, SolveOptions, Status, clipped_hint, halting
from .cpsat_scaling import ROW_LIMIT, ScaledRows, scaled_objective, step_bounds, var_units

_STATUS = {cp_model.OPTIMAL: Status.OPTIMAL, cp_model.FEASIBLE: Status.FEASIBLE,
           cp_model.INFEASIBLE: Status.INFEASIBLE, cp_model.UNKNOWN: Status.NO_SOLUTION,
           cp_model.MODEL_INVALID: Status.ERROR}
"""CP-SAT's status -> Status (ERROR is raised as SolverError)."""

SAFE_PARAMETERS = {"presolve_inclusion_work_limit": 0}
"""Parameters set on every solve (see the module docstring)."""


def parameters(solver: cp_model.CpSolver, options: SolveOptions) -> None:
    """The solve's limits and the deterministic, safe settings."""
    p = solver.parameters
    p.max_time_in_seconds = float(options.time_limit_s)
    p.relative_gap_limit = float(options.relative_gap)
    p.num_workers = max(1, options.threads)
    p.random_seed = options.random_seed
    p.interleave_search = p.num_workers > 1  # one worker is deterministic already
    if options.work_limit is not None:
        p.max_deterministic_time = float(options.work_limit)
    for key, value in SAFE_PARAMETERS.items():
        setattr(p, key, value)


class CpSatBackend:
    """OR-Tools CP-SAT on the integer-scaled model."""

    name = "cpsat"
    capability = Capability(hints=True, continuous_shares=False)

    def available(self) -> bool:
        return True

    def solve(self, model: LinearModel, options: SolveOptions) -> Result:
        started = time.perf_counter()
        cp, xs, obj_value, obj_error, notes, rounded = self.translate(model)
        unit = var_units(model)
        hint = clipped_hint(model, options.hint)
        if hint is not None:
            lb, ub = step_bounds(model, unit)
            steps = np.clip(np.round(hint / unit), lb, ub).astype(np.int64)
            for var, value in zip(xs, steps.tolist(), strict=True):
                cp.add_hint(var, value)
        solver = cp_model.CpSolver()
        parameters(solver, options)
        with halting(options, solver.stop_search):  # a set stop signal ends the search
            code = solver.solve(cp)
        seconds = time.perf_counter() - started
        status = _STATUS.get(code, Status.ERROR)
        if status == Status.ERROR:
            raise SolverError(self.name, f"CP-SAT rejected the model: {cp.validate()}")
        has_objective = bool(cp.proto.objective.vars)
        bound = solver.best_objective_bound * obj_value + obj_error if has_objective else None
        if status in (Status.INFEASIBLE, Status.NO_SOLUTION):
            return Result(status, None, None, bound if status == Status.NO_SOLUTION else None,
                          seconds, self.name, notes)
        x = np.array([solver.value(v) for v in xs], dtype=float) * unit
        objective = float(model.c @ x)
        if bound is None:
            bound = objective if status == Status.OPTIMAL else None
        if status == Status.OPTIMAL and len(rounded):
            status, bound = Status.FEASIBLE, None
            notes.append("cpsat: optimality is proven only for the conservatively rounded "
                         "rows; reported as feasible, without a bound")
            notes.extend(rounded_why(model, rounded))
        elif status == Status.OPTIMAL and bound is not None and bound - objective > (
                options.relative_gap + 1e-9) * max(1.0, abs(objective)):
            status = Status.FEASIBLE
            notes.append("cpsat: the objective was rounded to integers; optimal for the "
                         "rounded objective, reported as feasible with the bound widened by "
                         "the rounding")
        return Result(status, x, objective, bound, seconds, self.name, notes)

    def translate(self, model: LinearModel):
        """The CP-SAT model, its variables, the real value of one unit of the integer
        objective and its worst rounding error, notes, and the indices of the rows
        rounded conservatively."""
        cp = cp_model.CpModel()
        unit = var_units(model)
        lb, ub = step_bounds(model, unit)
        xs = [cp.new_bool_var(f"v{j}") if model.integer[j] and lo == 0 and hi == 1
              else cp.new_int_var(int(lo), int(hi), f"v{j}")
              for j, (lo, hi) in enumerate(zip(lb.tolist(), ub.tolist(), strict=True))]
        rows = ScaledRows(model, unit)
        proto = cp.proto
        for i in range(model.n_rows):
            a, b = rows.starts[i], rows.starts[i + 1]
            for coefs, lo, hi in sides(rows, i, a, b):
                _add_linear(proto, model.a_col[a:b].tolist(), coefs, lo, hi)
        ints, obj_value, obj_error = scaled_objective(model, unit)
        nz = np.flatnonzero(ints)
        proto.objective.vars.extend(nz.tolist())
        proto.objective.coeffs.extend((-ints[nz]).tolist())
        proto.objective.scaling_factor = -1.0
        inexact = np.flatnonzero(~rows.exact)
        notes = [f"cpsat: amounts scaled to integers at a precision of {10.0 ** -rows.decimals:g}"
                 + (f"; {len(inexact)} row(s) rounded conservatively" if len(inexact)
                    else " (exact)")
                 + (f" ({rows.coarsened} to keep integer coefficients within "
                    f"2^{np.log2(ROW_LIMIT):g})" if rows.coarsened else "")]
        return cp, xs, obj_value, obj_error, notes, inexact


def sides(rows: ScaledRows, i: int, a: int, b: int) -> list[tuple[list[int], float, float]]:
    """The integer constraint(s) of row i: one for an exact row or a one-sided row,
    the <= side with the rounded-up and the >= side with the rounded-down
    coefficients for a two-sided inexact row; none for a row without a side."""
    lo, hi = rows.lo[i], rows.hi[i]
    if not (np.isfinite(lo) or np.isfinite(hi)):
        return []
    if rows.exact[i] or not (np.isfinite(lo) and np.isfinite(hi)):
        coefs = rows.up[a:b] if np.isfinite(hi) else rows.down[a:b]
        return [(coefs.tolist(), lo, hi)]
    return [(rows.up[a:b].tolist(), -np.inf, hi), (rows.down[a:b].tolist(), lo, np.inf)]


def _add_linear(proto, cols: list[int], coefs: list[int], lo: float, hi: float) -> None:
    """A linear constraint lo <= sum coefs * vars <= hi straight into the proto."""
    ct = proto.constraints.add()
    ct.linear.vars.extend(cols)
    ct.linear.coeffs.extend(coefs)
    ct.linear.domain.extend([int(lo) if np.isfinite(lo) else cp_model.INT_MIN,
                             int(hi) if np.isfinite(hi) else cp_model.INT_MAX])


def rounded_why(model: LinearModel, rounded) -> list[str]:
    """Why rows were rounded, where the model says: the sample-average rows of a
    robust objective (engine.model.robust) carry sampled outcomes, floats with
    no short decimal form, next to continuous variables (t, s_k of the CVaR)."""
    families = set(model.row_family[rounded].tolist())
    if Family.ROBUST.value not in families:
        return []
    return ["cpsat: the robust rows (robust[cvar,k] / robust[chance,k]) hold sampled "
            "outcomes, floats with no exact decimal form within 15 significant digits, "
            "and CP-SAT solves on integers: they are rounded the safe way, so the plan "
            "keeps every row but its optimality is unproven; `highs` (the `auto` choice) "
            "or `cbc` solve them exactly and prove it"]
