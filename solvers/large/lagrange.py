"""A Lagrangian bound and plan for models too large for branch and bound in time.

Keep the start choice (sum_s x[p,s] <= 1, the `window` rows) and price every
other row i with a multiplier pi_i (pi_i >= 0 on a <= side, <= 0 on a >= side,
free on a range). For any such pi,

    L(pi) = sum_i (pi_i+ hi_i - pi_i- lo_i) + max_{x in X} (c - A^T pi) x

is an upper bound on the optimum (weak duality), where X keeps only the
bounds and the one-start-per-project rows: each project takes its start of
largest reduced cost r = c - A^T pi when that is positive (or anyway when its
window row demands a start), every other variable sits at the bound its
reduced cost favours. Rows are scaled to unit largest coefficient; L is
minimised through its entropy smoothing (solvers.smoothed), which reaches the
LP bound where subgradient steps stalled above it. The greedy, ordered by the
reduced costs at prices found for slightly perturbed start values (which
break the LP's ties the way its packing needs; see _Relaxation) and by the
smoothed dual's near-LP fractional starts x_tau (_orders), turns them into
feasible plans, the best of which is kept, so the result is a
checked-feasible plan and a proven bound.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_matrix
from spmo.engine.model.linear import LinearModel
from spmo.engine.plan import relative_gap
from spmo.engine.rows import Family

from ..base import Capability, Result, SolveOptions, Status, clipped_hint
from .greedy import greedy_plan
from .lns import improve
from .smoothed import SHRINK, smoothed_dual, soft_starts


@dataclass
class LagrangeResult:
    """Best bound, the multipliers that gave it, and the best plan found."""

    bound: float | None
    x: np.ndarray | None
    objective: float | None
    rounds: int
    prices: np.ndarray
    reduced: np.ndarray
    """r = c - A^T pi at the best multipliers."""


class _Relaxation:
    """The model split into the kept structure (start choice) and priced rows.

    `perturbation`: the prices are sought for start values c[p,s] (1 + e u),
    u uniform on [-1, 1] (seeded), while the bound is always L at the true c.
    At the LP prices most selected projects are indifferent between several
    starts; the LP packs them into the capacity rows by a choice among the ties
    that the prices do not show, and a greedy that breaks them by column order
    piles them onto the same rows. Perturbed values make the LP optimum a
    vertex whose starts are each project's unique best at its prices, so the
    greedy's order follows the LP's packing (docs/solver-figures.md)."""

    def __init__(self, model: LinearModel, perturbation: float = 0.0, seed: int = 0) -> None:
        self.model = model
        n_starts = len(model.starts)
        self.c = model.c.copy()
        if perturbation:
            noise = np.random.default_rng(seed).uniform(-1.0, 1.0, n_starts)
            self.c[:n_starts] *= 1.0 + perturbation * noise
        window = model.row_family == Family.WINDOW
        self.must = np.zeros(n_starts, dtype=bool)
        is_window = window[model.a_row]
        must_entry = is_window & (model.row_lo[model.a_row] >= 1)
        self.must[model.a_col[must_entry]] = True
        priced = ~window & (np.isfinite(model.row_lo) | np.isfinite(model.row_hi))
        rows = np.flatnonzero(priced)
        self.rows = rows
        local = np.full(model.n_rows, -1)
        local[rows] = np.arange(len(rows))
        keep = priced[model.a_row]
        row = local[model.a_row[keep]]
        scale = np.zeros(len(rows))
        np.maximum.at(scale, row, np.abs(model.a_val[keep]))
        scale = 1.0 / np.where(scale > 0, scale, 1.0)
        self.lo = model.row_lo[rows] * scale
        self.hi = model.row_hi[rows] * scale
        # one copy of the priced rows, row-wise; A x goes through its transpose's view
        self.transposed = csr_matrix(
            (model.a_val[keep] * scale[row], (model.a_col[keep], row)),
            shape=(model.n_vars, len(rows)))
        self.matrix = self.transposed.T
        self.n_starts = n_starts
        project = model.starts["project"].to_numpy(dtype=object)
        change = np.r_[True, project[1:] != project[:-1]] if n_starts else np.zeros(0, bool)
        self.group_start = np.flatnonzero(change)
        self.group_of = np.cumsum(change) - 1
        self.open = model.ub[:n_starts] >= 0.5
        self.group_must = (np.maximum.reduceat(self.must, self.group_start).astype(bool)
                           if n_starts else np.zeros(0, bool))

    def evaluate(self, pi: np.ndarray, c: np.ndarray | None = None,
                 ) -> tuple[float, np.ndarray, np.ndarray]:
        """(L(pi), the maximising x, the reduced costs r), at the perturbed
        values unless `c` is given."""
        model = self.model
        r = (self.c if c is None else c) - self.transposed @ pi
        x = np.where(r > 0, model.ub, model.lb).astype(float)
        value = float(r[self.n_starts:] @ x[self.n_starts:])
        x[: self.n_starts] = 0.0
        if self.n_starts:
            rs = np.where(self.open, r[: self.n_starts], -np.inf)
            best = np.maximum.reduceat(rs, self.group_start)
            take = np.isfinite(best) & ((best > 0) | self.group_must)
            winner = (rs == best[self.group_of]) & take[self.group_of]
            groups = self.group_of[winner]
            first = np.ones(len(groups), dtype=bool)  # one start per project on ties
            first[1:] = groups[1:] != groups[:-1]
            x[np.flatnonzero(winner)[first]] = 1.0
            value += float(best[take].sum())
        plus, minus = np.maximum(pi, 0.0), np.maximum(-pi, 0.0)
        value += float(plus @ np.where(plus > 0, self.hi, 0.0)
                       - minus @ np.where(minus > 0, self.lo, 0.0))
        return value, x, r

    def bound(self, pi: np.ndarray) -> float:
        """L(pi) at the model's true values: an upper bound on its optimum."""
        return self.evaluate(pi, self.model.c)[0]


