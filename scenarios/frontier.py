"""The budget frontier: the best objective as the budgets scale.

For factors f_1 < ... < f_K, every `budgets` row's limit is multiplied by
f_k (the scenario `level(f_k)`: the change `scale_budget`), and the portfolio
is solved at each level. The result traces, for leadership, the objective, cost and
selection bought by each budget level, and the marginal objective of one
more per cent on every budget between neighbouring levels,

    marginal_k = (z_k - z_{k-1}) / (100 (f_k - f_{k-1})),

where z_k is the objective at level k (`budget` reports the sum of the
scaled limits, which counts a period's spend once per row that limits it:
a scale, not money to spend, hence the marginal per per cent). z_k never
falls as f grows, because every plan at a smaller budget is feasible at a
larger one, so an optimal solver gives a monotone curve. A
point whose solve stopped at its time limit is `feasible`, with its gap. The
points are independent solves, run as a batch (solvers.batch: a local
process pool, or Dask when SPMO_DASK_SCHEDULER names a cluster), one
single-threaded solve per worker.
"""

from __future__ import annotations

import math

from pydantic import BaseModel
from spmo.engine.errors import InvalidPortfolio, Problem
from spmo.engine.plan import Plan
from spmo.engine.portfolio import Portfolio
from spmo.solvers.batch import run_batch

from .spec import ScaleBudget, Scenario, SettingsChange, apply

DEFAULT_FACTORS = tuple(round(0.5 + 0.1 * k, 2) for k in range(11))
"""50 % to 150 % of the budgets, in steps of 10 %."""
MAX_POINTS = 101


class FrontierPoint(BaseModel):
    factor: float
    budget: float
    status: str
    objective: float | None
    gap: float | None
    total_cost: float | None
    selected: list[str]
    marginal: float | None


class Frontier(BaseModel):
    points: list[FrontierPoint]
    objective_kind: str


def level(factor: float) -> Scenario:
    """One budget level: every `budgets` row's limit times `factor`, solved
    on one thread (the batch runs one solve per worker)."""
    return Scenario(name=f"budgets x {factor:g}", changes=(
        ScaleBudget(factor=factor), SettingsChange(values={"workers": 1})))


def budget_factors(portfolio: Portfolio, factors) -> list[float]:
    """The factors, sorted and without repeats; InvalidPortfolio when there
    is nothing to scale or a factor is not a finite number >= 0."""
    problems = []
    factors = list(factors)
    if not factors or len(factors) > MAX_POINTS:
        problems.append(Problem("frontier", None, "factors",
                                f"between 1 and {MAX_POINTS} budget factors"))
    bad = [f for f in factors if isinstance(f, bool) or not isinstance(f, int | float)
           or not (math.isfinite(f) and f >= 0)]
    if bad:
        problems.append(Problem("frontier", None, "factors",
                                f"factors must be numbers >= 0, not {bad}"))
    if portfolio.table("budgets").empty:
        problems.append(Problem("budgets", None, None,
                                "a frontier scales the budgets: the portfolio has none"))
    if problems:
        raise InvalidPortfolio(problems)
    return sorted({float(f) for f in factors})


def _solve_point(item: tuple[Portfolio, float, dict]) -> tuple[Plan, float]:
    """(the plan, the sum of the scaled limits) at one level."""
    portfolio, factor, options = item
    from spmo.planning.pipeline import plan

    scaled = apply(portfolio, level(factor))
    return plan(scaled, **options), float(scaled.table("budgets")["limit"].sum())


def frontier(portfolio: Portfolio, factors=DEFAULT_FACTORS, workers: int | None = None,
             progress=None, **options) -> Frontier:
    """Solve the portfolio at each budget factor (see the module docstring);
    `options` go to planning.pipeline.plan (explain defaults to none)."""
    factors = budget_factors(portfolio, factors)
    options = {"explain": "none", **options}
    solved = run_batch(_solve_point, [(portfolio, f, options) for f in factors], workers,
                       progress)
    points, previous = [], None
    for factor, (plan, budget) in zip(factors, solved, strict=True):
        marginal = None
        if previous is not None and plan.objective is not None and previous[1] is not None:
            marginal = (plan.objective - previous[1]) / (100.0 * (factor - previous[0]))
        points.append(FrontierPoint(
            factor=factor, budget=budget, status=plan.status, objective=plan.objective,
            gap=plan.gap, total_cost=None if plan.objective is None else plan.kpis.total_cost,
            selected=sorted(s.project for s in plan.selected), marginal=marginal))
        previous = (factor, plan.objective)
    return Frontier(points=points, objective_kind=portfolio.objective_kind)
