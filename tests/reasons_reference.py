"""The column scan and the impossibility proofs as they were before they
were made to scale (commit 9b3b059): one pass over whole-model arrays, a
pandas groupby for the pairs, a full copy of the row bounds per trial. Kept
as the reference tests/test_reasons_scale.py compares the engine with."""

from __future__ import annotations

from collections import deque

import numpy as np
import pandas as pd
import spmo.engine.reasons as reasons
from spmo.engine.derive import Derived
from spmo.engine.model.linear import LinearModel, summed
from spmo.engine.plan import ExcludedProject
from spmo.engine.portfolio import Portfolio
from spmo.engine.rows import REASON_CODE, REASON_ORDER, STRUCTURAL


def reference_activity(model: LinearModel, x: np.ndarray) -> np.ndarray:
    """A x in one bincount."""
    return np.bincount(model.a_row, weights=model.a_val * x[model.a_col], minlength=model.n_rows)


def purchase_rows(model: LinearModel) -> tuple[np.ndarray, np.ndarray]:
    var = np.full(model.n_rows, -1, dtype=np.int64)
    coef = np.zeros(model.n_rows)
    share = np.zeros(model.n_vars, dtype=bool)
    if model.shares is not None and len(model.shares):
        share[model.shares["var"].to_numpy(dtype=np.int64)] = True
    buys = (~model.integer[model.a_col] | share[model.a_col]) & (model.a_val < 0)
    var[model.a_row[buys]] = model.a_col[buys]
    coef[model.a_row[buys]] = model.a_val[buys]
    return var, coef


def reference_rows_in_the_way(model: LinearModel, xp: np.ndarray):
    """(rows, columns, number of purchases the scan made)."""
    n = len(model.starts)
    act = reference_activity(model, xp)
    rows, vals, first = model.by_column
    er, ev = rows[: first[n]], vals[: first[n]]
    ec = np.repeat(np.arange(n), np.diff(first[: n + 1]))
    buy_var, buy_coef = purchase_rows(model)
    k = buy_var[er]
    at = np.flatnonzero(k >= 0)
    over = act[er[at]] + ev[at] - model.row_hi[er[at]]
    room = (model.ub[k[at]] - xp[k[at]]) * -buy_coef[er[at]]
    bought = np.minimum(np.maximum(over, 0.0), np.maximum(room, 0.0)) / -buy_coef[er[at]]
    at, bought = at[bought > 0], bought[bought > 0]
    # buying `bought` of variable k changes every row of column k by bought * A_ik
    kr, kv, kf = rows, vals, first
    kvar = k[at]
    counts = kf[kvar + 1] - kf[kvar]
    pos = np.repeat(kf[kvar], counts) + np.arange(counts.sum()) - \
        np.repeat(np.cumsum(counts) - counts, counts)
    all_r = np.r_[er, kr[pos]]
    all_c = np.r_[ec, np.repeat(ec[at], counts)]
    all_v = np.r_[ev, kv[pos] * np.repeat(bought, counts)]
    r, c, v = summed(all_r, all_c, all_v)
    new = act[r] + v
    hi, lo = model.row_hi[r], model.row_lo[r]
    tol_hi = 1e-6 * np.maximum(1.0, np.abs(np.where(np.isfinite(hi), hi, 0.0)))
    tol_lo = 1e-6 * np.maximum(1.0, np.abs(np.where(np.isfinite(lo), lo, 0.0)))
    off = ((new > hi + tol_hi) | (new < lo - tol_lo)) & \
        ~np.isin(model.row_family[r], list(STRUCTURAL))
    return r[off], c[off], len(at)


FREE, IN, OUT = 0, 1, -1
MAX_STEPS = 2_000
"""Most row visits of one project's propagation (deterministic: a cap on work)."""


