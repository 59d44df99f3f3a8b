"""Integer rows and objective for CP-SAT: exact where possible, safely rounded
where not, and always of a magnitude CP-SAT handles reliably.

CP-SAT needs integer coefficients, and certifies wrong optima when they are
large: on knapsack rows of money in units (coefficients up to 9e9, row sums
about 2^35) OR-Tools 9.15 claimed `optimal` 5% short in 16 of 300 random
instances, at row sums of 2^31.7 in 1, at 2^30 and below in none. The cause is
a presolve family that solvers/cpsat.py switches off (after which no size
showed a wrong claim); ROW_LIMIT keeps a margin below int64 and the
measured range (docs/solvers.md, benchmarks/cpsat_magnitudes.py).

Variables. An integer variable counts units. A continuous variable j counts
steps of u_j, a power of ten: the finest grid 10^-d_i / |a_ij| among its rows i
where its coefficient a_ij is a power of ten, 10^-d_i being the decimal grid of
that row's other coefficients and bounds (bought capacity e, with coefficient
-1 in its capacity row, gets the grid of the demands and the capacity, on which
its least purchase max(0, demand - fte) lies: the discretisation is exact);
u_j is kept within [span_j 10^-9, span_j] (span_j = ub_j - lb_j) and is
span_j 10^-3 (rounded down to a power of ten) for a variable in no such row.

Rows. Row i has real coefficients a_ij u_j per step.
1. Decimal scale s_i = 10^d_i, the least d_i <= D_i making them all integers
   (D_i allows 15 significant digits, at least 6 decimals), else q 10^d_i
   with q the least common denominator of small fractions (a share of 1/3
   gives coefficients (1 - 1/3) * cost); else the row is inexact and its
   coefficients are rounded outwards at 10^D_i (up in a <= side, down in a >=
   side).
2. The integers k_ij = a_ij u_j s_i of an exact row are divided by their gcd
   g_i: sum_j k_ij x_j is a multiple of g_i for integer x, so the bounds
   floor(hi_i s_i / g_i) and ceil(lo_i s_i / g_i) are exact.
3. Magnitude M_i = sum_j |k_ij| max(|lb_j|, |ub_j|, 1) (in steps). Above ROW_LIMIT
   the row is coarsened by f_i = 2^ceil(log2(M_i / ROW_LIMIT)): k -> ceil(k / f)
   in the <= side, floor(k / f) in the >= side, hi -> floor(hi / f),
   lo -> ceil(lo / f). With x >= 0 (every variable of the model) each integer
   solution of the coarse row satisfies the original, sum ceil(k/f) x >= sum
   (k/f) x, so plans stay feasible; optimality is then proven only for the
   coarse model, and the backend reports `feasible` without a bound.
4. A side no assignment within the variable bounds can violate is dropped.

Objective: the same decimal scale and gcd; above ROW_LIMIT rounded to the
nearest multiple of f; the worst error over the variables' ranges is
returned, so the reported bound stays a bound.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
from spmo.engine.model.linear import LinearModel

ROW_LIMIT = 2.0**40
"""Largest row magnitude sum_j |k_ij| max(|lb_j|, |ub_j|, 1) handed to CP-SAT unrounded."""
MIN_DECIMALS, MAX_DECIMALS = 6, 20
SIGNIFICANT = 15
"""Decimals are searched up to 15 significant digits of a row's largest coefficient."""
EXACT_TOL = 1e-9
"""A scaled coefficient is integral when within this (or a few float ulps) of an integer."""
BOUND_TOL = 4e-15
"""Relative float noise forgiven when a scaled bound is rounded inwards (about 16
ulps: 2.1 * 10 = 20.999999999999996 must give 21; more would loosen large
bounds: 1e-11 of 4e14 is 4,000 units)."""
EXACT_INT = 2.0**53


def _integral(scaled: np.ndarray) -> np.ndarray:
    """Which scaled values are integers up to EXACT_TOL or float rounding."""
    return np.abs(scaled - np.round(scaled)) <= np.maximum(EXACT_TOL, 1e-15 * np.abs(scaled))


def decimals_needed(values: np.ndarray, limit: int = MAX_DECIMALS) -> np.ndarray:
    """Per value, the smallest d <= limit with values * 10^d integral (limit + 1: none)."""
    need = np.full(len(values), limit + 1, dtype=np.int64)
    for d in range(limit, -1, -1):
        need[_integral(values * 10.0**d)] = d
    return need


def decimal_limit(largest: np.ndarray) -> np.ndarray:
    """D = clip(SIGNIFICANT - ceil(log10 largest), MIN_DECIMALS, MAX_DECIMALS)."""
    with np.errstate(divide="ignore"):
        digits = np.ceil(np.log10(np.where(largest > 0, largest, 1.0)))
    return np.clip(SIGNIFICANT - digits, MIN_DECIMALS, MAX_DECIMALS).astype(np.int64)


