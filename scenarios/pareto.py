"""The Pareto frontier of two objectives (strategic score and financial value).

A plan is on the frontier when no plan is at least as good in both
objectives and better in one. With f the first objective and g the second
(planning.epsilon: the epsilon-constraint method, each point
lexicographic so that it is never dominated by a plan of the same f):

1. the ends: f's lexicographic optimum (max f, then max g at that f) and
   g's (max g, then max f), the two extremes of the frontier;
2. `steps` mode (default): floors e_k = g_lo + k (g_hi - g_lo) / K for
   k = 1..K-1 between the ends' g values, one point each (max f with
   g >= e_k, then max g), solved in parallel through solvers.batch; a
   frontier of more than K + 1 plans is shown by K + 1 of them;
3. `exact` mode: from f's end, each next floor is the last point's g plus
   delta (DELTA_REL x the larger |g| of the ends, at least 1e-9), until no
   plan reaches it or g's end is passed. Every point of the frontier whose
   g exceeds its predecessor's by more than delta is found, supported
   (on the convex hull) or not: a point P' with g(P') > g(P) + delta and
   no point between is the lexicographic optimum of the floor g(P) + delta.
   Stopped after `max_points` (then `complete` is false).

Points are then made unique (by both values and the selection), any point
dominated by another (possible only where a solve was not proven) is
dropped, and they are sorted by f, best first. Each point is `proven`
when both of its solves proved optimality, else it carries the unproven
stage's bound and gap. Between neighbouring points the result says which
projects came in and went out and the rate of the trade: f given up per
unit of g gained.
"""

from __future__ import annotations

import dataclasses
import math
import time

from pydantic import BaseModel, Field
from spmo.engine.errors import InvalidPortfolio, Problem
from spmo.engine.portfolio import Portfolio
from spmo.planning.epsilon import KINDS, EpsilonPoint, Task, epsilon_point
from spmo.planning.options import PlanOptions, solve_options
from spmo.solvers.batch import run_batch

DELTA_REL = 1e-6
MAX_STEPS = 200
SAME = 1e-9


class ParetoPoint(BaseModel):
    first: float = Field(description="the first objective's value (by the checker)")
    second: float = Field(description="the second objective's value (by the checker)")
    proven: bool = Field(description="both lexicographic solves proved optimality")
    bound: float | None = Field(None, description="bound of the stage not proven")
    gap: float | None = None
    floor: float | None = Field(None, description="the floor on the second objective "
                                "that found it (none at the first objective's end)")
    selected: list[str]
    starts: dict[str, str]


class ParetoStep(BaseModel):
    """From one point to the next (the next has less of the first objective)."""

    came_in: list[str]
    went_out: list[str]
    first_change: float
    second_change: float
    rate: float | None = Field(None, description="first objective given up per unit of "
                               "the second gained")


class Pareto(BaseModel):
    first: str
    second: str
    method: str
    points: list[ParetoPoint]
    steps: list[ParetoStep]
    solves: int
    complete: bool = Field(description="exact mode found every point (not stopped at "
                           "max_points); steps mode: false")
    seconds: float


def pareto_problems(portfolio: Portfolio, kinds, steps: int, max_points: int) -> list[Problem]:
    """Two different objectives of KINDS, a step count and a point cap in range,
    and objectives given when the strategic score is one of them."""
    problems = []
    kinds = list(kinds)
    if len(kinds) != 2 or len(set(kinds)) != 2 or not set(kinds) <= set(KINDS):
        problems.append(Problem("frontier", None, "pareto",
                                f"two different objectives of {', '.join(KINDS)}, "
                                f"got {','.join(map(str, kinds))}"))
    elif "strategic" in kinds and not portfolio.objectives_given:
        problems.append(Problem("objectives", None, None, "a strategic frontier needs "
                                "objectives (and alignment scores)"))
    if isinstance(steps, bool) or not isinstance(steps, int) or not 1 <= steps <= MAX_STEPS:
        problems.append(Problem("frontier", None, "steps", f"a whole number from 1 to "
                                f"{MAX_STEPS}"))
    if isinstance(max_points, bool) or not isinstance(max_points, int) or max_points < 2:
        problems.append(Problem("frontier", None, "max_points", "a whole number >= 2"))
    return problems


