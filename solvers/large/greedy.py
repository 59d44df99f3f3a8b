"""A first plan without a solver: greedy by value density.

Projects that must be selected (mandatory, forced in, or a window row with
lower bound 1 as in a forced-in counterfactual) are placed first, then the
starts of a preferred plan (a repair: the base optimum with a project forced
in keeps what still fits), then the others in decreasing order of c_j / w_j,
where w_j = sum over the <= rows of a_ij / max(1, |hi_i|) is the start's
share of the limits it uses (or of a given score, e.g. Lagrangian reduced
costs). A start with upper bound 0 is never placed; one is accepted when no
<= row it raises goes over its limit, or when the rows that would are
capacity rows with bought capacity e[k,t] still on offer (coefficient -1)
and what is bought also fits its own rows (its cost in the budgets). While
must projects are placed, balance (share) rows may go over: later projects
dilute them; a must project that did not fit (its prerequisite came
later) is tried again before any other project, and at the end.
A source-funded project (engine/model/funding.py) is placed with its
split: after its column is added, each funding[p,t] row (spend - sum_s f = 0)
is filled by its f[p,s,t] (sources capped by a max_share first, then the
others, by source), each paying as much as its source and eligibility rows
still allow; a project whose spend
its sources cannot cover is not placed (the fill is undone). A partly
fundable project (min_scope, scope_step: engine/model/scope.py) is placed
at its full share: its start's column is read as x + (1/unit) n (its amounts
sit on the share variable n), and n = 1/unit is set with x; a concave
value's hypograph variable w (engine/model/curve.py) is read and set at its
upper bound, the value at share 1 (every chord, extended to share 1, lies
on or above it).
Synergy variables are set afterwards (z = y_a AND y_b). The result is
returned only if every row holds, so it is a valid hint for any backend and
the answer of last resort when a solver finds nothing in time. Starts are
pre-tested a chunk at a time with array operations, skipping those that
cannot fit at their turn either (see _rejection); the plan is the same.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.sparse import csc_matrix, identity
from spmo.engine.model.linear import LinearModel
from spmo.engine.rows import STRUCTURAL, Family

SKIP = list(STRUCTURAL)
CHUNK = 512
"""Starts pre-tested together (see _rejection)."""
TOL = 1e-9


@dataclass
class _Run:
    """What the greedy reads and writes: the model by column (rows, vals, col),
    the checked upper limits `hi`, the row activity `act` and the assignment `x`
    (both updated in place), and per row the variable that sells capacity."""

    model: LinearModel
    rows: np.ndarray
    vals: np.ndarray
    col: np.ndarray
    hi: np.ndarray
    act: np.ndarray
    x: np.ndarray
    buyer: np.ndarray | None
    payers: dict[int, list[int]]
    """funding row -> the f variables that pay it (engine/model/funding.py)."""
    fill: np.ndarray
    """per row: True for a funding row (judged after the fill, _fund)."""

    @classmethod
    def of(cls, model: LinearModel) -> _Run:
        rows, vals, col = _full_share_columns(model)
        checked = ~np.isin(model.row_family, SKIP)
        payers = _payers(model, rows, col)
        fill = np.zeros(model.n_rows, dtype=bool)
        fill[list(payers)] = True
        return cls(model, rows, vals, col, hi=np.where(checked, model.row_hi, np.inf),
                   act=np.zeros(model.n_rows), x=np.zeros(model.n_vars),
                   buyer=_buyers(model, rows, vals, col), payers=payers, fill=fill)


def greedy_plan(model: LinearModel, prefer: np.ndarray | None = None,
                score: np.ndarray | None = None) -> np.ndarray | None:
    """A feasible assignment x, or None when the greedy cannot find one.

    `prefer`: an assignment whose chosen starts are tried right after the
    must-select projects (repairing it after a change of the model);
    `score`: the order of the others (largest first) instead of the density,
    e.g. Lagrangian reduced costs."""
    run = _Run.of(model)
    rows, vals, col, hi, act, x = run.rows, run.vals, run.col, run.hi, run.act, run.x
    n = len(model.starts)
    project = model.starts["project"].to_numpy(dtype=object)
    order, is_must = _order(run, prefer, score)
    buyer = run.buyer
    limit = hi[rows] + TOL * np.maximum(1.0, np.abs(hi[rows]))  # per entry
    # an entry that cannot break its row: it lowers it, or it is a share row
    # while a must project is placed (later projects dilute the share)
    harmless = vals <= 0
    harmless_for_must = harmless | (model.row_family == Family.BALANCE)[rows]
    fill = run.fill
    placed: set = set()
    retry = order[is_must[order]]  # a must project whose prerequisite came later
    rest = order[len(retry):]  # musts come first in `order`
    names, musts = project.tolist(), is_must.tolist()
    sure_no = _rejection(run, n)
    passes = [retry, retry] + [rest[i:i + CHUNK] for i in range(0, len(rest), CHUNK)] + [retry]
    for chunk in passes:
        chunk = chunk[~sure_no(chunk, limit)]
        for j in chunk.tolist():
            p = names[j]
            if p in placed:
                continue
            e = slice(col[j], col[j + 1])
            r, v = rows[e], vals[e]
            within = act[r] + v <= limit[e]
            exempt = harmless_for_must[e] if musts[j] else harmless[e]
            ok = within | exempt
            funded = fill[r]
            if funded.any():
                if (ok | funded).all() and _fund(run, j, limit, exempt):
                    placed.add(p)
            elif ok.all():
                act[r] += v
                x[j] = 1.0
                placed.add(p)
            elif buyer is not None and (buyer[r[~ok]] >= 0).all() and _buy_and_place(
                    run, j, ~ok, r[exempt & ~within]):
                placed.add(p)
    _set_shares(model, x)
    _set_synergies(model, x, placed)
    full = model.activity(x)
    tol = TOL * np.maximum(1.0, np.abs(np.nan_to_num(full)))
    if np.all(full <= model.row_hi + tol) and np.all(full >= model.row_lo - tol):
        return x
    return None


def _order(run: _Run, prefer: np.ndarray | None, score: np.ndarray | None):
    """(the start columns in the order they are tried, is_must per column):
    must projects first (an after-prerequisite from its earliest start), then
    the preferred plan's starts, then the others by density or `score`;
    only open starts, and only those of positive value unless must or preferred."""
    model = run.model
    starts = model.starts
    n = len(starts)
    c = _full_share_objective(model)
    must, early = _must_projects(model)
    project = pd.Series(starts["project"].to_numpy(dtype=object))
    is_must = project.isin(must).to_numpy()  # hashed, not an O(n x m) scan
    is_early = project.isin(early).to_numpy()
    preferred = np.zeros(n, dtype=bool) if prefer is None else prefer[:n] > 0.5
    density = _density(run, c) if score is None else score[:n]
    rank = np.where(is_early, starts["start"].to_numpy(dtype=float), -density)
    order = np.lexsort((rank, ~(preferred & ~is_early), ~is_must))
    candidate = (model.ub[:n] >= 0.5) & (is_must | preferred | (c[:n] > 0))
    return order[candidate[order]], is_must


def _rejection(run: _Run, n: int):
    """A vectorised pre-test over a chunk of starts: True where a start must be
    rejected now and so at its turn too. It looks only at rows whose activity
    can only rise while the greedy runs (no negative entry of a start; bought
    capacity lifts a row to its limit, never lowers it) and that no purchase
    can relieve (no seller, or the seller sold out), so it changes no
    decision of the sequential loop, only skips work."""
    model, rows, vals, col = run.model, run.rows, run.vals, run.col
    falls = np.zeros(model.n_rows, dtype=bool)
    start_entry = np.repeat(np.arange(model.n_vars) < n, np.diff(col))
    falls[rows[start_entry & (vals < 0)]] = True
    falls[list(run.payers)] = True  # a funding row is lowered by its fill
    seller = np.full(model.n_rows, -1) if run.buyer is None else run.buyer

    def sure_no(chunk: np.ndarray, limit) -> np.ndarray:
        if len(chunk) == 0:
            return np.zeros(0, dtype=bool)
        act, x = run.act, run.x
        lengths = col[chunk + 1] - col[chunk]
        entry = np.repeat(col[chunk] - np.cumsum(np.r_[0, lengths[:-1]]), lengths) \
            + np.arange(lengths.sum())
        r = rows[entry]
        sold_out = (seller[r] < 0) | (x[seller[r]] >= model.ub[seller[r]] - TOL)
        over = (act[r] + vals[entry] > limit[entry]) & (vals[entry] > 0) & ~falls[r] & sold_out
        return np.bincount(np.repeat(np.arange(len(chunk)), lengths), weights=over,
                           minlength=len(chunk)) > 0
    return sure_no


def _buyers(model: LinearModel, rows, vals, col) -> np.ndarray | None:
    """Per row, the continuous variable that relieves it (bought capacity e[k,t]
    has -1 in capacity[k,t]), or -1; None when nothing can be bought."""
    extra = model.extra["var"].to_numpy(dtype=np.int64) if len(model.extra) else []
    if len(extra) == 0:
        return None
    buyer = np.full(model.n_rows, -1, dtype=np.int64)
    for e in extra:
        r, v = rows[col[e]:col[e + 1]], vals[col[e]:col[e + 1]]
        buyer[r[v < 0]] = e
    return buyer


def _buy_and_place(run: _Run, j: int, short: np.ndarray, exempt: np.ndarray) -> bool:
    """Place start j buying the capacity its `short` entries' rows lack, when
    each has a seller with room and what is bought fits its own rows (e.g. its
    cost in the budgets; `exempt` rows may stay over); updates run.act and run.x."""
    model, rows, vals, col, hi, act, x = (run.model, run.rows, run.vals, run.col, run.hi,
                                          run.act, run.x)
    r, v = rows[col[j]:col[j + 1]], vals[col[j]:col[j + 1]]
    sellers = run.buyer[r[short]]
    amount = (act[r] + v - hi[r])[short]
    if (x[sellers] + amount > model.ub[sellers] + TOL).any():
        return False
    touched = [r] + [rows[col[e]:col[e + 1]] for e in sellers]
    change = [v] + [vals[col[e]:col[e + 1]] * a for e, a in zip(sellers, amount, strict=True)]
    where, delta = np.concatenate(touched), np.concatenate(change)
    unique, inverse = np.unique(where, return_inverse=True)
    after = np.bincount(inverse, weights=delta)
    over = (act[unique] + after > hi[unique] + TOL * np.maximum(1.0, np.abs(hi[unique])))
    if (over & (after > 0) & ~np.isin(unique, exempt)).any():
        return False
    act[unique] += after
    x[sellers] += amount
    x[j] = 1.0
    return True


def _payers(model: LinearModel, rows, col) -> dict[int, list[int]]:
    """funding row -> its f variables: first those a max_share caps (an
    eligibility row), then the others, each in the model's order (source); a
    capped source pays its share first, the money that may pay all is kept."""
    funding = model.funding
    out: dict[int, list[tuple[bool, int]]] = {}
    if funding is None or funding.empty:
        return out
    family = model.row_family
    for f in funding["var"].to_numpy(dtype=np.int64).tolist():
        mine = family[rows[col[f]:col[f + 1]]]
        capped = bool((mine == Family.ELIGIBILITY).any())
        for r in rows[col[f]:col[f + 1]][mine == Family.FUNDING].tolist():
            out.setdefault(r, []).append((not capped, f))
    return {r: [f for _, f in sorted(fs, key=lambda c: c[0])] for r, fs in out.items()}


def _fund(run: _Run, j: int, limit: np.ndarray, exempt: np.ndarray) -> bool:
    """Place start j and fill its funding rows with their f variables (module
    docstring); False, and nothing changed, when a row stays short or a <= row
    of j (not `exempt`) goes over."""
    rows, vals, col, act, x, hi = run.rows, run.vals, run.col, run.act, run.x, run.hi
    e = slice(col[j], col[j + 1])
    r, v = rows[e], vals[e]
    act[r] += v
    paid: list[tuple[int, float]] = []
    for row in r[v > 0].tolist():
        for f in run.payers.get(row, ()):
            need = act[row]
            if need <= TOL * max(1.0, abs(need)):
                break
            fr, fv = rows[col[f]:col[f + 1]], vals[col[f]:col[f + 1]]
            up = fv > 0
            room = np.min((hi[fr[up]] - act[fr[up]]) / fv[up], initial=np.inf)
            amount = min(need, max(room, 0.0), run.model.ub[f] - x[f])
            if amount > 0:
                act[fr] += amount * fv
                x[f] += amount
                paid.append((f, amount))
    short = np.abs(act[r]) > TOL * np.maximum(1.0, np.abs(v))
    over = (act[r] > limit[e]) & ~exempt
    if (short & run.fill[r]).any() or over.any():
        for f, amount in paid:
            act[rows[col[f]:col[f + 1]]] -= amount * vals[col[f]:col[f + 1]]
            x[f] -= amount
        act[r] -= v
        return False
    x[j] = 1.0
    return True


def value_density(model: LinearModel) -> np.ndarray:
    """The greedy's order of the starts (`_density`), to hand to many greedy
    runs on models with the same matrix as `score`."""
    return _density(_Run.of(model), _full_share_objective(model))


def _density(run: _Run, c: np.ndarray) -> np.ndarray:
    """c_j / w_j with w_j = sum over the <= rows of a_ij / max(1, |hi_i|)."""
    model, rows, vals, col, hi = run.model, run.rows, run.vals, run.col, run.hi
    n = len(model.starts)
    limited = np.isfinite(hi[rows]) & (vals > 0)
    use = np.where(limited, vals / np.maximum(1.0, np.abs(np.where(limited, hi[rows], 1.0))),
                   0.0)
    per_col = np.add.reduceat(use, col[:-1]) if len(use) else np.zeros(model.n_vars)
    per_col = np.where(np.diff(col) > 0, per_col, 0.0)
    return c[:n] / np.maximum(per_col[:n], 1e-9)


def _companions(model: LinearModel) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(var, x, value): the variables set with a partly fundable start x when it
    is placed (its share n at 1/unit, a concave value's w at its bound)."""
    shares = model.shares
    if shares is None or shares.empty:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0)
    x_var = shares["x"].to_numpy(dtype=np.int64)
    var, at, value = [shares["var"].to_numpy(dtype=np.int64)], [x_var], [
        np.round(1.0 / shares["unit"].to_numpy(dtype=float))]
    if "curve" in shares:
        curve = shares["curve"].to_numpy(dtype=np.int64)
        has = curve >= 0
        var, at, value = var + [curve[has]], at + [x_var[has]], value + [model.ub[curve[has]]]
    return np.concatenate(var), np.concatenate(at), np.concatenate(value)