PRICED_STAGES = 3
"""Stages whose prices are turned into greedy plans (_orders)."""
PERTURBATION = 1e-3
"""Relative noise on the start values while pricing for a plan (see
_Relaxation; why 1e-3: docs/solver-figures.md)."""


def lagrangian(model: LinearModel, seconds: float, first: np.ndarray | None = None,
               greedy: bool = True, seed: int | None = None) -> LagrangeResult:
    """Minimise L(pi) for at most about `seconds` (solvers.smoothed); return the
    least bound, its prices and reduced costs (at the true values), and the
    best plan of `first` and (with `greedy`) the greedy ordered by the
    reduced costs at the prices of each of the last PRICED_STAGES stages (its
    plan is sensitive to the prices, so the best is kept). With `greedy` the
    prices are sought at values perturbed by PERTURBATION (seeded by `seed`),
    which costs the bound about 1e-4 relative and gains the plan far more;
    without, the prices are those of the model itself."""
    relax = _Relaxation(model, PERTURBATION if greedy else 0.0, 0 if seed is None else seed)
    dual = smoothed_dual(relax, seconds)
    reduced = relax.evaluate(dual.prices, model.c)[2]
    best_x = first
    best_value = -np.inf if first is None else float(model.c @ first)
    if greedy:
        stages = list(zip(dual.stage_prices, dual.stage_taus, strict=True))[-PRICED_STAGES:]
        for k, (prices, tau) in enumerate(stages):
            reduced_k = relax.evaluate(prices)[2]
            for score in _orders(relax, prices, tau, reduced_k, last=k == len(stages) - 1):
                best_x, best_value = _priced_plan(model, score, best_x, best_value)
    return LagrangeResult(dual.bound if np.isfinite(dual.bound) else None, best_x,
                          None if best_x is None else best_value, dual.iterations,
                          dual.prices, reduced)


def _orders(relax: _Relaxation, prices: np.ndarray, tau: float, reduced: np.ndarray,
            last: bool):
    """The greedy's orders at one stage's prices: by reduced cost r, and by the
    stage's softmax weights x_tau (solvers.smoothed.soft_starts), project by
    project (y_p = sum_s x_tau[p,s], then x_tau, then r) and, at the last
    stage, start by start at tau and tau / 4. Near the LP optimum most
    selected starts have r = 0, and r leaves their order to the ties; x_tau
    ranks them as the LP packs them (10,000 x 20: the best order's plan
    closes about a quarter more of the gap than r's; docs/solver-figures.md)."""
    n = relax.n_starts
    yield reduced
    x = soft_starts(relax, prices, tau)
    y = np.add.reduceat(x, relax.group_start)[relax.group_of] if n else x
    yield np.r_[y + 1e-3 * x + 1e-9 * reduced[:n], reduced[n:]]
    if last:
        yield np.r_[x + 1e-9 * reduced[:n], reduced[n:]]
        x = soft_starts(relax, prices, tau * SHRINK)
        yield np.r_[x + 1e-9 * reduced[:n], reduced[n:]]


def _priced_plan(model: LinearModel, score: np.ndarray, best_x, best_value: float):
    """The greedy in the order of `score` (largest first); kept when better."""
    plan = greedy_plan(model, score=score)
    if plan is not None and model.c @ plan > best_value:
        best_x, best_value = plan, float(model.c @ plan)
    return best_x, best_value


def _gap(out: LagrangeResult) -> float | None:
    """The plan's gap (engine.plan.relative_gap: relative to |objective|)."""
    return relative_gap(out.bound, out.objective)


PRICING_SHARE = 0.75
"""Most of the backend's time for pricing: the smoothed schedule ends sooner
where it can, and on the largest models the bound gains more from the time
than the search does (docs/solver-figures.md); the rest improves the priced
plan by large-neighbourhood search (solvers.large.lns)."""


class LagrangeBackend:
    """Large models: a Lagrangian bound and a priced greedy plan, improved by
    large-neighbourhood search with HiGHS sub-MIPs, within the time limit (no
    branching on the whole model, so `optimal` only when bound and plan meet)."""

    name = "lagrange"
    capability = Capability(hints=True, prices_itself=True)

    def available(self) -> bool:
        return True

    def solve(self, model: LinearModel, options: SolveOptions) -> Result:
        started = time.perf_counter()
        hint = clipped_hint(model, options.hint)
        first = hint if hint is not None else greedy_plan(model)
        took = time.perf_counter() - started
        budget = max(0.0, options.time_limit_s - took)
        out = lagrangian(model, PRICING_SHARE * budget, first, seed=options.seed)
        if out.x is None:
            return Result(Status.NO_SOLUTION, None, None, out.bound,
                          time.perf_counter() - started, self.name, [])
        tolerance = max(options.relative_gap, 1e-9)
        gap = _gap(out)
        rounds = 0
        if gap is None or gap > tolerance:
            left = options.time_limit_s - (time.perf_counter() - started)
            search = improve(model, out.x, left, out.reduced, options.seed)
            out.x, out.objective, rounds = search.x, search.objective, search.rounds
        seconds = time.perf_counter() - started
        gap = _gap(out)
        proven = gap is not None and gap <= tolerance
        note = f"lagrange: {out.rounds} smoothed-dual iterations, {rounds} neighbourhood " \
               "re-solves; the bound is the Lagrangian (LP-strength) bound"
        return Result(Status.OPTIMAL if proven else Status.FEASIBLE, out.x, out.objective,
                      out.bound, seconds, self.name, [note], out.reduced)
