"""First reasons for excluded projects, read off the reported plan.

The plan is the solver's starts with the least purchase of extra FTE they
need (engine/model/decode.py minimal_purchase), not the solver's raw bought
FTE (free under a strategic objective, so a solver may buy any of it). For
an excluded project p and each of its start options j, adding x_j = 1 to the
plan changes each row's activity by A_ij; where a capacity row would
overflow, the extra FTE it needs is bought (up to what is still on offer) and
that purchase is charged to every row bought capacity counts in (the budgets
without pool or category, engine/model/money.py). A row is in the way when
its new activity leaves [lo - tol, hi + tol], tol = 1e-6 max(1, |limit|) as
in the checker. Structural rows (window, synergy: bookkeeping a person does
not set) are never in the way. The start with the fewest rows in the way is
reported: its rows are `binding` and their family gives the `code`; no row
in the way means the optimum is simply better without p (`dominated`).
The code does not depend on the explanation level; exact counterfactual
costs come from re-solves (planning.explain).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .derive import Derived
from .impossible import impossible
from .model.decode import minimal_purchase
from .model.linear import LinearModel, summed
from .plan import ExcludedProject
from .portfolio import Portfolio
from .rows import REASON_CODE, REASON_ORDER, STRUCTURAL, Family, row_name


def plan_vector(portfolio: Portfolio, model: LinearModel, x: np.ndarray) -> np.ndarray:
    """The reported plan as a model assignment: the solver's starts, the least
    purchase of extra FTE they need (decode.minimal_purchase: a solver may buy
    more where buying is free under the objective, the plan never does) and
    each synergy variable the AND of its pair; share variables and the money
    sources pay as the solver set them."""
    n = len(model.starts)
    out = np.zeros(model.n_vars)
    out[:n] = x[:n] > 0.5
    bought = minimal_purchase(portfolio, model, x)
    if len(bought):
        index_of = {p: i for i, p in enumerate(portfolio.periods)}
        var = model.extra.set_index(["skill", "period"])["var"]
        keys = list(zip(bought["skill"], bought["period"].map(index_of), strict=True))
        out[var.loc[keys].to_numpy()] = bought["fte"].to_numpy(dtype=float)
    for part in (model.shares, model.funding):  # shares and the funding split as solved
        if part is not None and len(part):
            var = part["var"].to_numpy(dtype=np.int64)
            out[var] = x[var]
    if model.shares is not None and "curve" in model.shares:
        curve = model.shares["curve"].to_numpy(dtype=np.int64)
        out[curve[curve >= 0]] = x[curve[curve >= 0]]
    pairs = model.pairs
    if len(pairs):
        chosen = set(model.starts["project"][out[:n] > 0.5])
        out[pairs["var"].to_numpy()] = [float(a in chosen and b in chosen) for a, b in
                                        zip(pairs["project_a"], pairs["project_b"], strict=True)]
    return out


def _purchase_rows(model: LinearModel) -> tuple[np.ndarray, np.ndarray]:
    """Per row, the continuous variable that buys room in it (a negative
    coefficient: bought FTE in its capacity row), -1 where none, and that
    coefficient."""
    var = np.full(model.n_rows, -1, dtype=np.int64)
    coef = np.zeros(model.n_rows)
    share = np.zeros(model.n_vars, dtype=bool)
    if model.shares is not None and len(model.shares):
        share[model.shares["var"].to_numpy(dtype=np.int64)] = True
    buys = (~model.integer[model.a_col] | share[model.a_col]) & (model.a_val < 0)
    var[model.a_row[buys]] = model.a_col[buys]
    coef[model.a_row[buys]] = model.a_val[buys]
    return var, coef


def _rows_in_the_way(model: LinearModel, xp: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every (row i, start column j) such that adding x_j = 1 to the plan xp
    breaks row i, after buying the extra FTE it needs (up to what is still on
    offer) and charging that purchase to every row the bought FTE counts in
    (the budgets without pool or category). Structural rows are skipped.
    Sorted by column, then row (int32 indices). The columns are read a slice at a time
    (`_columns_in_the_way`), so the scan's temporaries stay small at any size."""
    n = len(model.starts)
    scan = _Scan(model, xp)
    first = model.by_column[2]
    found = [_columns_in_the_way(model, scan, j0, j1)
             for j0, j1 in _column_slices(first, n)]
    if not found:
        return np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.int32)
    return np.concatenate([f[0] for f in found]), np.concatenate([f[1] for f in found])


