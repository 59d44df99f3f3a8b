"""Uncertain values as an input: seeded samples of each project's realised
financial value, and a plan's realised value in each sample.

For sample k and project p (vectorised over k and p, numpy):
- delivery: u_kp = 1 with probability q_p (`success_probability`), else 0;
- a flat value: V_kp ~ Triangular(value_low, value, value_high) (the mode is
  `value`; a blank end is `value`, so no range gives V_kp = value), and the
  realised F_kp(0) = u_kp V_kp;
- benefits rows r of p: A_kr ~ Triangular(amount_low, amount, amount_high),
  and F_kp(0) = u_kp sum_r A_kr / (1+d)^o_r - sum costs / (1+d)^o (costs are
  spent whether or not the project delivers);
- at start s: F_kp(s) = F_kp(0) (1+d)^-s for a project with benefits (as
  engine.derive), F_kp(0) otherwise.
The mean of a triangular draw is (low + value + high) / 3: `value` itself
when the range is symmetric. With no range anywhere, the samples' mean tends
to the plan's expected financial value (value x q, as engine.derive).

A plan's realised financial value in sample k is the sum over its selected
projects of F_kp(s_p), plus its synergy values, minus its bought capacity:
the `financial_value` KPI with F_p replaced by the sample. `realised` is
what the Monte Carlo of a fixed plan and the robust objective's checker
(engine.check) evaluate, from the input alone.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .portfolio import Portfolio

RISK_SEED = 1
"""The samples' seed when settings.seed is blank."""


def triangular(rng: np.random.Generator, low: np.ndarray, mode: np.ndarray,
               high: np.ndarray, samples: int) -> np.ndarray:
    """(samples x len(mode)) draws of Triangular(low, mode, high) by the inverse
    CDF (one uniform and one square root per draw, only for the columns with a
    range); a column with low = high is its mode."""
    out = np.broadcast_to(mode, (samples, len(mode))).astype(float)
    ranged = np.flatnonzero(high > low)
    if len(ranged) == 0:
        return out
    lo, m, hi = low[ranged], mode[ranged], high[ranged]
    width = hi - lo
    single = np.float32  # the draws in single precision (24-bit uniforms), summed in double
    split, below, above = (((m - lo) / width).astype(single),
                           (width * (m - lo)).astype(single), (width * (hi - m)).astype(single))
    u = rng.random((samples, len(ranged)), dtype=single)
    left = u < split
    root = np.where(left, u * below, (1 - u) * above)
    np.sqrt(root, out=root)
    out[:, ranged] = np.where(left, lo.astype(single) + root, hi.astype(single) - root)
    return out


def _ends(frame: pd.DataFrame, mid: str, low: str, high: str) -> tuple[np.ndarray, ...]:
    m = frame[mid].fillna(0.0).to_numpy(dtype=float)
    lo = frame[low].fillna(frame[mid]).fillna(0.0).to_numpy(dtype=float)
    hi = frame[high].fillna(frame[mid]).fillna(0.0).to_numpy(dtype=float)
    return lo, m, hi


CHUNK = 1000
"""Samples drawn at a time (the arrays of a chunk stay in cache); the draws
depend on it, so it is fixed."""


def sample_values(portfolio: Portfolio, projects: list[str], samples: int,
                  seed: int) -> np.ndarray:
    """F_kp(0) for k < samples and p in `projects` (module docstring), seeded:
    the same arguments give the same matrix."""
    return np.vstack(list(_chunks(portfolio, projects, samples, seed)))


