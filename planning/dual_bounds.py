"""An upper bound on the optimum with a project forced in and its own rows
lifted, from one set of LP row prices (estimates of forced-out and
unaligned projects, planning.explain).

For any prices y (one per row, any sign) and r = c - A^T y, every x with
lb <= x <= ub that keeps the rows outside a set L obeys

    c.x = sum_{i not in L} y_i (A x)_i + sum_j r^L_j x_j,  r^L = r + A_L^T y_L,
        <= sum_{i not in L} (y_i+ hi_i - y_i- lo_i) + sum_j r^L_j x_j

(weak duality, valid whether or not y is optimal). Take for L project p's
lifted rows (force, alignment: forcing p in lifts them) and its window row,
and force p in: its start columns P hold exactly one 1, so

    OPT_p <= U_p = R - R_L + sum_{j not in P} max(r^L_j lb_j, r^L_j ub_j)
                   + max_{j in P} r^L_j,

R the rows' sum over all rows, R_L its part on L. With the LP optimum's
duals U_p is the Lagrangian bound of the forced model at those prices,
often close to its LP. A row with a non-zero price and no finite side on
the price's side makes the bound infinite (no figure). The drop is then
at least z - U_p, for a forced-out or unaligned project too, whose
forced model is not a restriction of the base model.
"""

from __future__ import annotations

import numpy as np
from spmo.engine.model.linear import LinearModel
from spmo.engine.rows import Family

LIFTED = (Family.FORCE, Family.ALIGNMENT, Family.WINDOW)
"""A project's rows that forcing it in lifts or replaces."""


def forced_in_bounds(model: LinearModel, projects: list[str], reduced: np.ndarray,
                     prices: np.ndarray) -> dict[str, float]:
    """U_p of the module docstring for each project, from r (`reduced`, for
    the maximised c.x) and y (`prices`); projects whose bound is infinite are
    left out."""
    if not projects or len(reduced) != model.n_vars or len(prices) != model.n_rows:
        return {}
    plus, minus = np.maximum(prices, 0.0), np.maximum(-prices, 0.0)
    with np.errstate(invalid="ignore"):
        per_row = np.where(plus > 0, plus * model.row_hi, 0.0) - \
            np.where(minus > 0, minus * model.row_lo, 0.0)
    per_col = np.maximum(reduced * model.lb, reduced * model.ub)
    total = float(per_row.sum() + per_col.sum())
    rows, vals, start = model.by_column
    project_of = model.starts["project"].to_numpy(dtype=object)
    liftable = np.isin(model.row_family, LIFTED)
    out = {}
    for p in projects:
        own = np.flatnonzero((model.row_project == p) & liftable)
        cols = np.flatnonzero(project_of == p)
        if len(cols) == 0:
            continue
        ends = np.searchsorted(model.a_row, np.c_[own, own + 1])  # A is sorted by row
        touched = np.unique(np.concatenate([cols] + [model.a_col[a:b] for a, b in ends]))
        lifted = reduced[touched].copy()
        for k, j in enumerate(touched):
            entries = slice(start[j], start[j + 1])
            mine = np.isin(rows[entries], own)
            lifted[k] += float(prices[rows[entries][mine]] @ vals[entries][mine])
        in_p = np.isin(touched, cols)
        bound = total - float(per_row[own].sum()) - float(per_col[touched].sum()) + float(
            np.maximum(lifted[~in_p] * model.lb[touched[~in_p]],
                       lifted[~in_p] * model.ub[touched[~in_p]]).sum()) + float(lifted[in_p].max())
        if np.isfinite(bound):
            out[p] = bound
    return out