SLICE = 1 << 20
"""Entries per slice of the column scan (its temporaries are a few arrays of
this length)."""


def _column_slices(first: np.ndarray, n: int) -> list[tuple[int, int]]:
    """[j0, j1) ranges of the n start columns, about SLICE entries each (at
    least one column)."""
    out, j0 = [], 0
    while j0 < n:
        j1 = int(np.searchsorted(first, first[j0] + SLICE, side="right")) - 1
        j1 = min(max(j1, j0 + 1), n)
        out.append((j0, j1))
        j0 = j1
    return out


class _Scan:
    """Per row, what the column scan reads: the plan's activity, the limits
    widened by the checker's tolerance (hi + tol, lo - tol), whether the row
    is structural, and the variable that buys room in it."""

    def __init__(self, model: LinearModel, xp: np.ndarray) -> None:
        self.act = model.activity(xp)
        self.xp, self.ub = xp, model.ub
        hi, lo = model.row_hi, model.row_lo
        self.top = hi + 1e-6 * np.maximum(1.0, np.abs(np.where(np.isfinite(hi), hi, 0.0)))
        self.bottom = lo - 1e-6 * np.maximum(1.0, np.abs(np.where(np.isfinite(lo), lo, 0.0)))
        self.structural = np.isin(model.row_family, list(STRUCTURAL))
        self.buy_var, self.buy_coef = _purchase_rows(model)
        self.hi = hi


def _columns_in_the_way(model: LinearModel, scan: _Scan, j0: int,
                        j1: int) -> tuple[np.ndarray, np.ndarray]:
    """_rows_in_the_way for the start columns j0..j1-1. A column whose
    addition buys FTE, or that has two entries in one row, has its entries
    and the purchase's merged (`summed`: one value per row, in entry order);
    any other column's new activity is act_i + A_ij as it stands."""
    rows, vals, first = model.by_column
    er, ev = rows[first[j0]:first[j1]], vals[first[j0]:first[j1]]
    ec = np.repeat(np.arange(j0, j1), np.diff(first[j0:j1 + 1]))
    k = scan.buy_var[er]
    at = np.flatnonzero(k >= 0)
    coef = -scan.buy_coef[er[at]]
    over = scan.act[er[at]] + ev[at] - scan.hi[er[at]]
    room = (scan.ub[k[at]] - scan.xp[k[at]]) * coef
    bought = np.minimum(np.maximum(over, 0.0), np.maximum(room, 0.0)) / coef
    at, bought = at[bought > 0], bought[bought > 0]
    merge = np.zeros(j1 - j0 + 1, dtype=bool)
    merge[ec[at] - j0] = True
    merge[ec[1:][(er[1:] == er[:-1]) & (ec[1:] == ec[:-1])] - j0] = True
    m = merge[ec - j0]
    # buying `bought` of variable k changes every row of column k by bought * A_ik
    kvar = k[at]
    counts = first[kvar + 1] - first[kvar]
    pos = np.repeat(first[kvar], counts) + np.arange(counts.sum()) - \
        np.repeat(np.cumsum(counts) - counts, counts)
    r2, c2, v2 = summed(np.r_[er[m], rows[pos]], np.r_[ec[m], np.repeat(ec[at], counts)],
                        np.r_[ev[m], vals[pos] * np.repeat(bought, counts)])
    r, c = np.r_[er[~m], r2], np.r_[ec[~m], c2]
    new = np.r_[scan.act[er[~m]] + ev[~m], scan.act[r2] + v2]
    off = ((new > scan.top[r]) | (new < scan.bottom[r])) & ~scan.structural[r]
    r, c = r[off].astype(np.int32), c[off].astype(np.int32)
    order = np.argsort(c, kind="stable")
    return r[order], c[order]


