"""Models derived from a model, for the analyses of one plan.

- `forced(model, p, mode)`: the counterfactual of a planner's force on p:
  `in`: y_p >= 1 (its window row's lower side raised to 1, its force and
  alignment rows lifted), `out`: x[p,s] <= 0 for every start, `now`: y_p >= 1
  with x[p,s] <= 0 for s > 0.
- `with_floor(model, coef, floor, name)`: one more row `coef . x >= floor`
  (a second objective held at or above a level: the epsilon-constraint).
- `elastic(model, rows, scale)`: every named row i may stretch by a slack
  s_i >= 0 (one per finite side), maximising -sum_i scale_i s_i: the least
  weighted stretch that restores a plan.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from ..rows import Family
from .linear import LinearModel


def forced(model: LinearModel, project: str, mode: str = "in") -> LinearModel:
    """The model with a project forced in, out or in now (see the module)."""
    lo, hi, ub = model.row_lo.copy(), model.row_hi.copy(), model.ub.copy()
    own = model.starts.index[(model.starts["project"] == project).to_numpy()].to_numpy()
    if mode == "out":
        ub[own] = 0.0
    else:
        lo[model.project_rows(project, Family.WINDOW)] = 1.0
        lifted = model.project_rows(project, Family.FORCE, Family.ALIGNMENT)
        lo[lifted], hi[lifted] = -np.inf, np.inf
        if mode == "now":
            ub[own[model.starts["start"].to_numpy()[own] > 0]] = 0.0
    return with_limits(model, lo, hi, ub)


def with_limits(model: LinearModel, row_lo: np.ndarray, row_hi: np.ndarray,
                ub: np.ndarray) -> LinearModel:
    """The model with other row limits and variable upper bounds: the matrix is
    the same arrays, so its column view (`by_column`), once computed, is kept."""
    changed = dataclasses.replace(model, row_lo=row_lo, row_hi=row_hi, ub=ub)
    if "by_column" in model.__dict__:
        changed.__dict__["by_column"] = model.__dict__["by_column"]
    return changed


def with_floor(model: LinearModel, coef: np.ndarray, floor: float, name: str) -> LinearModel:
    """The model with the row `name`: coef . x >= floor (coef over all columns)."""
    cols = np.flatnonzero(np.asarray(coef, dtype=float))
    row = model.n_rows
    a_row = np.r_[model.a_row, np.full(len(cols), row)]
    return dataclasses.replace(
        model, row_name=np.r_[model.row_name, np.array([name], dtype=object)],
        row_family=np.r_[model.row_family, np.array([Family.EPSILON.value], dtype=object)],
        row_lo=np.r_[model.row_lo, float(floor)], row_hi=np.r_[model.row_hi, np.inf],
        a_row=a_row, a_col=np.r_[model.a_col, cols],
        a_val=np.r_[model.a_val, np.asarray(coef, dtype=float)[cols]],
        row_project=np.r_[model.row_project, np.array([None], dtype=object)])


def elastic_sides(model: LinearModel, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(row, sign) of every slack of `elastic`: -1 on a finite upper side
    (the slack raises the limit), +1 on a finite lower side (it lowers it)."""
    upper = np.isfinite(model.row_hi[rows])
    lower = np.isfinite(model.row_lo[rows])
    side_rows = np.concatenate([rows[upper], rows[lower]])
    signs = np.concatenate([-np.ones(upper.sum()), np.ones(lower.sum())])
    order = np.argsort(side_rows, kind="stable")
    return side_rows[order], signs[order]


def elastic(model: LinearModel, rows: np.ndarray, scale: np.ndarray) -> LinearModel:
    """The model with a slack column on each finite side of the given rows,
    costing scale[row] per unit (maximising: the objective is -sum scale s)."""
    side_rows, signs = elastic_sides(model, np.asarray(rows, dtype=np.int64))
    k, n = len(side_rows), model.n_vars
    a_row = np.r_[model.a_row, side_rows]
    order = np.argsort(a_row, kind="stable")
    return dataclasses.replace(
        model, lb=np.r_[model.lb, np.zeros(k)], ub=np.r_[model.ub, np.full(k, 1e9)],
        integer=np.r_[model.integer, np.zeros(k, dtype=bool)],
        c=np.r_[np.zeros(n), -np.asarray(scale, dtype=float)[side_rows]],
        a_row=a_row[order], a_col=np.r_[model.a_col, np.arange(n, n + k)][order],
        a_val=np.r_[model.a_val, signs][order])
