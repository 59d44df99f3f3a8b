"""One point of a two-objective frontier by the epsilon-constraint method.

For objectives f (first) and g (second), each one of `strategic` (S) or
`financial` (F) of the contract, and a floor e on g:

1. maximise f(x) subject to every row and g(x) >= e (the row
   `epsilon[g]`, engine.model.transforms.with_floor) -> f* (or infeasible);
2. maximise g(x) subject to every row, g(x) >= e and f(x) >= f* - tol
   (lexicographic: among the plans best in f, the best in g), so the point
   is not dominated by another plan of the same f.

With e = -inf the point is f's lexicographic end. Both objectives are read
off the model built for each kind (the same variables: only the objective
differs), the plan is decoded and re-checked by the independent checker,
which also gives f and g (the KPIs `strategic_score` and `financial_value`).
A point is `proven` when both solves proved optimality; otherwise it keeps
the bound of the stage that was not proven and the gap to it.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
from spmo.engine.check import Violation, check
from spmo.engine.errors import CheckFailed
from spmo.engine.model.decode import assignment_of
from spmo.engine.model.transforms import with_floor
from spmo.engine.plan import relative_gap
from spmo.engine.portfolio import Portfolio
from spmo.engine.rows import Family, row_name
from spmo.solvers.base import SolveOptions, Status
from spmo.solvers.strategy import solve

from .instance import Instance

KINDS = ("strategic", "financial")
KPI = {"strategic": "strategic_score", "financial": "financial_value"}
LEX_TOL = 1e-9
"""Relative slack of the lexicographic stage's floor f >= f* (solver rounding)."""


def as_kind(portfolio: Portfolio, kind: str) -> Portfolio:
    """The same portfolio with `settings.objective = kind`."""
    return dataclasses.replace(portfolio, settings=portfolio.settings.model_copy(
        update={"objective": kind}))


@dataclass(frozen=True)
class EpsilonPoint:
    """A plan of the frontier: both objectives (by the checker), its starts
    (project -> period id), whether both stages are proven, and the gap of
    the first unproven stage against its bound."""

    floor: float | None
    feasible: bool
    first: float | None = None
    second: float | None = None
    starts: tuple[tuple[str, str], ...] = ()
    proven: bool = False
    bound: float | None = None
    gap: float | None = None


@dataclass(frozen=True)
class Task:
    """What a batch worker needs for one point (picklable)."""

    portfolio: Portfolio
    first: str
    second: str
    floor: float | None
    solver: str | None
    options: SolveOptions


def _solve_stage(instance: Instance, c: np.ndarray, floors: list, task: Task):
    """max c.x with each (coef, floor, name) of `floors` as a row."""
    model = dataclasses.replace(instance.model, c=c)
    for coef, floor, name in floors:
        model = with_floor(model, coef, floor, name)
    return solve(model, task.solver or instance.portfolio.settings.solver, task.options)


def epsilon_point(task: Task) -> EpsilonPoint:
    """The lexicographic point of f with g >= floor (module docstring)."""
    first = Instance.of(as_kind(task.portfolio, task.first))
    c_first = first.model.c
    c_second = Instance.of(as_kind(task.portfolio, task.second)).model.c
    floors = [] if task.floor is None else \
        [(c_second, task.floor, row_name(Family.EPSILON, task.second))]
    one = _solve_stage(first, c_first, floors, task)
    if one.x is None:
        return EpsilonPoint(task.floor, False, proven=one.status == Status.INFEASIBLE)
    best = float(c_first @ one.x)
    floors.append((c_first, best - LEX_TOL * max(1.0, abs(best)),
                   row_name(Family.EPSILON, task.first)))
    two = _solve_stage(first, c_second, floors, task)
    x = two.x if two.x is not None else one.x
    values = _checked(first, x)
    if task.floor is not None and values[1] < task.floor - 1e-6 * max(1.0, abs(task.floor)):
        raise CheckFailed([Violation(row_name(Family.EPSILON, task.second),
                                     f"{values[1]:g} is below the floor {task.floor:g}")])
    proven = one.status == Status.OPTIMAL and two.status == Status.OPTIMAL
    bound, gap = None, None
    if one.status != Status.OPTIMAL and one.bound is not None:
        bound, gap = one.bound, relative_gap(max(one.bound, values[0]), values[0])
    elif two.status != Status.OPTIMAL and two.bound is not None:
        bound, gap = two.bound, relative_gap(max(two.bound, values[1]), values[1])
    starts = assignment_of(first.portfolio, first.model, x).starts
    periods = first.portfolio.periods
    return EpsilonPoint(task.floor, True, values[0], values[1],
                        tuple(sorted((p, periods[s]) for p, s in starts.items())),
                        proven, bound, gap)


def _checked(instance: Instance, x: np.ndarray) -> tuple[float, float]:
    """(f, g) of a solution by the independent checker (CheckFailed if it breaks a row)."""
    portfolio = instance.portfolio
    verdict = check(portfolio, instance.derived, assignment_of(portfolio, instance.model, x))
    if not verdict.ok:
        raise CheckFailed(verdict.violations)
    first = portfolio.settings.objective
    second = KINDS[1 - KINDS.index(first)]
    return float(verdict.kpis[KPI[first]]), float(verdict.kpis[KPI[second]])
