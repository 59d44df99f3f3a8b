"""The solver-neutral model: variables, named rows, objective, as arrays.

maximise c.x  subject to  lo_i <= sum_j A_ij x_j <= hi_i  (row i named
`family[key,...]`, see engine/rows.py), lb_j <= x_j <= ub_j, x_j integer
where `integer[j]`. Several rows may share one name (e.g. the per-period rows
of `after[A,B]`): the name is the constraint a person reads, a row is what a
solver sees. Rows of one project (window, mandatory, force, alignment) carry
its id in `row_project`, so no reader needs to take a name apart.
Backends translate this and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd


@dataclass
class LinearModel:
    """A MILP in arrays; A is in COO form sorted by row."""

    lb: np.ndarray
    ub: np.ndarray
    integer: np.ndarray
    c: np.ndarray
    row_name: np.ndarray
    row_family: np.ndarray
    row_lo: np.ndarray
    row_hi: np.ndarray
    a_row: np.ndarray
    a_col: np.ndarray
    a_val: np.ndarray
    starts: pd.DataFrame
    """x variables 0..len(starts)-1: project, start, value, score."""
    extra: pd.DataFrame
    """bought-capacity variables: skill, period (0-based), extra_fte, extra_cost, var."""
    pairs: pd.DataFrame
    """synergy variables: project_a, project_b, value, score, var."""
    row_project: np.ndarray | None = None
    """per row, the project a per-project row belongs to (None for the others)."""
    shares: pd.DataFrame | None = None
    """share variables of partially fundable projects: project, start, x, var, unit,
    min_units (engine/model/variables.py); None or empty without any."""
    funding: pd.DataFrame | None = None
    """money a source pays: project, source, period (0-based), var (engine/model/funding.py)."""

    def __post_init__(self) -> None:
        if self.row_project is None:
            self.row_project = np.full(len(self.row_lo), None, dtype=object)

    @property
    def n_vars(self) -> int:
        return len(self.c)

    @property
    def n_rows(self) -> int:
        return len(self.row_lo)

    @property
    def continuous_shares(self) -> list[str]:
        """Projects whose share is continuous (min_scope without scope_step) or
        whose value is concave: a backend on an integer grid (CP-SAT) cannot
        take them exactly."""
        if self.shares is None or self.shares.empty:
            return []
        cont = ~self.integer[self.shares["var"].to_numpy(dtype=np.int64)]
        if "curve" in self.shares:  # a concave value's hypograph variable is continuous
            cont |= self.shares["curve"].to_numpy() >= 0
        return sorted(set(self.shares["project"][cont]))

    def size(self) -> dict:
        """Variables, rows, non-zeros and named constraints, for reports."""
        return {"variables": self.n_vars, "binaries": int(self.integer.sum()),
                "rows": self.n_rows, "nonzeros": len(self.a_val),
                "constraints": len(set(self.row_name))}

    @cached_property
    def by_column(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(row, value, start): column j's entries are row[start[j]:start[j+1]]
        and value[...] (computed once per model; the arrays are never changed)."""
        order = np.argsort(self.a_col, kind="stable")
        start = np.searchsorted(self.a_col[order], np.arange(self.n_vars + 1))
        return self.a_row[order], self.a_val[order], start

    def project_rows(self, project: str, *families: str) -> np.ndarray:
        """Indices of the per-project rows of `project` (of the given families)."""
        mine = self.row_project == project
        if families:
            mine &= np.isin(self.row_family, list(families))
        return np.flatnonzero(mine)

    def activity(self, x: np.ndarray) -> np.ndarray:
        """A x for a full assignment x: per row, its entries' A_ij x_j summed in
        entry order, a slice of entries at a time (`row_slices`: every row
        within one slice, so the sums are those of one pass, bit for bit)."""
        out = np.zeros(self.n_rows)
        for a, b in row_slices(self.a_row):
            row = self.a_row[a:b]
            r0 = int(row.min())
            out[r0:int(row.max()) + 1] += np.bincount(
                row - r0, weights=self.a_val[a:b] * x[self.a_col[a:b]])
        return out


SLICE = 1 << 20
"""Entries per slice of a scan over A: bounds the scan's temporaries (a few
arrays of this length) whatever the model's size."""


def row_slices(a_row: np.ndarray, size: int | None = None) -> list[tuple[int, int]]:
    """[a, b) ranges covering the entries, about `size` (default SLICE) each;
    on entries sorted by row (as LinearModel's are) a slice ends where a row
    ends, so no row is split."""
    size = size or SLICE
    out, a, n = [], 0, len(a_row)
    while a < n:
        b = min(a + size, n)
        if b < n:  # to the end of the run of the row at b - 1
            b = max(b, b - 1 + int(np.searchsorted(a_row[b - 1:], a_row[b - 1], side="right")))
        out.append((a, b))
        a = b
    return out


