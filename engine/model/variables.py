"""The model's variables and the context every constraint family reads.

- x[p,s] in {0,1}: project p starts in period s (one per allowed start);
  y_p = sum_s x[p,s] is "p is selected".
- e[k,t] in [0, extra_fte]: FTE of skill k bought in period t (continuous).
- z[a,b] in {0,1}: both projects of a synergy pair are selected.
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
    return Context(portfolio, derived, builder, starts, first_var, var_count, extra, pairs)
