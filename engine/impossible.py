"""Projects that no plan can contain, proven row by row (no solver).

Each project q is free, in or out. In a row i its start variables contribute
A_ij for the chosen start j, 0 when it is out: between amin and amax when in
(0 counts when some start is not in the row), between min(0, amin) and
max(0, amax) when free. Summing the least and the most every project (and
every continuous variable, within its bounds) can put into a row gives the
row's least and greatest activity L_i, U_i over all plans in that state.
Then, repeatedly (bound propagation at the level of projects):

- L_i > hi_i or U_i < lo_i: no plan exists (a conflict);
- a free project whose absence alone breaks a row must be in (a mandatory
  row, `requires` from a project that is in);
- a free project whose presence at any start breaks a row must be out
  (`excludes` with a project that is in, a full group, a spent budget).

`impossible(model, projects)` forces each project in turn and propagates from
the state every plan is in (mandatory and forced projects in, forced out and
unaligned ones out, and what follows); a conflict proves that no plan
contains it, and the rows the conflict used (the row that broke and, through
every project whose state it relied on, the rows that fixed that state) are
the proof. The test is sound (tolerance 1e-6 x max(1, |limit|) plus 1e-9 x
the row's absolute sum) but not complete: a clash only a search finds (two
mandatory projects that fit a budget only at starts that leave no room for
q) is left to the counterfactual re-solves. It reads the model only, so it
gives the same answer whatever explanations are asked for.
"""

from __future__ import annotations

from collections import deque

import numpy as np
import pandas as pd

from .model.linear import LinearModel, row_slices
from .rows import STRUCTURAL

FREE, IN, OUT = 0, 1, -1
SLICE = 1 << 19
"""Start entries per slice when the pairs are built (bounds the temporaries)."""
WINDOW = 128
"""Most queued rows tested at once for a quiet run (bounds the work per visit)."""
MAX_STEPS = 2_000
"""Most row visits of one project's propagation (deterministic: a cap on work)."""


class _Rows:
    """The model's limit rows, as (row, project) pairs with their contribution
    range. The pairs are built from the column view a slice of projects at a
    time (`_pairs`), in (project, row) order: per row the pairs come by
    project, per project by row (the orders the propagation reads)."""

    def __init__(self, model: LinearModel) -> None:
        keep = ~np.isin(model.row_family, list(STRUCTURAL)) & \
            (np.isfinite(model.row_lo) | np.isfinite(model.row_hi))
        self.lo, self.hi = model.row_lo, model.row_hi
        self.names = model.row_name
        project = pd.Index(pd.unique(model.starts["project"]))
        self.project = project
        self.code = {p: i for i, p in enumerate(project)}
        self.cmin, self.cmax, size = _row_sums(model, keep)
        self.row, self.q, self.amin, self.amax, self.q_first = \
            _pairs(model, keep, project.get_indexer(model.starts["project"]), len(project))
        limit = np.where(np.isfinite(self.hi), np.abs(self.hi), 0.0)
        limit = np.maximum(limit, np.where(np.isfinite(self.lo), np.abs(self.lo), 0.0))
        self.tol = 1e-6 * np.maximum(1.0, limit) + 1e-9 * size
        self.row_order, self.row_first = _grouped(self.row, model.n_rows)
        # per row and implication: the pairs with a positive key, largest first,
        # and the largest key (only rows whose limit on that side is finite)
        self.keys, self.tops = {}, {}
        for name, limited in (("hi_out", self.hi), ("hi_in", self.hi), ("lo_in", self.lo),
                              ("lo_out", self.lo)):
            key = self._key(name)
            top = np.zeros(model.n_rows)
            np.maximum.at(top, self.row, key)
            use = np.flatnonzero((key > 0) & np.isfinite(limited)[self.row])
            order = use[np.lexsort((-key[use], self.row[use]))]
            first = np.searchsorted(self.row[order], np.arange(model.n_rows + 1))
            self.keys[name] = (key[order].tolist(), self.q[order].tolist(), first.tolist(),
                               top.tolist())
            self.tops[name] = top
        self.hi_list, self.lo_list, self.tol_list = \
            self.hi.tolist(), self.lo.tolist(), self.tol.tolist()

    def _key(self, name: str) -> np.ndarray:
        """Per pair, the key of implication `name` (more than the row's room
        fixes the project): hi_out max(amin, 0), the least it adds when in
        (forces it out); hi_in -min(amin, 0), what being out costs the low
        bound (forces it in); lo_in max(amax, 0) and lo_out max(-amax, 0) alike
        for the row's lower limit."""
        if name == "hi_out":
            return np.maximum(self.amin, 0.0)
        if name == "hi_in":
            return -np.minimum(self.amin, 0.0)
        if name == "lo_in":
            return np.maximum(self.amax, 0.0)
        return np.maximum(-self.amax, 0.0)

    def of_project(self, q: int) -> slice:
        """Project q's pairs (by row)."""
        return slice(self.q_first[q], self.q_first[q + 1])

    def of_row(self, i: int) -> np.ndarray:
        """Row i's pairs (by project)."""
        return self.row_order[self.row_first[i]:self.row_first[i + 1]]


