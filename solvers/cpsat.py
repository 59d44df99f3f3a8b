"""The CP-SAT backend: integer scaling of every row, then OR-Tools CP-SAT.

CP-SAT needs integer coefficients. Each row i is multiplied by 10^d_i, the
smallest d_i <= 6 making all its coefficients integers (continuous variables
are integer counts of 1/1000 of a unit), or else q * 10^d_i with q the least
common denominator of small fractions (a share of 1/3 gives coefficients
(1 - 1/3) * cost). When neither exists the row is rounded the safe way
(variables are non-negative, so coefficients are rounded up in a <= row and
down in a >= row): every integer solution then
satisfies the original float row, but optimality is then proven only for
the rounded model, so the status is downgraded to feasible (no bound).
Bounds are rounded inwards. The objective
is scaled likewise; where it cannot be made exact, the rounding error is
added to the reported bound so the gap stays honest.
"""

from __future__ import annotations

import math
import time
from fractions import Fraction

import numpy as np
from ortools.sat.python import cp_model
from spmo.engine.model.linear import LinearModel

from .base import Capability, Result, SolveOptions, Status

CONTINUOUS_UNITS = 1000
MAX_DECIMALS = 6
EXACT_TOL = 1e-6
"""A scaled coefficient is integral when within this (or a few float ulps) of an integer."""


def _integral(scaled: np.ndarray) -> np.ndarray:
    """Which scaled values are integers up to EXACT_TOL or float rounding."""
    return np.abs(scaled - np.round(scaled)) <= np.maximum(EXACT_TOL, 1e-15 * np.abs(scaled))


def decimals_needed(values: np.ndarray, limit: int = MAX_DECIMALS) -> np.ndarray:
    """Per value, the smallest d <= limit with values * 10^d integral (limit + 1: none)."""
    need = np.full(len(values), limit + 1, dtype=np.int64)
    for d in range(limit, -1, -1):
        ok = _integral(values * 10.0**d)
        need[ok] = d
    return need


def _var_units(model: LinearModel) -> np.ndarray:
    """Real value of one integer step of each variable."""
    return np.where(model.integer, 1.0, 1.0 / CONTINUOUS_UNITS)


class ScaledRows:
    """Integer rows of a model: coefficients, bounds and which are exact."""

    def __init__(self, model: LinearModel):
        unit = _var_units(model)
        coef = model.a_val * unit[model.a_col]
        need = decimals_needed(coef)
        row_need = np.zeros(model.n_rows, dtype=np.int64)
        np.maximum.at(row_need, model.a_row, need)
        self.starts = np.searchsorted(model.a_row, np.arange(model.n_rows + 1))
        scale = 10.0 ** np.minimum(row_need, MAX_DECIMALS)
        for i in np.flatnonzero(row_need > MAX_DECIMALS):
            scale[i] = _rational_scale(coef[self.starts[i]:self.starts[i + 1]], scale[i])
        scaled = coef * scale[model.a_row]
        rounded = np.round(scaled)
        close = _integral(scaled)
        self.exact = np.ones(model.n_rows, dtype=bool)
        np.logical_and.at(self.exact, model.a_row, close)
        self.up = np.where(close, rounded, np.ceil(scaled)).astype(np.int64)
        self.down = np.where(close, rounded, np.floor(scaled)).astype(np.int64)
        with np.errstate(invalid="ignore"):
            hi, lo = model.row_hi * scale, model.row_lo * scale
            self.hi = np.floor(hi + 1e-7 * np.maximum(1.0, np.abs(np.nan_to_num(hi))))
            self.lo = np.ceil(lo - 1e-7 * np.maximum(1.0, np.abs(np.nan_to_num(lo))))
        self.decimals = int(row_need[row_need <= MAX_DECIMALS].max(initial=0))


def _rational_scale(coef: np.ndarray, fallback: float) -> float:
    """q * 10^d making every coefficient integral when they are decimals times
    small fractions (shares like 1/3 give (1 - 1/3) * cost): q is the least common
    denominator of the coefficients' best rational approximations."""
    q = 1
    for c in coef:
        q = math.lcm(q, Fraction(float(c)).limit_denominator(1000).denominator)
        if q > 10**6:
            return fallback
    need = decimals_needed(coef * q)
    return float(q * 10.0 ** int(need.max())) if need.max() <= MAX_DECIMALS else fallback


def _scaled_objective(model: LinearModel) -> tuple[np.ndarray, float, float]:
    """Integer objective coefficients, their scale K and the worst rounding error."""
    c = model.c * _var_units(model)
    need = decimals_needed(c, 9)
    total = float(np.abs(c).sum()) or 1.0
    d = int(min(need.max(initial=0), 9, max(0, math.floor(math.log10(2**52 / total)))))
    scale = 10.0**d
    ints = np.round(c * scale)
    error = float(np.abs(c * scale - ints).sum()) / scale
    return ints.astype(np.int64), scale, error