def _static_reasons(portfolio: Portfolio, derived: Derived) -> dict[str, ExcludedProject]:
    """Reasons that need no plan: forced out, no fit, unaligned (by project)."""
    p = portfolio.projects
    forced_out = (p["force"] == "out").to_numpy()
    no_fit = ~derived.windows["fits"].reindex(p.index).astype(bool).to_numpy()
    unaligned = portfolio.require_alignment & ~derived.aligned.reindex(p.index).astype(
        bool).to_numpy() & (p["status"] != "mandatory").to_numpy() & (p["force"] != "in").to_numpy()
    out = {}
    for pid in p.index[unaligned]:
        out[pid] = ExcludedProject(project=pid, code="unaligned",
                                   binding=[row_name(Family.ALIGNMENT, pid)],
                                   reason="serves no strategic objective (strategic score 0)")
    for pid in p.index[no_fit]:
        out[pid] = ExcludedProject(project=pid, code="no_fit",
                                   binding=[row_name(Family.WINDOW, pid)],
                                   reason="cannot be placed within the horizon or its window")
    for pid in p.index[forced_out]:
        out[pid] = ExcludedProject(project=pid, code="forced_out",
                                   binding=[row_name(Family.FORCE, pid)],
                                   reason="forced out by the planner")
    return out


def first_reasons(portfolio: Portfolio, derived: Derived, model: LinearModel,
                  x: np.ndarray, selected: set[str]) -> list[ExcludedProject]:
    """One ExcludedProject per project that is not selected."""
    out = []
    static = _static_reasons(portfolio, derived)
    proofs = impossible(model, [p for p in portfolio.projects.index
                                if p not in selected and p not in static])
    rows, cols = _rows_in_the_way(model, plan_vector(portfolio, model, x))  # after: peaks apart
    starts = model.starts
    var_project = starts["project"].to_numpy(dtype=object)
    count = np.bincount(cols, minlength=len(starts))
    sorted_rows = rows  # start columns only, sorted by column, then row
    bounds = np.searchsorted(cols, np.arange(len(starts) + 1))
    per_project = pd.DataFrame({"project": var_project, "count": count,
                                "var": np.arange(len(starts))})
    best = per_project.sort_values(["count", "var"]).drop_duplicates("project")
    best = dict(zip(best["project"], best["var"].to_numpy(), strict=True))
    for pid in portfolio.projects.index:
        if pid in selected:
            continue
        if pid in static:
            out.append(static[pid])
            continue
        if pid in proofs:
            names = proofs[pid]
            out.append(ExcludedProject(
                project=pid, code="infeasible_alone", binding=names,
                reason=f"no feasible plan contains it: {', '.join(names[:4])}"
                       + (" and more" if len(names) > 4 else "") + " cannot all hold"))
            continue
        j = best[pid]
        in_the_way = sorted_rows[bounds[j]:bounds[j + 1]]
        names = list(dict.fromkeys(model.row_name[in_the_way]))
        families = set(model.row_family[in_the_way])
        codes = [c for c in REASON_ORDER if any(REASON_CODE.get(f) == c for f in families)]
        if not codes:
            out.append(ExcludedProject(
                project=pid, code="dominated", binding=[],
                reason="fits beside the chosen plan, but the optimum is better without it"))
            continue
        out.append(ExcludedProject(
            project=pid, code=codes[0], binding=names,
            reason=f"adding it at its best start would break {', '.join(names[:4])}"
                   + (" and more" if len(names) > 4 else "")))
    return out