def _row_sums(model: LinearModel, keep: np.ndarray):
    """Per row (0 outside `keep`): the least and the most the continuous
    variables put in it, and the row's absolute size (sum |A_ij| x
    (1 for a start, ub_j otherwise)); summed in entry order a slice of rows
    at a time (row_slices: bit for bit a one-pass sum)."""
    n = len(model.starts)
    cmin, cmax, size = np.zeros(model.n_rows), np.zeros(model.n_rows), np.zeros(model.n_rows)
    for a, b in row_slices(model.a_row):
        row, col, val = model.a_row[a:b], model.a_col[a:b], model.a_val[a:b]
        on = keep[row]
        r0, width = int(row.min()), int(row.max()) - int(row.min()) + 1
        cont = on & (col >= n)
        up, down = val[cont] * model.ub[col[cont]], val[cont] * model.lb[col[cont]]
        cmin[r0:r0 + width] += np.bincount(row[cont] - r0, np.minimum(up, down), width)
        cmax[r0:r0 + width] += np.bincount(row[cont] - r0, np.maximum(up, down), width)
        size[r0:r0 + width] += np.bincount(
            row[on] - r0, np.abs(val[on]) * np.where(col[on] < n, 1.0, model.ub[col[on]]),
            width)
    return cmin, cmax, size


def _pairs(model: LinearModel, keep: np.ndarray, code: np.ndarray, n_projects: int):
    """(row, project) pairs of the start entries in `keep` rows, sorted by
    project then row: row, q, amin, amax (the least and the most the project
    puts in the row when in; 0 counts when some start is not in the row), and
    per project the first pair (q_first[q]:q_first[q+1] are q's)."""
    rows, vals, first = model.by_column
    n_starts = np.bincount(code, minlength=n_projects)
    # written in place into arrays as long as every start entry: the pages
    # past the pairs are never touched, so never resident
    room = int(first[len(code)]) if len(code) else 0
    out = [np.empty(room, dtype=np.int32), np.empty(room, dtype=np.int32),
           np.empty(room), np.empty(room)]
    size = 0
    for j0, j1 in _project_slices(code, first):
        er, ev = rows[first[j0]:first[j1]], vals[first[j0]:first[j1]]
        q = np.repeat(code[j0:j1], np.diff(first[j0:j1 + 1]))
        on = keep[er]
        if not on.any():
            continue
        key = q[on] * np.int64(model.n_rows) + er[on]
        order = np.argsort(key, kind="stable")
        key, a = key[order], ev[on][order]
        new = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
        q = key[new] // model.n_rows
        partial = np.diff(np.r_[new, len(key)]) < n_starts[q]
        lo, hi = np.minimum.reduceat(a, new), np.maximum.reduceat(a, new)
        end = size + len(new)
        out[0][size:end] = key[new] % model.n_rows
        out[1][size:end] = q
        out[2][size:end] = np.where(partial, np.minimum(lo, 0.0), lo)
        out[3][size:end] = np.where(partial, np.maximum(hi, 0.0), hi)
        size = end
    out = [part[:size] for part in out]
    return (*out, np.searchsorted(out[1], np.arange(n_projects + 1)).tolist())


def _project_slices(code: np.ndarray, first: np.ndarray) -> list[tuple[int, int]]:
    """[j0, j1) ranges of start columns, about SLICE entries each, that never
    split a project; one range when a project's columns are not together."""
    n = len(code)
    if n == 0:
        return []
    if np.any(code[1:] < code[:-1]):
        return [(0, n)]
    out, j0 = [], 0
    while j0 < n:
        j1 = int(np.searchsorted(first, first[j0] + SLICE, side="right")) - 1
        j1 = int(np.searchsorted(code, code[min(max(j1, j0 + 1), n) - 1], side="right"))
        out.append((j0, j1))
        j0 = j1
    return out


def _grouped(owner: np.ndarray, size: int) -> tuple[np.ndarray, list[int]]:
    """Indices sorted by owner (stable) and each owner's first position."""
    order = np.argsort(owner, kind="stable").astype(np.int32)
    return order, np.r_[0, np.cumsum(np.bincount(owner, minlength=size))].tolist()