def summed(row: np.ndarray, col: np.ndarray, val: np.ndarray):
    """Entries with the same (row, col) merged into one whose value is their sum.
    Column-major stable sort: fast on entries in runs of ascending column, as
    expansions over start variables come."""
    if len(row) == 0:
        return row, col, val
    height = int(row.max()) + 1
    key = col.astype(np.int64)  # the key and its temporaries are made in place
    key *= height
    key += row
    order = np.argsort(key, kind="stable")
    key = key[order]
    new = np.empty(len(key), dtype=bool)
    new[0] = True
    np.not_equal(key[1:], key[:-1], out=new[1:])
    first = key[new]
    del key
    group = np.cumsum(new)
    del new
    group -= 1
    return first % height, first // height, np.bincount(group, weights=val[order])


class ModelBuilder:
    """Collects variables and row blocks; `finish` returns the LinearModel."""

    def __init__(self) -> None:
        self.lb: list[np.ndarray] = []
        self.ub: list[np.ndarray] = []
        self.integer: list[np.ndarray] = []
        self.c: list[np.ndarray] = []
        self.n_vars = 0
        self.rows: list[tuple] = []
        self.n_rows = 0

    def add_vars(self, lb, ub, integer: bool, c=None) -> np.ndarray:
        """New variables; returns their indices."""
        lb = np.asarray(lb, dtype=float)
        n = len(lb)
        self.lb.append(lb)
        self.ub.append(np.asarray(ub, dtype=float) * np.ones(n))
        self.integer.append(np.full(n, integer))
        self.c.append(np.zeros(n) if c is None else np.asarray(c, dtype=float))
        idx = np.arange(self.n_vars, self.n_vars + n)
        self.n_vars += n
        return idx

    def set_objective(self, var: np.ndarray, coef: np.ndarray) -> None:
        """Add coefficients to the objective (maximised)."""
        c = np.concatenate(self.c) if self.c else np.zeros(0)
        np.add.at(c, var, coef)
        self.c = [c]

    def add_rows(self, family: str, names, lo, hi, entries, projects=None) -> None:
        """A block of rows lo <= A x <= hi; `entries` = (row, col, val), the COO
        entries of A with `row` numbering the block's rows 0..k-1;
        `projects`: the project of each row, for per-project families."""
        names = np.asarray(names, dtype=object)
        k = len(names)
        if k == 0:
            return
        projects = np.full(k, None, dtype=object) if projects is None else \
            np.asarray(projects, dtype=object)
        lo = np.broadcast_to(np.asarray(lo, dtype=float), (k,)).copy()
        hi = np.broadcast_to(np.asarray(hi, dtype=float), (k,)).copy()
        row, col, val = entries
        row = np.asarray(row, dtype=np.int64)
        col = np.asarray(col, dtype=np.int64)
        val = np.asarray(val, dtype=float)
        keep = val != 0
        self.rows.append((str(family), names, lo, hi, row[keep] + self.n_rows, col[keep],
                          val[keep], projects))
        self.n_rows += k

    def finish(self, starts, extra, pairs, shares=None, funding=None) -> LinearModel:
        """The finished model with entries sorted by row (stable). A block's
        rows follow the earlier blocks', so each block is sorted on its own
        and copied into place, its entries freed as it goes (the builder's
        blocks are used up)."""
        def cat(parts, dt):
            return (np.concatenate(parts).astype(dt) if parts
                       else np.zeros(0, dtype=dt))
        fam = [np.full(len(r[1]), r[0], dtype=object) for r in self.rows]
        total = sum(len(r[4]) for r in self.rows)
        a_row, a_col = np.empty(total, dtype=np.int64), np.empty(total, dtype=np.int64)
        a_val, at = np.empty(total, dtype=float), 0
        for b, block in enumerate(self.rows):
            order = np.argsort(block[4], kind="stable")
            for out, part in ((a_row, block[4]), (a_col, block[5]), (a_val, block[6])):
                np.take(part, order, out=out[at:at + len(order)])
            at += len(order)
            self.rows[b] = (*block[:4], None, None, None, block[7])
        return LinearModel(
            lb=cat(self.lb, float), ub=cat(self.ub, float), integer=cat(self.integer, bool),
            c=cat(self.c, float),
            row_name=cat([r[1] for r in self.rows], object), row_family=cat(fam, object),
            row_lo=cat([r[2] for r in self.rows], float),
            row_hi=cat([r[3] for r in self.rows], float),
            a_row=a_row, a_col=a_col, a_val=a_val,
            starts=starts, extra=extra, pairs=pairs, shares=shares, funding=funding,
            row_project=cat([r[7] for r in self.rows], object))
