"""Robust selection: the objective over N sampled outcomes (settings.objective_risk).

Sample k (engine.uncertainty.sample_values, seeded by settings.seed, N =
settings.risk_samples) gives every start variable the coefficient
c^k[p,s] = w_S S_p + w_F F_kp(s) (the objective in force with the
financial value as sampled; synergies and bought capacity as in the
objective), so the plan's outcome in sample k is v_k(x) = c^k . x.

- cvar (Rockafellar-Uryasev, alpha = settings.cvar_level): maximise
  t - 1/(alpha N) sum_k s_k with rows robust[cvar,k]:
  t - s_k - v_k(x) <= 0, s_k >= 0; at the optimum t is the alpha-quantile of
  the outcomes and the objective is the mean of the worst alpha share (the
  expected objective's coefficients are not set: objective.set_objective).
- chance (target T = settings.target): the expected objective as usual, with
  binaries z_k and rows robust[chance,k]: v_k(x) - M_k z_k >= T - M_k
  (z_k = 1: sample k reaches T; M_k = T - the least v_k any x gives) and
  robust[chance]: sum_k z_k >= ceil((1 - alpha) N).
t and s_k are continuous with finite bounds (the least and most any
assignment can give), so every backend can read them.
"""

from __future__ import annotations

import math

import numpy as np

from ..derive import objective_term_weights
from ..rows import Family, row_name
from ..uncertainty import RISK_SEED, sample_values
from .variables import Context


def sampled_coefficients(ctx: Context) -> tuple[np.ndarray, np.ndarray]:
    """(columns, C): C[k, j] is c^k of column j (start, synergy and bought-FTE columns)."""
    s = ctx.portfolio.settings
    ws, wf = objective_term_weights(ctx.portfolio, ctx.derived)
    starts = ctx.starts
    ids = list(ctx.portfolio.projects.index)
    values = sample_values(ctx.portfolio, ids, s.risk_samples,
                           RISK_SEED if s.seed is None else s.seed)
    position = np.asarray(starts["project"].map({p: i for i, p in enumerate(ids)}), dtype=int)
    dependent = ctx.derived.start_dependent.reindex(starts["project"]).to_numpy(dtype=bool)
    rate = ctx.portfolio.settings.discount_rate
    factor = np.where(dependent, (1.0 + rate) ** -starts["start"].to_numpy(dtype=float), 1.0)
    own = ws * starts["score"].to_numpy(dtype=float) + wf * values[:, position] * factor
    pairs, extra = ctx.pairs, ctx.extra
    fixed = np.r_[ws * pairs["score"].to_numpy(dtype=float) + wf * pairs["value"].to_numpy(
        dtype=float), -wf * extra["extra_cost"].to_numpy(dtype=float)]
    columns = np.r_[starts["var"].to_numpy(), pairs["var"].to_numpy(), extra["var"].to_numpy()]
    return columns.astype(np.int64), np.hstack([own, np.broadcast_to(fixed, (len(own),
                                                                             len(fixed)))])


def _span(coef: np.ndarray, upper: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per sample, the least and the most v_k any assignment in [0, upper] gives."""
    return (np.minimum(coef, 0) * upper).sum(axis=1), (np.maximum(coef, 0) * upper).sum(axis=1)


def add_robust(ctx: Context) -> None:
    """The cvar or chance rows of the module docstring (nothing for `expected`)."""
    s = ctx.portfolio.settings
    if s.objective_risk == "expected":
        return
    columns, coef = sampled_coefficients(ctx)
    upper = np.r_[np.ones(len(ctx.starts) + len(ctx.pairs)),
                  ctx.extra["extra_fte"].to_numpy(dtype=float)]
    least, most = _span(coef, upper)
    n = len(coef)
    k = np.repeat(np.arange(n), len(columns))
    cols = np.tile(columns, n)
    if s.objective_risk == "cvar":
        low, high = float(least.min()), float(most.max())
        t = ctx.builder.add_vars([low], high, integer=False, c=[1.0])
        short = ctx.builder.add_vars(np.zeros(n), high - low, integer=False,
                                     c=np.full(n, -1.0 / (s.cvar_level * n)))
        ctx.builder.add_rows(
            Family.ROBUST, [row_name(Family.ROBUST, "cvar", i + 1) for i in range(n)],
            -np.inf, 0.0, (np.r_[np.arange(n), np.arange(n), k],
                           np.r_[np.full(n, t[0]), short, cols],
                           np.r_[np.ones(n), -np.ones(n), -coef.ravel()]))
        return
    big = np.maximum(0.0, s.target - least)
    z = ctx.builder.add_vars(np.zeros(n), 1.0, integer=True)
    ctx.builder.add_rows(
        Family.ROBUST, [row_name(Family.ROBUST, "chance", i + 1) for i in range(n)],
        s.target - big, np.inf, (np.r_[k, np.arange(n)], np.r_[cols, z],
                                 np.r_[coef.ravel(), -big]))
    need = math.ceil((1 - s.cvar_level) * n - 1e-9)
    ctx.builder.add_rows(Family.ROBUST, [row_name(Family.ROBUST, "chance")], need, np.inf,
                         (np.zeros(n, dtype=np.int64), z, np.ones(n)))