def pareto(portfolio: Portfolio, kinds=KINDS, steps: int = 10, exact: bool = False,
           max_points: int = 100, progress=None, **options) -> Pareto:
    """The frontier (module docstring); `options`: solver, time_limit_s (each solve)."""
    problems = pareto_problems(portfolio, kinds, steps, max_points)
    if problems:
        raise InvalidPortfolio(problems)
    started = time.perf_counter()
    f, g = kinds
    seconds = options.get("time_limit_s") or portfolio.settings.time_limit_s
    solve = solve_options(portfolio, PlanOptions(), seconds)
    solve = dataclasses.replace(solve, workers=1)

    def task(first: str, second: str, floor: float | None) -> Task:
        return Task(portfolio, first, second, floor, options.get("solver"), solve)

    end_f, end_g = run_batch(epsilon_point, [task(f, g, None), task(g, f, None)])
    found = [end_f]
    if end_f.feasible and end_g.feasible:
        end_g = EpsilonPoint(None, True, end_g.second, end_g.first, end_g.starts,
                             end_g.proven, end_g.bound, end_g.gap)
        low, high = end_f.second, end_g.second
        if exact:
            found += _walk(lambda e: epsilon_point(task(f, g, e)), end_f, high, max_points,
                           progress)
        elif high > low:
            floors = [low + (high - low) * k / steps for k in range(1, steps)]
            found += run_batch(epsilon_point, [task(f, g, e) for e in floors],
                               progress=progress)
        found.append(end_g)
    points = _frontier([p for p in found if p.feasible])
    return Pareto(first=f, second=g, method="exact" if exact else "steps", points=points,
                  steps=_steps(points), solves=2 * (len(found) + 1),
                  complete=exact and len(found) < max_points + 2,
                  seconds=round(time.perf_counter() - started, 3))


def _walk(point_at, start: EpsilonPoint, high: float, max_points: int, progress) -> list:
    """Exact mode: floors just above the last point's g (`point_at(floor)`), until
    none is reached or g's end is."""
    delta = max(1e-9, DELTA_REL * max(abs(start.second), abs(high)))
    out, last = [], start
    while len(out) < max_points and last.second < high - delta / 2:
        point = point_at(last.second + delta)
        if not point.feasible:
            break
        out.append(point)
        last = point
        if progress:
            progress(len(out), None)
    return out


def _dominated(p: EpsilonPoint, q: EpsilonPoint) -> bool:
    tol = SAME * max(1.0, abs(p.first), abs(p.second))
    return q.first >= p.first - tol and q.second >= p.second - tol and \
        (q.first > p.first + tol or q.second > p.second + tol)


def _frontier(found: list[EpsilonPoint]) -> list[ParetoPoint]:
    unique: dict = {}
    for p in found:
        unique.setdefault((round(p.first, 9), round(p.second, 9)), p)  # one plan per point
    kept = [p for p in unique.values() if not any(_dominated(p, q) for q in unique.values())]
    kept.sort(key=lambda p: (-p.first, -p.second, p.starts))
    return [ParetoPoint(first=p.first, second=p.second, proven=p.proven, bound=p.bound,
                        gap=p.gap, floor=p.floor, selected=sorted(dict(p.starts)),
                        starts=dict(p.starts)) for p in kept]


def _steps(points: list[ParetoPoint]) -> list[ParetoStep]:
    out = []
    for a, b in zip(points, points[1:], strict=False):
        d_first, d_second = b.first - a.first, b.second - a.second
        out.append(ParetoStep(
            came_in=sorted(set(b.selected) - set(a.selected)),
            went_out=sorted(set(a.selected) - set(b.selected)),
            first_change=d_first, second_change=d_second,
            rate=-d_first / d_second if d_second > 0 and math.isfinite(d_first) else None))
    return out
