"""Monte Carlo of a fixed plan: the distribution of its realised financial value.

The plan (the portfolio's optimum, or one given) is held fixed and its
realised value is evaluated in every sample at once (engine.uncertainty:
Triangular(value_low, value, value_high) values and benefit amounts, each
project delivering with its success_probability; numpy, no solve per
sample). Reported: the plan's expected financial value as the optimiser
counts it (value x success_probability), the samples' mean, standard
deviation, minimum, P10 / P50 / P90 and maximum, the probability of
reaching `target` (share of samples >= target) and a histogram; and how long
the sampling took (`sample_seconds`).

The perfect-information counterpart (re-optimising every sample) is
scenarios.montecarlo.
"""

from __future__ import annotations

import time

import numpy as np
from pydantic import BaseModel, Field
from spmo.engine.errors import InvalidPortfolio, Problem
from spmo.engine.plan import Plan
from spmo.engine.portfolio import Portfolio
from spmo.engine.uncertainty import realised

MAX_SAMPLES = 1_000_000
BINS = 20


class Bin(BaseModel):
    low: float
    high: float
    count: int


class Outcomes(BaseModel):
    samples: int
    seed: int
    plan_status: str
    selected: list[str]
    expected_value: float | None = Field(description="the plan's financial value as the "
                                         "optimiser counts it (value x success_probability)")
    mean: float | None
    std: float | None
    minimum: float | None
    p10: float | None
    p50: float | None
    p90: float | None
    maximum: float | None
    target: float | None
    p_target: float | None = Field(None, description="share of samples reaching target")
    histogram: list[Bin]
    sample_seconds: float


def check_samples(samples: int) -> None:
    if isinstance(samples, bool) or not isinstance(samples, int) or \
            not 1 <= samples <= MAX_SAMPLES:
        raise InvalidPortfolio([Problem("montecarlo", None, "samples",
                                        f"a whole number from 1 to {MAX_SAMPLES}")])


def plan_outcomes(portfolio: Portfolio, plan: Plan, samples: int = 10_000, seed: int = 1,
                  target: float | None = None) -> Outcomes:
    """The realised-value distribution of `plan` (module docstring)."""
    check_samples(samples)
    selected = sorted(s.project for s in plan.selected)
    if plan.objective is None:
        return Outcomes(samples=samples, seed=seed, plan_status=plan.status, selected=[],
                        expected_value=None, mean=None, std=None, minimum=None, p10=None,
                        p50=None, p90=None, maximum=None, target=target, histogram=[],
                        sample_seconds=0.0)
    index_of = {p: i for i, p in enumerate(portfolio.periods)}
    starts = {s.project: index_of[s.start] for s in plan.selected}
    fixed = plan.kpis.financial_value - sum(s.value for s in plan.selected)
    started = time.perf_counter()
    values = realised(portfolio, starts, fixed, samples, seed)
    p10, p50, p90 = np.quantile(values, [0.1, 0.5, 0.9])
    seconds = time.perf_counter() - started
    counts, edges = np.histogram(values, bins=BINS)
    return Outcomes(
        samples=samples, seed=seed, plan_status=plan.status, selected=selected,
        expected_value=plan.kpis.financial_value, mean=float(values.mean()),
        std=float(values.std()), minimum=float(values.min()), p10=float(p10),
        p50=float(p50), p90=float(p90), maximum=float(values.max()), target=target,
        p_target=None if target is None else float(np.mean(values >= target)),
        histogram=[Bin(low=float(a), high=float(b), count=int(c))
                   for a, b, c in zip(edges[:-1], edges[1:], counts, strict=True)],
        sample_seconds=round(seconds, 4))
