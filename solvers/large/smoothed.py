"""The Lagrangian dual minimised through its entropy smoothing (L-BFGS-B).

The Lagrangian bound of solvers.lagrange is, with prices u >= 0 on the upper
sides and w >= 0 on the lower sides of the priced rows (pi = u - w),

    L(u, w) = u.hi - w.lo + sum_p max(0, max_s r[p,s]) + sum_j max(r_j lb_j, r_j ub_j),
    r = c - A^T (u - w),

(a must-select project has no 0 option). L is convex and piecewise linear:
its minimum is the LP bound, but subgradient steps reach it slowly
(docs/solver-figures.md). Replacing each max by its log-sum-exp at temperature tau,

    max_k a_k  <=  tau log sum_k exp(a_k / tau)  <=  max_k a_k + tau log K,

gives a smooth convex L_tau >= L whose gradient is exact and cheap:
d L_tau / d u = hi - A x_tau, d L_tau / d w = A x_tau - lo, where x_tau takes
start s of project p with the softmax weight exp(r[p,s]/tau) / (1 + sum_s'
exp(r[p,s']/tau)) and a bounded variable at lb + (ub - lb) sigmoid(r (ub -
lb) / tau). L-BFGS-B (bounds u, w >= 0) minimises L_tau while tau shrinks
geometrically, each stage warm-started from the last; after every stage the
exact L at the current prices is evaluated, so the bound returned is always
a true upper bound on the optimum, whatever the stage reached. What is
smoothed is L at the relaxation's values relax.c (perturbed when a plan is
wanted, see lagrange._Relaxation); the exact bound is at the model's own.
Measurements: docs/solver-figures.md.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize

FIRST_TAU = 0.03
"""First temperature, relative to the median |c| of the start variables."""
SHRINK = 0.25
"""Temperature factor from one stage to the next."""
STAGES = 7
"""Stages of the schedule (the last at FIRST_TAU * SHRINK**6, about 7e-6)."""
STAGE_ITERATIONS = 150
"""L-BFGS-B iterations per stage when time allows (fewer on a tight budget)."""


@dataclass
class SmoothedDual:
    """The least exact bound found, its prices pi (u - w), iterations used, and
    the prices at the end of each stage with the stage's temperature (later
    stages last)."""

    bound: float
    prices: np.ndarray
    iterations: int
    stage_prices: list[np.ndarray]
    stage_taus: list[float]


def soft_starts(relax, prices: np.ndarray, tau: float) -> np.ndarray:
    """x_tau of the start variables at `prices` (the softmax weights of the
    module docstring): at the late stages a near-LP fractional solution whose
    weights rank the starts (solvers.lagrange)."""
    r = relax.c - relax.transposed @ prices
    x = np.zeros(len(r))
    if relax.n_starts:
        _Smoothed(relax)._starts(r[: relax.n_starts], tau, x)
    return x[: relax.n_starts]


class _Smoothed:
    """L_tau and its gradient over z = (u on finite upper sides, w on finite lower sides)."""

    def __init__(self, relax) -> None:
        self.relax = relax
        self.up = np.flatnonzero(np.isfinite(relax.hi))
        self.down = np.flatnonzero(np.isfinite(relax.lo))
        self.hi, self.lo = relax.hi[self.up], relax.lo[self.down]
        model = relax.model
        n = relax.n_starts
        self.lb, self.span = model.lb[n:], model.ub[n:] - model.lb[n:]
        self.none_allowed = ~relax.group_must

    def prices(self, z: np.ndarray) -> np.ndarray:
        pi = np.zeros(len(self.relax.rows))
        pi[self.up] += z[: len(self.up)]
        pi[self.down] -= z[len(self.up):]
        return pi

    def value_and_gradient(self, z: np.ndarray, tau: float) -> tuple[float, np.ndarray]:
        relax, n = self.relax, self.relax.n_starts
        u, w = z[: len(self.up)], z[len(self.up):]
        r = relax.c - relax.transposed @ self.prices(z)
        value = float(u @ self.hi - w @ self.lo)
        x = np.zeros(len(r))
        t = r[n:] * self.span / tau
        value += float(r[n:] @ self.lb + tau * np.logaddexp(0.0, t).sum())
        x[n:] = self.lb + self.span * 0.5 * (1.0 + np.tanh(0.5 * t))
        if n:
            value += self._starts(r[:n], tau, x)
        activity = relax.matrix @ x
        gradient = np.r_[self.hi - activity[self.up], activity[self.down] - self.lo]
        return value, gradient

    def _starts(self, r: np.ndarray, tau: float, x: np.ndarray) -> float:
        """sum_p tau log(1 [if p may stay out] + sum_s exp(r[p,s]/tau)), and the
        softmax weights written into x (shifted by each project's largest term)."""
        relax = self.relax
        rs = np.where(relax.open, r, -np.inf)
        top = np.maximum.reduceat(rs, relax.group_start)
        top = np.where(self.none_allowed, np.maximum(top, 0.0), top)
        live = np.isfinite(top)
        top = np.where(live, top, 0.0)
        weight = np.exp((rs - top[relax.group_of]) / tau)
        total = np.add.reduceat(weight, relax.group_start)
        total += np.where(self.none_allowed, np.exp(-np.maximum(top, 0.0) / tau), 0.0)
        x[: relax.n_starts] = weight / np.where(total > 0, total, 1.0)[relax.group_of]
        return float((top + tau * np.log(np.where(total > 0, total, 1.0)))[live].sum())


def smoothed_dual(relax, seconds: float) -> SmoothedDual:
    """Minimise the Lagrangian dual of `relax` (a solvers.lagrange._Relaxation)
    through the tau schedule within about `seconds` (see the module docstring)."""
    started = time.perf_counter()
    smooth = _Smoothed(relax)
    c = relax.c[: relax.n_starts]
    nonzero = np.abs(c[c != 0])
    scale = float(np.median(nonzero)) if len(nonzero) else 1.0
    z = np.zeros(len(smooth.up) + len(smooth.down))
    best_z, best = z, relax.bound(smooth.prices(z))
    iterations, tau, stage_prices, stage_taus = 0, FIRST_TAU * scale, [], []
    for stage in range(STAGES):
        left = seconds - (time.perf_counter() - started)
        if left <= 0:
            break
        deadline = time.perf_counter() + left / (STAGES - stage)

        def stop_at_deadline(intermediate_result, deadline=deadline):
            if time.perf_counter() > deadline:
                raise StopIteration

        out = minimize(smooth.value_and_gradient, z, args=(tau,), jac=True,
                       method="L-BFGS-B", bounds=[(0.0, None)] * len(z),
                       callback=stop_at_deadline,
                       options={"maxiter": STAGE_ITERATIONS, "maxcor": 20})
        z, iterations = out.x, iterations + int(out.nit)
        stage_prices.append(smooth.prices(z))
        stage_taus.append(tau)
        exact = relax.bound(smooth.prices(z))
        if exact < best:
            best_z, best = z, exact
        tau *= SHRINK
    return SmoothedDual(best, smooth.prices(best_z), iterations, stage_prices, stage_taus)
