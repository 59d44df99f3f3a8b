"""The model's variables and the context every constraint family reads.

- x[p,s] in {0,1}: project p starts in period s (one per allowed start);
  y_p = sum_s x[p,s] is "p is selected".
- e[k,t] in [0, extra_fte]: FTE of skill k bought in period t (continuous).
- z[a,b] in {0,1}: both projects of a synergy pair are selected.
- partial funding (projects.min_scope < 1): per start option of such a
  project a share variable: continuous u[p,s] in [0, 1] (share = u), or,
  with scope_step h, an integer n[p,s] in [0, 1/h] (share = h n). The
  project's costs, demands, value and score multiply its share instead of
  x[p,s]: `Context.scaled` maps an x column and coefficient to the column
  and coefficient that carry its amounts (x itself for every other project).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..derive import Derived
from ..portfolio import Portfolio
from .linear import ModelBuilder


@dataclass
class Context:
    """What the constraint families share: input, derived data, variables."""

    portfolio: Portfolio
    derived: Derived
    builder: ModelBuilder
    starts: pd.DataFrame
    first_var: pd.Series
    var_count: pd.Series
    extra: pd.DataFrame
    pairs: pd.DataFrame
    shares: pd.DataFrame
    """project, start, x (its start variable), var (the share variable), unit
    (the share of one unit of var), min_units (the least units when selected)."""
    amount_col: np.ndarray
    amount_unit: np.ndarray
    funding: pd.DataFrame | None = None
    """project, source, period (0-based), var: money a source pays (engine/model/funding)."""

    def scaled(self, col: np.ndarray, val: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Entries of amounts on x columns moved to the columns carrying them
        (a share variable for a partially fundable project, scaled by its unit)."""
        col = np.asarray(col, dtype=np.int64)
        val = np.asarray(val, dtype=float)
        n = len(self.amount_col)
        on_x = col < n
        safe = np.where(on_x, col, 0)
        return (np.where(on_x, self.amount_col[safe], col),
                np.where(on_x, val * self.amount_unit[safe], val))

    def selected_amounts(self, row: np.ndarray, project: np.ndarray, coef: np.ndarray):
        """`selected` for an amount (a cost, a cost share): on the share
        variables of partially fundable projects."""
        r, c, v = self.selected(row, project, coef)
        c, v = self.scaled(c, v)
        return r, c, v

    def selected(self, row: np.ndarray, project: np.ndarray, coef: np.ndarray):
        """Entries of coef * y_p in rows `row`: y_p expanded over p's x variables."""
        project = np.asarray(project, dtype=object)
        counts = self.var_count.reindex(project).fillna(0).to_numpy(dtype=np.int64)
        first = self.first_var.reindex(project).fillna(0).to_numpy(dtype=np.int64)
        rep_first = np.repeat(first, counts)
        within = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
        return (np.repeat(np.asarray(row), counts), rep_first + within,
                np.repeat(np.asarray(coef, dtype=float), counts))

    def expand(self, table: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """A per-project table (costs, demands) crossed with the start options:
        (row position in `table`, x variable, start period), one entry per row
        of a project and start of the same project, grouped by variable."""
        projects = pd.Index(self.first_var.index)
        code = projects.get_indexer(table["project"])
        known = np.flatnonzero(code >= 0)
        by_project = known[np.argsort(code[known], kind="stable")]
        counts = np.bincount(code[known], minlength=len(projects))
        first_row = np.cumsum(counts) - counts
        start_code = projects.get_indexer(self.starts["project"])
        n = counts[start_code]
        which = np.repeat(np.arange(len(start_code)), n)
        within = np.arange(n.sum()) - np.repeat(np.cumsum(n) - n, n)
        rows = by_project[np.repeat(first_row[start_code], n) + within]
        return (rows, self.starts["var"].to_numpy()[which],
                self.starts["start"].to_numpy(dtype=np.int64)[which])


def make_context(portfolio: Portfolio, derived: Derived, builder: ModelBuilder) -> Context:
    """Create x, e and z variables (objective coefficients come later)."""
    starts = derived.starts.copy()
    starts["score"] = starts["project"].map(derived.scores).astype(float)
    starts["var"] = builder.add_vars(np.zeros(len(starts)), 1.0, integer=True)
    grouped = starts.groupby("project", sort=False)["var"]
    first_var, var_count = grouped.min(), grouped.size()
    extra = portfolio.table("capacity")
    extra = extra[extra["extra_fte"] > 0][["skill", "period", "extra_fte", "extra_cost"]].copy()
    index_of = {p: i for i, p in enumerate(portfolio.periods)}
    extra["period"] = extra["period"].map(index_of).astype("int64")
    extra["var"] = builder.add_vars(np.zeros(len(extra)), extra["extra_fte"].to_numpy(),
                                    integer=False)
    syn = portfolio.table("synergies")
    pairs = syn[["project_a", "project_b", "value", "score"]].copy()
    pairs["var"] = builder.add_vars(np.zeros(len(pairs)), 1.0, integer=True)
    shares, amount_col, amount_unit = _share_vars(portfolio, starts, builder)
    return Context(portfolio, derived, builder, starts, first_var, var_count, extra, pairs,
                   shares, amount_col, amount_unit)


def _share_vars(portfolio: Portfolio, starts: pd.DataFrame, builder: ModelBuilder):
    """The share variables (one per start of a project with min_scope < 1 or a
    scope_step) and the column/unit every start's amounts are carried by."""
    projects = portfolio.projects
    step = projects["scope_step"]
    scope = projects["min_scope"].fillna(step).fillna(1.0)
    partial = scope.index[((scope < 1.0) | step.notna()).to_numpy()]
    rows = starts[starts["project"].isin(partial)]
    unit = rows["project"].map(step).fillna(1.0).to_numpy(dtype=float)
    steps = np.round(1.0 / unit)
    least = rows["project"].map(scope).to_numpy(dtype=float)
    stepped = rows["project"].map(step).notna().to_numpy()
    min_units = np.where(stepped, np.ceil(least / unit - 1e-9), least)
    var = builder.add_vars(np.zeros(len(rows)), steps, integer=False)
    builder.integer[-1] = stepped.copy()
    shares = pd.DataFrame({"project": rows["project"].to_numpy(dtype=object),
                           "start": rows["start"].to_numpy(), "x": rows["var"].to_numpy(),
                           "var": var, "unit": unit, "min_units": min_units})
    amount_col = starts["var"].to_numpy(dtype=np.int64).copy()
    amount_unit = np.ones(len(starts))
    amount_col[shares["x"].to_numpy(dtype=np.int64)] = var
    amount_unit[shares["x"].to_numpy(dtype=np.int64)] = unit
    return shares, amount_col, amount_unit