class _Rows:
    """The model's limit rows, as (row, project) pairs with their contribution range."""

    def __init__(self, model: LinearModel) -> None:
        keep = ~np.isin(model.row_family, list(STRUCTURAL)) & \
            (np.isfinite(model.row_lo) | np.isfinite(model.row_hi))
        self.lo, self.hi = model.row_lo, model.row_hi
        self.names = model.row_name
        n = len(model.starts)
        on = keep[model.a_row]
        cont = on & (model.a_col >= n)
        a = model.a_val[cont] * model.ub[model.a_col[cont]]
        b = model.a_val[cont] * model.lb[model.a_col[cont]]
        self.cmin = np.bincount(model.a_row[cont], np.minimum(a, b), model.n_rows).astype(float)
        self.cmax = np.bincount(model.a_row[cont], np.maximum(a, b), model.n_rows).astype(float)
        starts = on & (model.a_col < n)
        project = pd.Index(pd.unique(model.starts["project"]))
        self.project = project
        code = project.get_indexer(model.starts["project"])
        n_starts = np.bincount(code, minlength=len(project))
        pairs = pd.DataFrame({"row": model.a_row[starts], "q": code[model.a_col[starts]],
                              "a": model.a_val[starts]}) \
            .groupby(["row", "q"])["a"].agg(["min", "max", "size"]).reset_index()
        partial = pairs["size"].to_numpy() < n_starts[pairs["q"].to_numpy()]
        self.row = pairs["row"].to_numpy()
        self.q = pairs["q"].to_numpy()
        self.amin = np.where(partial, np.minimum(pairs["min"], 0.0), pairs["min"])
        self.amax = np.where(partial, np.maximum(pairs["max"], 0.0), pairs["max"])
        self.fmin, self.fmax = np.minimum(self.amin, 0.0), np.maximum(self.amax, 0.0)
        size = np.bincount(model.a_row[on], np.abs(model.a_val[on]) *
                           np.where(model.a_col[on] < n, 1.0, model.ub[model.a_col[on]]),
                           model.n_rows)
        limit = np.where(np.isfinite(self.hi), np.abs(self.hi), 0.0)
        limit = np.maximum(limit, np.where(np.isfinite(self.lo), np.abs(self.lo), 0.0))
        self.tol = 1e-6 * np.maximum(1.0, limit) + 1e-9 * size
        self.of_project = _index(self.q, len(project))
        self.of_row = _index(self.row, model.n_rows)
        self.code = {p: i for i, p in enumerate(project)}
        # per row and implication: the pairs by key, largest first, and the largest
        self.keys = {}
        for name, key in (("hi_out", np.maximum(self.amin, 0.0)), ("hi_in", -self.fmin),
                          ("lo_in", self.fmax), ("lo_out", np.maximum(-self.amax, 0.0))):
            top = np.zeros(model.n_rows)
            np.maximum.at(top, self.row, key)
            self.keys[name] = (key, _sorted_by_row(self.row, key, model.n_rows), top.tolist())
        self.hi_list, self.lo_list, self.tol_list = \
            self.hi.tolist(), self.lo.tolist(), self.tol.tolist()


def _index(owner: np.ndarray, size: int) -> list[np.ndarray]:
    order = np.argsort(owner, kind="stable")
    bounds = np.searchsorted(owner[order], np.arange(size + 1))
    return [order[bounds[i]:bounds[i + 1]] for i in range(size)]


def _sorted_by_row(row: np.ndarray, key: np.ndarray, n_rows: int) -> list[np.ndarray]:
    order = np.lexsort((-key, row))
    bounds = np.searchsorted(row[order], np.arange(n_rows + 1))
    return [order[bounds[i]:bounds[i + 1]][key[order[bounds[i]:bounds[i + 1]]] > 0]
            for i in range(n_rows)]


class _State:
    """Project states, row activity bounds and why each state holds; a trial
    state reads its base's records under its own (the base is never changed)."""

    def __init__(self, rows: _Rows, base: _State | None = None) -> None:
        self.rows, self.base = rows, base
        if base is None:
            self.state = np.zeros(len(rows.project), dtype=np.int8)
            n = len(rows.lo)
            self.low = rows.cmin + np.bincount(rows.row, rows.fmin, n).astype(float)
            self.high = rows.cmax + np.bincount(rows.row, rows.fmax, n).astype(float)
        else:
            self.state, self.low, self.high = \
                base.state.copy(), base.low.copy(), base.high.copy()
        self.own_why: dict[int, frozenset[int]] = {}
        self.steps = 0

    def why(self, q: int) -> frozenset[int]:
        if q in self.own_why:
            return self.own_why[q]
        return self.base.why(q) if self.base is not None else frozenset()

    def _reason(self, i: int, side: str) -> frozenset[int]:
        """Row i and the rows behind every fixed project whose contribution to
        i's `side` bound differs from a free one's."""
        r, out = self.rows, {i}
        pairs = r.of_row[i]
        for k in pairs[self.state[r.q[pairs]] != FREE]:
            s = self.state[r.q[k]]
            lo_c = r.amin[k] if s == IN else 0.0
            hi_c = r.amax[k] if s == IN else 0.0
            if (side == "hi" and lo_c != r.fmin[k]) or (side == "lo" and hi_c != r.fmax[k]):
                out |= self.why(int(r.q[k]))
        return frozenset(out)

    def fix(self, q: int, value: int, why: frozenset[int], queue: deque) -> frozenset | None:
        """Set project q in or out; the proof rows when that clashes."""
        if self.state[q] == value:
            return None
        if self.state[q] != FREE:
            return why | self.why(q)
        r = self.rows
        self.state[q] = value
        self.own_why[q] = why
        ks = r.of_project[q]
        i = r.row[ks]  # a project has one pair per row
        gain_low = (r.amin[ks] if value == IN else 0.0) - r.fmin[ks]
        loss_high = (r.amax[ks] if value == IN else 0.0) - r.fmax[ks]
        self.low[i] += gain_low
        self.high[i] += loss_high
        queue.extend(i[(gain_low != 0) | (loss_high != 0)].tolist())
        return None

    def propagate(self, queue: deque, max_steps: int) -> frozenset | None:
        """Visit rows until nothing follows (or `max_steps` visits); the proof
        rows of a conflict, else None."""
        r = self.rows
        while queue and self.steps < max_steps:
            i = queue.popleft()
            self.steps += 1
            room_hi = r.hi_list[i] + r.tol_list[i] - float(self.low[i])
            room_lo = float(self.high[i]) - r.lo_list[i] + r.tol_list[i]
            if room_hi < 0:
                return self._reason(i, "hi")
            if room_lo < 0:
                return self._reason(i, "lo")
            for name, value, room, side in (("hi_out", OUT, room_hi, "hi"),
                                            ("hi_in", IN, room_hi, "hi"),
                                            ("lo_in", IN, room_lo, "lo"),
                                            ("lo_out", OUT, room_lo, "lo")):
                key, order, top = r.keys[name]
                if top[i] <= room:
                    continue
                for k in order[i]:
                    if key[k] <= room:
                        break
                    q = int(r.q[k])
                    if self.state[q] != FREE:
                        continue
                    clash = self.fix(q, value, self._reason(i, side), queue)
                    if clash is not None:
                        return clash
        return None


