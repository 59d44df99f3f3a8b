"""Large-neighbourhood search: improve a feasible plan by exact re-solves of small parts.

Given a feasible x and a set F of free columns (every start of a few chosen
projects, and every non-start variable: bought capacity, synergy pairs), fix
the others at x and solve the sub-MIP

    max c_F x_F  s.t.  lo - A_{.,~F} x_~F  <=  A_{.,F} x_F  <=  hi - A_{.,~F} x_~F

with HiGHS (rows without a free column hold already, since x does). x_F is
feasible for it and is the hint, so a sub-solution is only taken when
better, x improves monotonically and every x kept is feasible for the whole
model.

The projects freed are those whose decision is most in doubt: the smallest
|max_s r[p,s]|, the Lagrangian margin of the project's best start (or its
plain objective coefficient without prices), each multiplied by lognormal
noise so that rounds differ. The neighbourhood grows by a quarter after a
sub-MIP proven optimal and shrinks after one that hit its time limit without
improving. Measured on generated portfolios, this beat neighbourhoods drawn
around one tight capacity or budget row (see the issue 4 note).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.sparse import csc_matrix
from spmo.engine.model.linear import LinearModel

from .base import SolveOptions, Status
from .highs import HighsBackend

SUB_SECONDS = 3.0
"""Time limit of one sub-MIP."""
FIRST_SIZE = 80
"""Projects freed in the first neighbourhood."""
SUB_GAP = 1e-4
"""Relative gap at which a sub-MIP stops."""


@dataclass
class LnsResult:
    """The improved plan and what the search did."""

    x: np.ndarray
    objective: float
    rounds: int
    improved: int


class _Neighbourhoods:
    """Start columns grouped by project, and the margins that rank the projects."""

    def __init__(self, model: LinearModel, reduced: np.ndarray | None, seed: int) -> None:
        n = len(model.starts)
        codes, _ = pd.factorize(model.starts["project"].to_numpy(dtype=object))
        self.n_projects = int(codes.max()) + 1 if n else 0
        score = model.c if reduced is None else reduced
        open_score = np.where(model.ub[:n] >= 0.5, score[:n], -np.inf)
        margin = np.full(self.n_projects, -np.inf)
        np.maximum.at(margin, codes, open_score)
        self.margin = np.abs(np.where(np.isfinite(margin), margin, 0.0))
        self.rng = np.random.default_rng(seed)
        self.order = np.argsort(codes, kind="stable")
        self.bounds = np.searchsorted(codes[self.order], np.arange(self.n_projects + 1))

    def columns(self, projects: np.ndarray) -> np.ndarray:
        """Every start column of these projects."""
        if len(projects) == 0:
            return np.zeros(0, dtype=int)
        return np.concatenate([self.order[self.bounds[p]:self.bounds[p + 1]] for p in projects])

    def pick(self, size: int) -> np.ndarray:
        """`size` projects of smallest noisy margin."""
        if self.n_projects <= size:
            return np.arange(self.n_projects)
        noisy = self.margin * self.rng.lognormal(0.0, 1.0, self.n_projects)
        return np.argpartition(noisy, size)[:size]


def improve(model: LinearModel, x: np.ndarray, seconds: float,
            reduced: np.ndarray | None = None, seed: int | None = None) -> LnsResult:
    """Improve the feasible x for about `seconds` (see the module docstring)."""
    started = time.perf_counter()
    x = x.copy()
    n = len(model.starts)
    if n == 0 or seconds < 0.5:
        return LnsResult(x, float(model.c @ x), 0, 0)
    matrix = csc_matrix((model.a_val, (model.a_row, model.a_col)),
                        shape=(model.n_rows, model.n_vars))
    hoods = _Neighbourhoods(model, reduced, 0 if seed is None else seed)
    others = np.arange(n, model.n_vars)
    size, rounds, improved = FIRST_SIZE, 0, 0
    highs = HighsBackend()
    while (left := seconds - (time.perf_counter() - started)) >= 0.5:
        rounds += 1
        free = np.concatenate([hoods.columns(hoods.pick(size)), others])
        sub = _sub_model(model, matrix, x, free)
        limit = min(SUB_SECONDS, left)
        result = highs.solve(sub, SolveOptions(time_limit_s=limit, relative_gap=SUB_GAP,
                                               hint=x[free], seed=seed))
        better = result.x is not None and sub.c @ result.x > sub.c @ x[free] + 1e-12
        if better:
            trial = x.copy()
            trial[free] = result.x
            better = _holds(model, matrix @ trial)
        if better:
            x = trial
            improved += 1
        if result.status == Status.OPTIMAL and size >= hoods.n_projects:
            break  # every project was free: x is optimal within SUB_GAP
        if result.status == Status.OPTIMAL:
            size = min(int(size * 1.25) + 1, hoods.n_projects)
        elif not better:
            size = max(10, int(size * 0.85))
    return LnsResult(x, float(model.c @ x), rounds, improved)


def _holds(model: LinearModel, activity: np.ndarray) -> bool:
    """Every row within its bounds (to 1e-9 of its scale): a guard against
    round-off in the shifted bounds of the sub-MIP."""
    slack = 1e-9 * np.maximum(1.0, np.abs(np.nan_to_num(activity, posinf=0, neginf=0)))
    return bool(np.all(activity <= model.row_hi + slack)
                and np.all(activity >= model.row_lo - slack))


def _sub_model(model: LinearModel, matrix: csc_matrix, x: np.ndarray,
               free: np.ndarray) -> LinearModel:
    """The sub-MIP over the free columns, the others fixed at x."""
    part = matrix[:, free].tocoo()
    fixed = matrix @ x - part @ x[free]
    rows = np.unique(part.row)
    local = np.full(model.n_rows, -1)
    local[rows] = np.arange(len(rows))
    order = np.lexsort((part.col, local[part.row]))
    empty = pd.DataFrame()
    return LinearModel(
        lb=model.lb[free], ub=model.ub[free], integer=model.integer[free], c=model.c[free],
        row_name=model.row_name[rows], row_family=model.row_family[rows],
        row_lo=model.row_lo[rows] - fixed[rows], row_hi=model.row_hi[rows] - fixed[rows],
        a_row=local[part.row][order], a_col=part.col[order], a_val=part.data[order],
        starts=empty, extra=empty, pairs=empty)
