"""The budget frontier: the best objective as the budgets scale.

For factors f_1 < ... < f_K, every `budgets` row's limit is multiplied by
f_k (the scenario `level(f_k)`: the change `scale_budget`), and the portfolio
is solved at each level. The result traces, for leadership, the objective, cost and
selection bought by each budget level, and the marginal objective of one
more per cent on every budget between neighbouring levels,

    marginal_k = (z_k - z_{k-1}) / (100 (f_k - f_{k-1})),

where z_k is the objective at level k (`budget` reports the sum of the
scaled limits, which counts a period's spend once per row that limits it:
a scale, not money to spend, hence the marginal per per cent).

The optimum never falls as f grows: budgets are the only rows that change,
each is `spend <= f * limit` with limit >= 0, so a plan of a lower level
keeps every row of a higher one. A solve stopped by its time limit can still
return a worse plan at a higher level than at a lower one (issue 13: at
`--time-limit 10` the 100 % level came out below the 90 % level), so:
- the levels are solved in ascending order, in rounds of one level per
  worker (solvers.batch: a local process pool, or Dask when
  SPMO_DASK_SCHEDULER names a cluster; one single-threaded solve each), and
  each level of a round starts from the best plan of the levels below
  (PlanOptions.first): the solve returns nothing worse than it;
- `_monotone` then gives a level whose plan is still worse than a lower
  level's (a level of the same round, or a solver that claims an optimum it
  does not have) that lower plan, as `feasible` with `plan_of` naming its
  level; a level's bound is at most every higher level's bound, and a bound
  below the level's own plan is no bound.
So z_k never falls, and every point says whether it is proven (`proven`:
status `optimal`) or not, with its bound and gap where there is one.

The highest level is solved in the first round (beside the lowest): when
its plan P is proven optimal, it settles, without a solve, every lower
level whose limits P keeps (its spend rows, engine.check's figures, against
that level's budget limits, with the checker's tolerance): there
OPT_k <= OPT_K = c.P (the optimum never falls) and P is a plan of level k,
so P is its optimum too (`plan_of` names level K). Where the budgets stop
binding, those levels cost nothing (on the example the 150 % plan keeps the
140 % limits). The proof is the highest level's, so it is as good as that
level's own `optimal`. Likewise a level between a proven level a below
and a level b above whose bound a's objective reaches is settled with a's
plan (OPT_a <= OPT_f <= B_b <= z_a, and a's plan keeps the higher level's
limits): once the frontier is flat, the rest of it costs nothing. The other
levels go in ascending order, `width` at a time.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

from pydantic import BaseModel, Field
from spmo.engine.errors import InvalidPortfolio, Problem
from spmo.engine.plan import Plan, relative_gap
from spmo.engine.portfolio import Portfolio
from spmo.engine.rows import Family
from spmo.engine.violations import tol
from spmo.solvers.batch import default_workers, run_batch

from .spec import ScaleBudget, Scenario, SettingsChange, apply

DEFAULT_FACTORS = tuple(round(0.5 + 0.1 * k, 2) for k in range(11))
"""50 % to 150 % of the budgets, in steps of 10 %."""
MAX_POINTS = 101
TOLERANCE = 1e-9
"""Relative difference of objectives (and bounds) taken as equal."""


class FrontierPoint(BaseModel):
    factor: float
    budget: float
    status: str
    proven: bool = Field(description="the objective is this level's proven optimum "
                         "(within the relative gap asked for); else an unproven level")
    objective: float | None
    bound: float | None = Field(None, description=(
        "an upper bound on this level's optimum: the solver's, or a higher level's "
        "when that is lower (the optimum never falls as the budgets grow)"))
    gap: float | None
    total_cost: float | None
    selected: list[str]
    marginal: float | None
    plan_of: float | None = Field(None, description=(
        "the factor of the level whose plan this is: a lower level's, when the solve at "
        "this level found none better within its time limit, or the highest level's "
        "proven optimum, which keeps every limit here and so is this level's optimum "
        "without a solve (either way that plan keeps every limit here)"))


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


@dataclass
class _Level:
    """One solved level, as the monotone pass (`_monotone`) reads and changes it."""

    factor: float
    budget: float
    status: str
    objective: float | None
    bound: float | None
    total_cost: float | None
    selected: list[str]
    starts: dict[str, str]
    plan_of: float | None = None

    @classmethod
    def of(cls, factor: float, plan: Plan, budget: float) -> _Level:
        return cls(factor, budget, plan.status, plan.objective, plan.bound,
                   None if plan.objective is None else plan.kpis.total_cost,
                   sorted(s.project for s in plan.selected),
                   {s.project: s.start for s in plan.selected})


def frontier(portfolio: Portfolio, factors=DEFAULT_FACTORS, workers: int | None = None,
             progress=None, **options) -> Frontier:
    """Solve the portfolio at each budget factor (see the module docstring);
    `options` go to planning.pipeline.plan (explain defaults to none)."""
    factors = budget_factors(portfolio, factors)
    options = {"explain": "none", **options}
    width = max(1, min(default_workers(workers), len(factors)))
    solved: dict[float, _Level] = {}
    chunk = _first_round(factors, width)
    while chunk:
        below = [lv for f, lv in solved.items() if f < chunk[0] and lv.objective is not None]
        best = max(below, key=lambda lv: lv.objective, default=None)
        first = None if best is None else best.starts
        done = len(solved)
        step = None if progress is None else \
            (lambda d, _total, done=done: progress(done + d, len(factors)))
        plans = run_batch(_solve_point, [(portfolio, f, {**options, "first": first})
                                         for f in chunk], width, step)
        for factor, (plan, budget) in zip(chunk, plans, strict=True):
            solved[factor] = _Level.of(factor, plan, budget)
            if plan.status == "optimal" and factor == factors[-1] > 0:
                solved.update(_settled_below(factors, factor, plan, budget, solved))
        solved.update(_sandwiched(factors, solved))
        chunk = [f for f in factors if f not in solved][:width]
    levels = [solved[f] for f in factors]
    return Frontier(points=_points(_monotone(levels)), objective_kind=portfolio.objective_kind)


def _first_round(factors: list[float], width: int) -> list[float]:
    """The first levels solved: the highest (beside the lowest when two or more
    solve at once); the rest then go in ascending order, `width` at a time."""
    return ([factors[0]] if width > 1 and len(factors) > 1 else []) + [factors[-1]]


def _settled_below(factors: list[float], top: float, plan: Plan, budget: float,
                   solved: dict) -> dict[float, _Level]:
    """The levels below `top`, not yet solved, whose limits `plan` (proven
    optimal at `top`) keeps: each takes it as its proven optimum (module
    docstring). The plan's spend rows are engine.check's figures at `top`; at
    factor f every budget limit is f / top times that level's, held with the
    checker's tolerance."""
    rows = [r for r in plan.spend if r.constraint and r.constraint.startswith(
        f"{Family.BUDGET.value}[") and r.limit is not None]
    settled = {}
    for factor in reversed([f for f in factors if f < top and f not in solved]):
        ratio = factor / top
        if any(r.amount > ratio * r.limit + tol(ratio * r.limit) for r in rows):
            break  # a lower level has smaller limits still: it cannot keep them either
        settled[factor] = dataclasses.replace(_Level.of(factor, plan, ratio * budget),
                                              plan_of=top)
    return settled