def _full_share(model: LinearModel):
    """A (n_vars x n_vars) map T = I + sum value e_var e_x^T over the companions
    of partly fundable starts x (_companions), so that column x of A T is x's
    column plus its full share's; None without share variables."""
    var, at, value = _companions(model)
    if len(var) == 0:
        return None
    return identity(model.n_vars, format="csc") + csc_matrix(
        (value, (var, at)), shape=(model.n_vars, model.n_vars))


def _full_share_columns(model: LinearModel):
    """model.by_column, a partly fundable start's column read at its full share."""
    shift = _full_share(model)
    if shift is None:
        return model.by_column
    a = csc_matrix((model.a_val, (model.a_row, model.a_col)),
                   shape=(model.n_rows, model.n_vars)) @ shift
    a.sum_duplicates()
    a.sort_indices()
    return a.indices.astype(np.int64), a.data, a.indptr.astype(np.int64)


def _full_share_objective(model: LinearModel) -> np.ndarray:
    """c read as the columns are: a partly fundable start's objective at its full share."""
    shift = _full_share(model)
    return model.c if shift is None else shift.T @ model.c


def _set_shares(model: LinearModel, x: np.ndarray) -> None:
    """Every placed partly fundable start's companions at their full-share value."""
    var, at, value = _companions(model)
    x[var] = value * x[at]