def _chunks(portfolio: Portfolio, projects: list[str], samples: int, seed: int):
    """sample_values, CHUNK samples at a time, from one seeded generator."""
    rng = np.random.default_rng(seed)
    frame = portfolio.projects.reindex(projects)
    rate = portfolio.settings.discount_rate
    q = frame["success_probability"].to_numpy(dtype=float)
    flat = _ends(frame, "value", "value_low", "value_high")
    risky = np.flatnonzero(q < 1)
    chance = q[risky].astype(np.float32)
    benefits = portfolio.table("benefits")
    benefits = benefits[benefits["project"].isin(projects)]
    spent, rows = np.zeros(len(projects)), None
    if len(benefits):
        column = pd.Index(projects).get_indexer(benefits["project"])
        order = np.argsort(column, kind="stable")
        column = column[order]
        discount = (1.0 + rate) ** -benefits["offset"].to_numpy(dtype=float)[order]
        low, mid, high = _ends(benefits.iloc[order], "amount", "amount_low", "amount_high")
        firsts = np.flatnonzero(np.r_[True, column[1:] != column[:-1]])
        rows = (low * discount, mid * discount, high * discount, firsts, column[firsts])
        costs = portfolio.table("costs")
        costs = costs[costs["project"].isin(set(benefits["project"]))]
        spent = (costs["amount"] * (1.0 + rate) ** -costs["offset"].to_numpy(dtype=float)) \
            .groupby(costs["project"]).sum().reindex(projects).fillna(0.0).to_numpy()
    for first in range(0, samples, CHUNK):
        n = min(CHUNK, samples - first)
        out = triangular(rng, *flat, n)
        if rows is not None:
            draws = triangular(rng, rows[0], rows[1], rows[2], n)
            out[:, rows[4]] = np.add.reduceat(draws, rows[3], axis=1)
        if len(risky):
            delivered = rng.random((n, len(risky)), dtype=np.float32) < chance
            if len(risky) == out.shape[1]:
                out *= delivered
            else:
                out[:, risky] *= delivered
        out -= spent
        yield out


def realised(portfolio: Portfolio, starts: dict[str, int], fixed: float, samples: int,
             seed: int) -> np.ndarray:
    """The plan's realised financial value in each sample: sum_p F_kp(s_p) plus
    `fixed` (its synergy values minus its bought capacity, not uncertain)."""
    projects = sorted(starts)
    if not projects:
        return np.full(samples, fixed)
    factors = start_factors(portfolio, projects, starts)
    return np.concatenate([chunk @ factors for chunk in _chunks(portfolio, projects, samples,
                                                                seed)]) + fixed


def start_factors(portfolio: Portfolio, projects: list[str], starts: dict[str, int]
                  ) -> np.ndarray:
    """(1+d)^-s_p for a project with benefits, 1 otherwise."""
    rate = portfolio.settings.discount_rate
    dependent = np.isin(projects, portfolio.table("benefits")["project"].unique())
    start = np.array([starts[p] for p in projects], dtype=float)
    return np.where(dependent, (1.0 + rate) ** -start, 1.0)


def risk_outcomes(portfolio: Portfolio, derived, starts: dict[str, int], strategic: float,
                  financial: float, expected_values: float) -> np.ndarray:
    """The objective in force of a plan in each of the settings' risk samples
    (the samples engine.model.robust solves over: every project, in the
    portfolio's order, seeded by settings.seed): w_S S + w_F F_k, where F_k is
    the plan's financial value with its projects' expected values
    (`expected_values`, their sum) replaced by the sample's."""
    from .derive import objective_term_weights

    s = portfolio.settings
    ids = list(portfolio.projects.index)
    values = sample_values(portfolio, ids, s.risk_samples, RISK_SEED if s.seed is None
                           else s.seed)
    chosen = sorted(starts)
    position = pd.Index(ids).get_indexer(chosen)
    sampled = values[:, position] @ start_factors(portfolio, chosen, starts) if chosen \
        else np.zeros(len(values))
    ws, wf = objective_term_weights(portfolio, derived)
    return ws * strategic + wf * (financial - expected_values + sampled)


def cvar(outcomes: np.ndarray, alpha: float) -> float:
    """max_t t - sum_k (t - v_k)^+ / (alpha N) (Rockafellar-Uryasev), evaluated
    exactly: the maximum is at a sample's value, so at each sorted v_(i),
    with the i values <= it summing to c_i, it is v_(i) - (i v_(i) - c_i) / (alpha N)."""
    v = np.sort(np.asarray(outcomes, dtype=float))
    i = np.arange(1, len(v) + 1)
    return float(np.max(v - (i * v - np.cumsum(v)) / (alpha * len(v))))