class _State:
    """Project states, row activity bounds and why each state holds. A trial
    state works on its base's arrays and logs every change (`undo` puts the
    base back exactly), so a trial costs what it changes, not the model's
    size; it reads its base's reasons under its own."""

    def __init__(self, rows: _Rows, base: _State | None = None) -> None:
        self.rows, self.base = rows, base
        if base is None:
            self.state = np.zeros(len(rows.project), dtype=np.int8)
            n = len(rows.lo)
            self.low = rows.cmin + np.bincount(rows.row, np.minimum(rows.amin, 0.0),
                                               n).astype(float)
            self.high = rows.cmax + np.bincount(rows.row, np.maximum(rows.amax, 0.0),
                                                n).astype(float)
        else:
            self.state, self.low, self.high = base.state, base.low, base.high
        self.log: list[tuple] = []
        self.own_why: dict[int, frozenset[int]] = {}
        self.steps = 0

    def undo(self) -> None:
        """Put back every state and bound this state changed (a trial's base)."""
        for q, i, low, high in reversed(self.log):
            self.state[q] = FREE
            self.low[i], self.high[i] = low, high
        self.log.clear()

    def why(self, q: int) -> frozenset[int]:
        if q in self.own_why:
            return self.own_why[q]
        return self.base.why(q) if self.base is not None else frozenset()

    def _reason(self, i: int, side: str) -> frozenset[int]:
        """Row i and the rows behind every fixed project whose contribution to
        i's `side` bound differs from a free one's."""
        r, out = self.rows, {i}
        pairs = r.of_row(i)
        for k in pairs[self.state[r.q[pairs]] != FREE]:
            s = self.state[r.q[k]]
            lo_c = r.amin[k] if s == IN else 0.0
            hi_c = r.amax[k] if s == IN else 0.0
            if (side == "hi" and lo_c != min(r.amin[k], 0.0)) or \
                    (side == "lo" and hi_c != max(r.amax[k], 0.0)):
                out |= self.why(int(r.q[k]))
        return frozenset(out)

    def fix(self, q: int, value: int, why: frozenset[int], queue: deque) -> frozenset | None:
        """Set project q in or out; the proof rows when that clashes."""
        if self.state[q] == value:
            return None
        if self.state[q] != FREE:
            return why | self.why(q)
        r = self.rows
        ks = r.of_project(q)
        i = r.row[ks]  # a project has one pair per row
        if self.base is not None:
            self.log.append((q, i, self.low[i], self.high[i]))
        self.state[q] = value
        self.own_why[q] = why
        amin, amax = r.amin[ks], r.amax[ks]
        gain_low = (amin if value == IN else 0.0) - np.minimum(amin, 0.0)
        loss_high = (amax if value == IN else 0.0) - np.maximum(amax, 0.0)
        self.low[i] += gain_low
        self.high[i] += loss_high
        queue.extend(i[(gain_low != 0) | (loss_high != 0)].tolist())
        return None

    def propagate(self, queue: deque, max_steps: int) -> frozenset | None:
        """Visit rows until nothing follows (or `max_steps` visits); the proof
        rows of a conflict, else None. A row visit that finds nothing changes
        nothing, so the queued rows up to the first that finds something are
        tested at once (`_quiet`) and passed over, counted as visits."""
        while queue and self.steps < max_steps:
            quiet = self._quiet(queue, min(max_steps - self.steps, WINDOW))
            for _ in range(quiet):
                queue.popleft()
            self.steps += quiet
            if not queue or self.steps >= max_steps:
                break
            self.steps += 1
            clash = self._visit(queue.popleft(), queue)
            if clash is not None:
                return clash
        return None

    def _visit(self, i: int, queue: deque) -> frozenset | None:
        """Row i: the proof rows if it is broken, else fix what it implies."""
        r = self.rows
        room = {"hi": r.hi_list[i] + r.tol_list[i] - float(self.low[i]),
                "lo": float(self.high[i]) - r.lo_list[i] + r.tol_list[i]}
        if room["hi"] < 0:
            return self._reason(i, "hi")
        if room["lo"] < 0:
            return self._reason(i, "lo")
        for name, value, side in (("hi_out", OUT, "hi"), ("hi_in", IN, "hi"),
                                  ("lo_in", IN, "lo"), ("lo_out", OUT, "lo")):
            if r.keys[name][3][i] <= room[side]:
                continue
            clash = self._implied(i, r.keys[name], value, room[side], side, queue)
            if clash is not None:
                return clash
        return None

    def _quiet(self, queue: deque, most: int) -> int:
        """How many of the first `most` queued rows, from the front, `_visit`
        would find neither broken nor implying anything (the same tests, on
        all of them at once)."""
        r = self.rows
        i = np.fromiter(queue, dtype=np.int64, count=min(len(queue), most))
        room_hi = r.hi[i] + r.tol[i] - self.low[i]
        room_lo = self.high[i] - r.lo[i] + r.tol[i]
        loud = (room_hi < 0) | (room_lo < 0)
        for name, room in (("hi_out", room_hi), ("hi_in", room_hi), ("lo_in", room_lo),
                           ("lo_out", room_lo)):
            loud |= ~(r.tops[name][i] <= room)
        return int(np.argmax(loud)) if loud.any() else len(i)

    def _implied(self, i: int, keys: tuple, value: int, room: float, side: str,
                 queue: deque) -> frozenset | None:
        """Fix every free project whose key in row i exceeds the room (largest
        first); the proof rows of a clash, else None."""
        key, project, first, _ = keys
        for k in range(first[i], first[i + 1]):
            if key[k] <= room:
                break
            q = project[k]
            if self.state[q] != FREE:
                continue
            clash = self.fix(q, value, self._reason(i, side), queue)
            if clash is not None:
                return clash
        return None


def impossible(model: LinearModel, projects: list[str]) -> dict[str, list[str]]:
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
            trial.undo()
        if proof:
            out[p] = list(dict.fromkeys(rows.names[sorted(proof)]))
    return out