def reference_impossible(model: LinearModel, projects: list[str]) -> dict[str, list[str]]:
    """For each of `projects` that no plan can contain (as far as propagation
    proves), the names of the rows of the proof, in model order."""
    rows = _Rows(model)
    base = _State(rows)
    if base.propagate(deque(range(model.n_rows)), 20 * model.n_rows + MAX_STEPS) is not None:
        return {}  # the model itself is infeasible: nothing to say per project
    out = {}
    for p in projects:
        q = rows.code.get(p, -1)
        if q < 0:
            continue
        if base.state[q] == OUT:
            proof = base.why(q)
        else:
            trial, queue = _State(rows, base), deque()
            trial.fix(q, IN, frozenset(), queue)
            proof = trial.propagate(queue, MAX_STEPS)
        if proof:
            out[p] = list(dict.fromkeys(rows.names[sorted(proof)]))
    return out


def reference_summed(row: np.ndarray, col: np.ndarray, val: np.ndarray):
    """engine.model.linear.summed as it was (one expression per step)."""
    if len(row) == 0:
        return row, col, val
    height = int(row.max()) + 1
    key = col.astype(np.int64) * height + row
    order = np.argsort(key, kind="stable")
    key = key[order]
    new = np.r_[True, key[1:] != key[:-1]]
    first = key[new]
    return first % height, first // height, np.bincount(np.cumsum(new) - 1, weights=val[order])


def reference_finish(self, starts, extra, pairs, shares=None, funding=None) -> LinearModel:
    """ModelBuilder.finish as it was: every block concatenated, then one
    stable sort by row."""
    def cat(parts, dt):
        return (np.concatenate(parts).astype(dt) if parts
                else np.zeros(0, dtype=dt))
    fam = [np.full(len(r[1]), r[0], dtype=object) for r in self.rows]
    a_row = cat([r[4] for r in self.rows], np.int64)
    order = np.argsort(a_row, kind="stable")
    return LinearModel(
        lb=cat(self.lb, float), ub=cat(self.ub, float), integer=cat(self.integer, bool),
        c=cat(self.c, float),
        row_name=cat([r[1] for r in self.rows], object), row_family=cat(fam, object),
        row_lo=cat([r[2] for r in self.rows], float),
        row_hi=cat([r[3] for r in self.rows], float),
        a_row=a_row[order], a_col=cat([r[5] for r in self.rows], np.int64)[order],
        a_val=cat([r[6] for r in self.rows], float)[order],
        starts=starts, extra=extra, pairs=pairs, shares=shares, funding=funding,
        row_project=cat([r[7] for r in self.rows], object))


def reference_first_reasons(portfolio: Portfolio, derived: Derived, model: LinearModel,
                            x: np.ndarray, selected: set[str]) -> list[ExcludedProject]:
    """engine.reasons.first_reasons as it was, on the reference scan and proofs."""
    out = []
    rows, cols = reference_rows_in_the_way(model, reasons.plan_vector(portfolio, model, x))[:2]
    starts = model.starts
    var_project = starts["project"].to_numpy(dtype=object)
    count = np.bincount(cols, minlength=model.n_vars)[: len(starts)]
    keep = cols < len(starts)
    order = np.argsort(cols[keep], kind="stable")
    sorted_cols, sorted_rows = cols[keep][order], rows[keep][order]
    bounds = np.searchsorted(sorted_cols, np.arange(len(starts) + 1))
    static = reasons._static_reasons(portfolio, derived)
    per_project = pd.DataFrame({"project": var_project, "count": count,
                                "var": np.arange(len(starts))})
    best = per_project.sort_values(["count", "var"]).drop_duplicates("project") \
        .set_index("project")["var"]
    proofs = reference_impossible(model, [p for p in portfolio.projects.index
                                if p not in selected and p not in static])
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
