"""Large-neighbourhood search: improve a feasible plan by exact re-solves of small parts.

Given a feasible x and a set F of free columns (every start of a few chosen
projects, and every non-start variable: bought capacity, synergy pairs), fix
the others at x and solve the sub-MIP

    max c_F x_F  s.t.  lo - A_{.,~F} x_~F  <=  A_{.,F} x_F  <=  hi - A_{.,~F} x_~F

with HiGHS (rows without a free column hold already, since x does). x_F is
feasible for it and is the hint, so a sub-solution is only taken when
better, x improves monotonically and every x kept is feasible for the whole
model.

The projects freed are those that would have to move for a project the
prices want to come in: a few projects with Lagrangian margin max_s r[p,s] >
0 that x leaves out (drawn in proportion to their margin), and placed
projects sharing a capacity row with one of their starts. Near-LP prices
(solvers.smoothed) leave most selected projects indifferent between several
starts, so what keeps a wanted project out is how the others are packed in
time; freeing its neighbours on those rows lets the sub-MIP repack them.
When nothing wanted is out, the projects of smallest noisy margin |max_s
r[p,s]| are freed instead. The neighbourhood grows by a quarter after a
sub-MIP proven optimal and shrinks after one that hit its time limit without
improving. Why these neighbourhoods: docs/solver-figures.md.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.sparse import csc_matrix
from spmo.engine.model.linear import LinearModel
from spmo.engine.rows import Family

from ..base import SolveOptions, Status
from ..highs import HighsBackend

SUB_SECONDS = 3.0
"""Time limit of one sub-MIP."""
FIRST_SIZE = 80
"""Projects freed in the first neighbourhood (docs/solver-figures.md)."""
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
    """Start columns grouped by project, the margins that rank the projects,
    and the shared rows (capacity, else budgets) that tie projects together."""

    def __init__(self, model: LinearModel, reduced: np.ndarray | None, seed: int,
                 matrix: csc_matrix) -> None:
        n = len(model.starts)
        shared = model.row_family == Family.CAPACITY
        if not shared.any():  # e.g. a knapsack benchmark: its rows are budgets
            shared = model.row_family == Family.BUDGET
        self.shared, self.by_col, self.by_row = shared, matrix, matrix.tocsr()
        codes, _ = pd.factorize(model.starts["project"].to_numpy(dtype=object))
        self.n_projects = int(codes.max()) + 1 if n else 0
        score = model.c if reduced is None else reduced
        open_score = np.where(model.ub[:n] >= 0.5, score[:n], -np.inf)
        margin = np.full(self.n_projects, -np.inf)
        np.maximum.at(margin, codes, open_score)
        self.signed = np.where(np.isfinite(margin), margin, 0.0)
        self.margin = np.abs(self.signed)
        self.codes = codes
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

    def _shared_rows(self, columns: np.ndarray) -> np.ndarray:
        m = self.by_col
        if len(columns) == 0:
            return np.zeros(0, dtype=int)
        rows = np.concatenate([m.indices[m.indptr[j]:m.indptr[j + 1]] for j in columns])
        return np.unique(rows[self.shared[rows]])

    def _columns_on(self, rows: np.ndarray) -> np.ndarray:
        m = self.by_row
        if len(rows) == 0:
            return np.zeros(0, dtype=int)
        return np.unique(np.concatenate([m.indices[m.indptr[i]:m.indptr[i + 1]] for i in rows]))

    def blocked(self, size: int, x: np.ndarray) -> np.ndarray:
        """A few projects the prices want in (margin > 0) that x leaves out,
        drawn in proportion to their margin, and, up to `size` in all, placed
        projects that share a capacity row with one of their starts: the ones that
        would have to move to make room (rows: capacity, or budgets in a model
        without capacity). Falls back to `pick` when none is out."""
        n = len(self.codes)
        placed = np.zeros(self.n_projects, dtype=bool)
        placed[self.codes[x[:n] > 0.5]] = True
        missing = np.flatnonzero((self.signed > 0) & ~placed)
        if len(missing) == 0 or self.n_projects <= size:
            return self.pick(size)
        k = min(len(missing), max(1, size // 8))
        weight = self.signed[missing] / self.signed[missing].sum()
        seeds = self.rng.choice(missing, k, replace=False, p=weight)
        cols = self._columns_on(self._shared_rows(self.columns(seeds)))
        cols = cols[cols < n]
        cols = cols[x[cols] > 0.5]
        near = np.unique(self.codes[cols])
        if len(near) > size - k:
            near = self.rng.choice(near, size - k, replace=False)
        return np.r_[seeds, near]


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
    hoods = _Neighbourhoods(model, reduced, 0 if seed is None else seed, matrix)
    others = np.arange(n, model.n_vars)
    size, rounds, improved = FIRST_SIZE, 0, 0
    highs = HighsBackend()
    while (left := seconds - (time.perf_counter() - started)) >= 0.5:
        rounds += 1
        free = np.concatenate([hoods.columns(hoods.blocked(size, x)), others])
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