def _reach(lb: np.ndarray, ub: np.ndarray) -> np.ndarray:
    """max(|lb|, |ub|, 1) steps: every coefficient counts at least once towards a
    row's magnitude (so a variable fixed at 0 cannot smuggle in a huge integer)."""
    return np.maximum(np.maximum(np.abs(lb), np.abs(ub)), 1.0)


def _row_max(model: LinearModel, values: np.ndarray) -> np.ndarray:
    out = np.zeros(model.n_rows)
    np.maximum.at(out, model.a_row, values)
    return out


def step_bounds(model: LinearModel, unit: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Integer domains of the variables in steps (bounds rounded inwards; an
    infinite bound becomes +-ROW_LIMIT steps)."""
    with np.errstate(invalid="ignore"):
        lb = np.ceil(model.lb / unit - 1e-9)
        ub = np.floor(model.ub / unit + 1e-9)
    return np.nan_to_num(lb, neginf=-ROW_LIMIT, posinf=ROW_LIMIT), \
        np.nan_to_num(ub, neginf=-ROW_LIMIT, posinf=ROW_LIMIT)


def var_units(model: LinearModel) -> np.ndarray:
    """Real value of one integer step of each variable (see the module docstring)."""
    unit = np.ones(model.n_vars)
    continuous = np.flatnonzero(~model.integer)
    if len(continuous) == 0:
        return unit
    span = np.where(np.isfinite(model.ub - model.lb), model.ub - model.lb, 1.0)[continuous]
    top = 10.0 ** np.floor(np.log10(np.where(span > 0, span, 1.0)))
    finest = np.full(model.n_vars, np.inf)
    grid = _row_grids(model)
    value = np.abs(model.a_val)
    power = np.isclose(10.0 ** np.round(np.log10(np.where(value > 0, value, 1.0))), value,
                       rtol=1e-12, atol=0)
    use = ~model.integer[model.a_col] & power & np.isfinite(grid[model.a_row])
    np.minimum.at(finest, model.a_col[use], grid[model.a_row[use]] / value[use])
    found = finest[continuous]
    with np.errstate(divide="ignore", invalid="ignore"):
        step = np.where(np.isfinite(found), 10.0 ** np.floor(np.log10(found) + 1e-9), top / 1e3)
    unit[continuous] = np.clip(step, top * 1e-9, top)
    return unit


def _row_grids(model: LinearModel) -> np.ndarray:
    """10^-d per row: the decimal grid of its integer variables' coefficients
    and its finite bounds (inf where no grid within the decimal limit)."""
    integer = model.integer[model.a_col]
    vals = np.where(integer, model.a_val, 0.0)
    bounds = np.c_[np.nan_to_num(model.row_lo, posinf=0, neginf=0),
                   np.nan_to_num(model.row_hi, posinf=0, neginf=0)]
    largest = np.maximum(_row_max(model, np.abs(vals)), np.abs(bounds).max(axis=1))
    limit = decimal_limit(largest)
    need = np.zeros(model.n_rows, dtype=np.int64)
    np.maximum.at(need, model.a_row, decimals_needed(vals))
    need = np.maximum(need, decimals_needed(bounds.ravel()).reshape(-1, 2).max(axis=1))
    return np.where(need <= limit, 10.0 ** -need.astype(float), np.inf)


def _rational_scale(coef: np.ndarray, limit: int) -> float | None:
    """q * 10^d making every coefficient integral when they are decimals times
    small fractions (shares like 1/3 give (1 - 1/3) * cost): q is the least common
    denominator of the coefficients' best rational approximations."""
    q = 1
    for c in coef:
        q = math.lcm(q, Fraction(float(c)).limit_denominator(1000).denominator)
        if q > 10**6:
            return None
    need = decimals_needed(coef * q, limit)
    return float(q * 10.0 ** int(need.max())) if need.max() <= limit else None


class ScaledRows:
    """Integer rows of a model for CP-SAT: per entry the coefficient of the <= side
    (`up`) and of the >= side (`down`), equal in an exact row; per row the integer
    bounds `lo`, `hi` (+-inf: no such side), whether the row is `exact`, and the
    coarsening `factor` f (1 for a row within ROW_LIMIT)."""

    def __init__(self, model: LinearModel, unit: np.ndarray | None = None):
        unit = var_units(model) if unit is None else unit
        lb, ub = step_bounds(model, unit)
        reach = _reach(lb, ub)[model.a_col]
        coef = model.a_val * unit[model.a_col]
        self.starts = np.searchsorted(model.a_row, np.arange(model.n_rows + 1))
        limit = decimal_limit(_row_max(model, np.abs(coef)))
        need = np.zeros(model.n_rows, dtype=np.int64)
        np.maximum.at(need, model.a_row, decimals_needed(coef))
        scale = 10.0 ** np.minimum(need, limit)
        for i in np.flatnonzero(need > limit):
            rational = _rational_scale(coef[self.starts[i]:self.starts[i + 1]], int(limit[i]))
            if rational is not None:
                scale[i] = rational
        scaled = coef * scale[model.a_row]
        close = _integral(scaled)
        self.exact = np.ones(model.n_rows, dtype=bool)
        np.logical_and.at(self.exact, model.a_row, close)
        up = np.where(close, np.round(scaled), np.ceil(scaled))
        down = np.where(close, np.round(scaled), np.floor(scaled))
        divisor = self._gcds(model, up)
        up, down = up / divisor[model.a_row], down / divisor[model.a_row]
        with np.errstate(invalid="ignore"):
            hi, lo = model.row_hi * scale, model.row_lo * scale
            hi = np.floor(np.floor(hi + BOUND_TOL * np.maximum(1.0, np.abs(hi))) / divisor)
            lo = np.ceil(np.ceil(lo - BOUND_TOL * np.maximum(1.0, np.abs(lo))) / divisor)
        magnitude = np.bincount(model.a_row, weights=np.maximum(np.abs(up), np.abs(down))
                                * reach, minlength=model.n_rows)
        coarse = magnitude > ROW_LIMIT
        factor = np.ones(model.n_rows)
        factor[coarse] = 2.0 ** np.ceil(np.log2(magnitude[coarse] / ROW_LIMIT))
        up, down = np.ceil(up / factor[model.a_row]), np.floor(down / factor[model.a_row])
        hi, lo = np.floor(hi / factor), np.ceil(lo / factor)
        self.exact &= ~coarse
        self.coarsened = int(coarse.sum())
        self.factor = factor
        self.hi, self.lo = _drop_redundant(model, up, down, lb, ub, hi, lo)
        self.up, self.down = up.astype(np.int64), down.astype(np.int64)
        self.decimals = int(need[need <= limit].max(initial=0))

    def _gcds(self, model: LinearModel, ints: np.ndarray) -> np.ndarray:
        """gcd of each exact row's integer coefficients (1 for the others)."""
        chosen = self.exact & (_row_max(model, np.abs(ints)) < EXACT_INT)
        nonempty = np.flatnonzero(self.starts[1:] > self.starts[:-1])
        if len(nonempty) == 0:
            return np.ones(model.n_rows)
        magnitudes = np.where(chosen[model.a_row], np.abs(ints), 0.0).astype(np.int64)
        out = np.ones(model.n_rows)
        out[nonempty] = np.gcd.reduceat(magnitudes, self.starts[:-1][nonempty])
        return np.where(chosen & (out > 0), out, 1.0)


def _drop_redundant(model: LinearModel, up, down, lb, ub, hi, lo):
    """Bounds no assignment within the variable bounds can violate become +-inf;
    the others are clamped to one step beyond the reachable activity (so every
    bound is an integer of the rows' magnitude)."""
    a_lb, a_ub = lb[model.a_col], ub[model.a_col]

    def reach(coef, pick):
        return np.bincount(model.a_row, weights=pick(coef * a_lb, coef * a_ub),
                           minlength=model.n_rows)

    top_up, bottom_up = reach(up, np.maximum), reach(up, np.minimum)
    top_down, bottom_down = reach(down, np.maximum), reach(down, np.minimum)
    hi = np.where(hi >= top_up, np.inf, np.maximum(hi, bottom_up - 1))
    lo = np.where(lo <= bottom_down, -np.inf, np.minimum(lo, top_down + 1))
    return hi, lo


def scaled_objective(model: LinearModel, unit: np.ndarray) -> tuple[np.ndarray, float, float]:
    """Integer objective coefficients k (per step), the real value of one unit of
    k.x, and the worst rounding error over the variables' ranges."""
    lb, ub = step_bounds(model, unit)
    reach = _reach(lb, ub)
    c = model.c * unit
    limit = int(decimal_limit(np.array([np.abs(c).max(initial=0.0)]))[0])
    d = min(int(decimals_needed(c, limit).max(initial=0)), limit)
    ints = np.round(c * 10.0**d)
    value = 10.0**-d
    if _integral(c * 10.0**d).all() and np.abs(ints).max(initial=0) < EXACT_INT:
        g = float(np.gcd.reduce(np.abs(ints).astype(np.int64))) if len(ints) else 1.0
        ints, value = ints / max(g, 1.0), value * max(g, 1.0)
    magnitude = float(np.abs(ints) @ reach)
    if magnitude > ROW_LIMIT:
        factor = 2.0 ** math.ceil(math.log2(magnitude / ROW_LIMIT))
        ints, value = np.round(ints / factor), value * factor
    error = float(np.abs(c - ints * value) @ reach)
    return ints.astype(np.int64), value, error