def _sandwiched(factors: list[float], solved: dict) -> dict[float, _Level]:
    """The levels not yet solved that lie between a proven level a below and a
    level b above whose bound a's objective reaches: OPT_a <= OPT_f <= OPT_b
    <= B_b <= z_a (the optimum never falls), and a's plan keeps every limit of
    the higher level f, so it is f's optimum (`plan_of` names whose plan it is)."""
    proven = sorted((f, lv) for f, lv in solved.items()
                    if lv.status == "optimal" and lv.objective is not None)
    bounded = [(f, lv) for f, lv in solved.items() if lv.bound is not None]
    # every level's budget is its factor times the unscaled limits' sum
    unit = next((lv.budget / f for f, lv in solved.items() if f > 0), 0.0)
    out = {}
    for factor in factors:
        lows = [lv for f, lv in proven if f < factor]
        highs = [lv.bound for f, lv in bounded if f > factor]
        if factor in solved or not lows or not highs:
            continue
        low, ceiling = max(lows, key=lambda lv: lv.objective), min(highs)
        if low.objective >= ceiling - TOLERANCE * max(1.0, abs(ceiling)):
            out[factor] = dataclasses.replace(
                low, factor=factor, budget=factor * unit, bound=ceiling,
                plan_of=low.factor if low.plan_of is None else low.plan_of)
    return out


def _monotone(levels: list[_Level]) -> list[_Level]:
    """The levels (ascending) with objectives that never fall and bounds that
    never rise below a higher level's: a level whose plan is worse than a lower
    level's (or that has none) takes that plan, which keeps every limit here,
    as unproven; a bound below the level's (now) plan is no bound; and since
    the optimum never falls as the budgets grow, a level's bound is at most
    every higher level's."""
    out, best = [], None
    for lv in levels:
        if best is not None and (lv.objective is None or lv.objective < best.objective
                                 - TOLERANCE * max(1.0, abs(best.objective))):
            lv = dataclasses.replace(best, factor=lv.factor, budget=lv.budget,
                                     status="feasible", bound=lv.bound, plan_of=best.factor)
        if lv.bound is not None and lv.objective is not None and \
                lv.bound < lv.objective - TOLERANCE * max(1.0, abs(lv.objective)):
            lv = dataclasses.replace(lv, bound=None, status="feasible")
        if lv.objective is not None and (best is None or lv.objective > best.objective):
            best = lv
        out.append(lv)
    ceiling = None
    for lv in reversed(out):
        if lv.objective is None:
            continue
        if lv.bound is not None:
            ceiling = lv.bound if ceiling is None else min(ceiling, lv.bound)
        lv.bound = ceiling
        if lv.status == "feasible" and relative_gap(ceiling, lv.objective) is not None and \
                relative_gap(ceiling, lv.objective) <= TOLERANCE:
            lv.status = "optimal"  # a higher level's bound meets this plan: proven
    return out


def _points(levels: list[_Level]) -> list[FrontierPoint]:
    points, previous = [], None
    for lv in levels:
        marginal = None
        if previous is not None and lv.objective is not None and previous.objective is not None:
            marginal = (lv.objective - previous.objective) / (100.0 * (lv.factor
                                                                      - previous.factor))
        gap = relative_gap(lv.bound, lv.objective)
        points.append(FrontierPoint(
            factor=lv.factor, budget=lv.budget, status=lv.status,
            proven=lv.status == "optimal", objective=lv.objective, bound=lv.bound, gap=gap,
            total_cost=lv.total_cost, selected=lv.selected, marginal=marginal,
            plan_of=lv.plan_of))
        previous = lv
    return points