def _must_projects(model: LinearModel) -> tuple[set, set]:
    """(must, early). must: projects whose mandatory[], force[] or window[]
    row asks for selection (lo >= 1), and, transitively, what they require: a
    requires[a,b] row (y_a - y_b <= 0) or an after[a,b] row (a's starts up
    to t less b's starts up to t - d_b - lag, <= 0) holds with a selected
    only if b is, so b must be placed too (a counterfactual forcing in a
    project whose prerequisite the base plan leaves out). early: the musts
    some must project comes after, tried at their earliest starts first
    (leaving it the most room)."""
    asks = (model.row_lo >= 1) & np.isin(model.row_family,
                                         (Family.MANDATORY, Family.FORCE, Family.WINDOW))
    must = set(model.row_project[asks])
    prerequisites = _prerequisites(model)
    todo = [p for p in must if p in prerequisites]
    while todo:
        for q, _ in prerequisites[todo.pop()]:
            if q not in must:
                must.add(q)
                todo += [q] if q in prerequisites else []
    early = {q for p in must for q, kind in prerequisites.get(p, ()) if kind == Family.AFTER}
    return must, early


def _prerequisites(model: LinearModel) -> dict:
    """project a -> (b, family) for each project b its requires[a,b] and
    after[a,b] rows need selected (the projects of the rows' negative entries)."""
    n = len(model.starts)
    rows = np.isin(model.row_family, (Family.REQUIRES, Family.AFTER))[model.a_row] & \
        (model.a_col < n)
    if not rows.any():
        return {}
    project = model.starts["project"].to_numpy(dtype=object)
    entries = pd.DataFrame({"row": model.a_row[rows], "project": project[model.a_col[rows]],
                            "needs": model.a_val[rows] < 0,
                            "kind": model.row_family[model.a_row[rows]]})
    pairs = entries[~entries["needs"]].merge(entries[entries["needs"]], on="row")
    pairs = pairs[["project_x", "project_y", "kind_x"]].drop_duplicates()
    out: dict = {}
    for a, b, kind in pairs.itertuples(index=False):
        out.setdefault(a, []).append((b, kind))
    return out


def _set_synergies(model: LinearModel, x: np.ndarray, placed: set) -> None:
    """z_ab = 1 exactly when both projects are placed."""
    pairs = model.pairs
    if len(pairs):
        both = pairs["project_a"].isin(placed) & pairs["project_b"].isin(placed)
        x[pairs["var"].to_numpy()] = both.to_numpy(dtype=float)