class CpSatBackend:
    """OR-Tools CP-SAT on the integer-scaled model."""

    name = "cpsat"
    capability = Capability(hints=True, assumptions=True, continuous=False)

    def available(self) -> bool:
        return True

    def solve(self, model: LinearModel, options: SolveOptions) -> Result:
        started = time.perf_counter()
        cp, xs, obj_scale, obj_error, notes, rounded = self.translate(model)
        if options.hint is not None:
            steps = np.round(np.asarray(options.hint, dtype=float) / _var_units(model))
            for var, value in zip(xs, steps.astype(np.int64).tolist(), strict=True):
                cp.add_hint(var, value)
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = float(options.time_limit_s)
        solver.parameters.relative_gap_limit = float(options.relative_gap)
        solver.parameters.num_workers = max(1, options.threads)
        if options.seed is not None:
            solver.parameters.random_seed = int(options.seed)
        code = solver.solve(cp)
        seconds = time.perf_counter() - started
        status = {cp_model.OPTIMAL: Status.OPTIMAL, cp_model.FEASIBLE: Status.FEASIBLE,
                  cp_model.INFEASIBLE: Status.INFEASIBLE}.get(code, Status.NO_SOLUTION)
        if code == cp_model.MODEL_INVALID:
            raise RuntimeError(f"CP-SAT rejected the model: {cp.validate()}")
        if status in (Status.INFEASIBLE, Status.NO_SOLUTION):
            bound = solver.best_objective_bound / obj_scale + obj_error \
                if status == Status.NO_SOLUTION and cp.proto.objective.vars else None
            return Result(status, None, None, bound, seconds, self.name, notes)
        if status == Status.OPTIMAL and rounded:
            status = Status.FEASIBLE
            notes.append("cpsat: optimality is proven only for the conservatively rounded "
                         "rows; reported as feasible, without a bound")
        unit = _var_units(model)
        x = np.array([solver.value(v) for v in xs], dtype=float) * unit
        objective = solver.objective_value / obj_scale
        bound = solver.best_objective_bound / obj_scale + obj_error
        if rounded:
            bound = None
        return Result(status, x, objective, bound, seconds, self.name, notes)

    def translate(self, model: LinearModel):
        """The CP-SAT model, its variables, objective scale and error, notes, and the
        number of rows that had to be rounded conservatively."""
        cp = cp_model.CpModel()
        unit = _var_units(model)
        lb = np.ceil(model.lb / unit - 1e-9).astype(np.int64)
        ub = np.floor(model.ub / unit + 1e-9).astype(np.int64)
        xs = [cp.new_int_var(int(lo), int(hi), f"v{j}") if not (model.integer[j] and lo == 0
              and hi == 1) else cp.new_bool_var(f"v{j}") for j, (lo, hi) in
              enumerate(zip(lb, ub, strict=True))]
        rows = ScaledRows(model)
        proto = cp.proto
        for i in range(model.n_rows):
            a, b = rows.starts[i], rows.starts[i + 1]
            cols = model.a_col[a:b].tolist()
            lo, hi = rows.lo[i], rows.hi[i]
            if not (np.isfinite(lo) or np.isfinite(hi)):
                continue
            if rows.exact[i] or not (np.isfinite(lo) and np.isfinite(hi)):
                coefs = rows.up[a:b] if np.isfinite(hi) else rows.down[a:b]
                _add_linear(proto, cols, coefs.tolist(), lo, hi)
            else:
                _add_linear(proto, cols, rows.up[a:b].tolist(), -np.inf, hi)
                _add_linear(proto, cols, rows.down[a:b].tolist(), lo, np.inf)
        ints, obj_scale, obj_error = _scaled_objective(model)
        nz = np.flatnonzero(ints)
        proto.objective.vars.extend(nz.tolist())
        proto.objective.coeffs.extend((-ints[nz]).tolist())
        proto.objective.scaling_factor = -1.0
        inexact = int((~rows.exact).sum())
        notes = [f"cpsat: amounts scaled to integers at a precision of {10.0 ** -rows.decimals:g}"
                 + (f"; {inexact} row(s) rounded conservatively" if inexact else " (exact)")]
        return cp, xs, obj_scale, obj_error, notes, inexact


def _add_linear(proto, cols: list[int], coefs: list[int], lo: float, hi: float) -> None:
    """A linear constraint lo <= sum coefs * vars <= hi straight into the proto."""
    big = cp_model.INT_MAX
    ct = proto.constraints.add()
    ct.linear.vars.extend(cols)
    ct.linear.coeffs.extend(coefs)
    ct.linear.domain.extend([int(lo) if np.isfinite(lo) else cp_model.INT_MIN,
                             int(hi) if np.isfinite(hi) else big])
