"""The weight studies of scenarios.sensitivity on one model (scenarios.weights).

Known plans. Every plan found (the base plan, each sample's and each search
step's optimum) keeps every row at every weight, so at weights w the best of
them is a feasible plan and its H_x(w) a lower bound on OPT_H(w).

`stay_in`: the N samples are taken in rounds of ROUND (a fixed size, so the
answers do not depend on the number of cores). A sample is

1. answered without a solve when the best known plan x at its weights w is
   certified optimal there: H_x(w) >= U_v + box_rise(w, v) for a weight vector
   v solved before, U_v the proven upper bound on OPT_H(v) (scenarios.weights);
   or w is a convex combination of weight vectors v_i solved before at each
   of which x reaches U_(v_i): H_x is affine and OPT_H convex, so
   OPT_H(w) <= sum_i l_i U_(v_i) = H_x(w);
2. else solved (the round's solves in parallel through solvers.batch), from
   the best known plan at w as the first plan and hint, each solve
   single-threaded and time-limited as before; its plan joins the known ones
   and, when proven, its weights join the solved ones.

`range_end` (run before the samples): the Eisner-Severance search of one end
of a weight range, started from the known plans: the crossing of x*'s line
with the nearest known line that beats it towards the far end (x* cannot be
optimal past it) instead of the far end itself, then solve, move to the new
crossing, solve ... until x* is optimal at t. Every step is a full solve from
the best known plan at t; the end is proven by the last solve, as before.
Every solve's weights, bound and plan join the known ones: the ends, where x*
is proven optimal, span a region around today's weights in which the samples
are certified by the convex-combination rule above.

Every plan a solve returns is checked by the independent checker
(engine.check) before it is used.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from spmo.engine.check import check
from spmo.engine.derive import derive
from spmo.engine.errors import CheckFailed
from spmo.engine.model.decode import assignment_of, selected_projects
from spmo.solvers.base import SolveOptions, Status
from spmo.solvers.batch import run_batch
from spmo.solvers.strategy import solve

from .weights import WeightedObjective, line_of, weights_at

ROUND = 4
"""Samples per round of parallel solves."""
TOL = 1e-9
MAX_STEPS = 30


@dataclass(frozen=True)
class Solved:
    """One solve at some weights: status, plan x, proven upper bound on OPT_H there."""

    status: str
    x: np.ndarray | None
    upper: float | None


@dataclass(frozen=True)
class Job:
    objective: WeightedObjective
    weights: pd.Series
    first: np.ndarray
    solver: str | None
    options: SolveOptions


def solve_at(job: Job) -> Solved:
    """The optimum at `job.weights` from the known plan `first` (top level: batched)."""
    model = job.objective.model_at(job.weights)
    result = solve(model, job.solver, job.options, first=job.first)
    if result.x is None:
        return Solved(result.status.value, None, None)
    checked(job.objective, result.x)
    norm = job.objective.norm(job.weights)
    upper = None if result.bound is None or result.status != Status.OPTIMAL else \
        norm * max(result.bound, float(model.c @ result.x))
    return Solved(result.status.value, result.x, upper)


def checked(objective: WeightedObjective, x: np.ndarray) -> None:
    """CheckFailed when the independent checker finds a broken row in plan x."""
    portfolio = objective.portfolio
    report = check(portfolio, derive(portfolio),
                   assignment_of(portfolio, objective.model, x))
    if not report.ok:
        raise CheckFailed(report.violations)


def best_known(objective: WeightedObjective, weights: pd.Series,
               known: list[np.ndarray]) -> tuple[np.ndarray, float]:
    """The known plan with the largest H at `weights`, and that H (first of ties)."""
    h = objective.scaled(weights)
    values = [float(h @ x) for x in known]
    k = int(np.argmax(values))
    return known[k], values[k]


def certified(objective: WeightedObjective, weights: pd.Series, x: np.ndarray,
              solved: list[tuple[pd.Series, float]]) -> bool:
    """Whether the known plan x is proven optimal at `weights` (module docstring)."""
    value = float(objective.scaled(weights) @ x)
    for at, upper in solved:
        bound = upper + objective.box_rise(weights, at)
        if value >= bound - TOL * max(1.0, abs(bound)):
            return True
    optimal_at = [at for at, upper in solved
                  if float(objective.scaled(at) @ x) >= upper - TOL * max(1.0, abs(upper))]
    return in_hull(optimal_at, weights)


def in_hull(points: list[pd.Series], weights: pd.Series) -> bool:
    """Whether `weights` is a convex combination of `points` (weights summing to 1,
    so the last coordinate is dropped; Qhull's Delaunay triangulation, which
    needs points spanning the whole simplex: False otherwise)."""
    dim = len(weights) - 1
    if len(points) <= dim or dim < 1:
        return False
    from scipy.spatial import Delaunay, QhullError

    try:
        triangulation = Delaunay(np.array([p.to_numpy(dtype=float)[:dim] for p in points]))
    except (QhullError, ValueError):
        return False
    return bool(triangulation.find_simplex(weights.to_numpy(dtype=float)[:dim]) >= 0)


@dataclass
class Pool:
    """The known plans and the weights solved with a proven bound."""

    known: list[np.ndarray]
    solved: list[tuple[pd.Series, float]]

    def add(self, weights: pd.Series, found: Solved) -> None:
        if found.x is not None and not any(np.array_equal(found.x, x) for x in self.known):
            self.known.append(found.x)
        if found.upper is not None:
            self.solved.append((weights, found.upper))


def stay_in_selections(objective: WeightedObjective, samples: list[pd.Series], pool: Pool,
                       solver: str | None, options: SolveOptions, progress=None
                       ) -> tuple[list[list[str]], int]:
    """Each sample's optimal selection (module docstring), and how many were solved."""
    answers: list[list[str] | None] = [None] * len(samples)
    solves = 0
    for first in range(0, len(samples), ROUND):
        jobs, where = [], []
        for i in range(first, min(first + ROUND, len(samples))):
            x, _ = best_known(objective, samples[i], pool.known)
            if certified(objective, samples[i], x, pool.solved):
                answers[i] = selected_projects(objective.model, x)
            else:
                jobs.append(Job(objective, samples[i], x, solver, options))
                where.append(i)
        for i, found in zip(where, run_batch(solve_at, jobs), strict=True):
            pool.add(samples[i], found)
            answers[i] = [] if found.x is None else selected_projects(objective.model, found.x)
        solves += len(jobs)
        if progress:
            progress(min(first + ROUND, len(samples)), len(samples))
    return answers, solves


@dataclass(frozen=True)
class EndJob:
    objective: WeightedObjective
    weights: pd.Series
    moving: str
    base: np.ndarray
    far: float
    known: list
    solver: str | None
    options: SolveOptions


def start_of(job: EndJob, a_star: float, b_star: float) -> float:
    """Where the search starts: the crossing nearest today's weight of x*'s line
    with a known line that beats it towards the far end, else the far end."""
    today = float(job.weights[job.moving])
    t = job.far
    for x in job.known:
        a, b = line_of(job.objective, job.weights, job.moving, x)
        if abs(b - b_star) <= TOL or a + b * job.far <= a_star + b_star * job.far:
            continue
        cross = (a_star - a) / (b - b_star)
        if job.far > today:
            t = min(t, max(cross, today))
        else:
            t = max(t, min(cross, today))
    return t


@dataclass(frozen=True)
class End:
    """One end of a weight range, and every solve of its search (weights, result)."""

    t: float
    proven: bool
    solves: list[tuple[pd.Series, Solved]]


def range_end(job: EndJob) -> End:
    """One end of a weight range (module docstring)."""
    a_star, b_star = line_of(job.objective, job.weights, job.moving, job.base)
    known = list(job.known)
    t, proven, solves = start_of(job, a_star, b_star), True, []
    for _ in range(MAX_STEPS):
        w = weights_at(job.weights, job.moving, t)
        x, _ = best_known(job.objective, w, known)
        found = solve_at(Job(job.objective, w, x, job.solver, job.options))
        solves.append((w, found))
        if found.x is None:
            return End(t, False, solves)
        known.append(found.x)
        proven &= found.status == Status.OPTIMAL.value
        a, b = line_of(job.objective, job.weights, job.moving, found.x)
        if a + b * t <= a_star + b_star * t + TOL * max(1.0, abs(a_star + b_star * t)):
            return End(t, proven, solves)
        if abs(b - b_star) <= TOL:
            return End(t, False, solves)
        t = (a_star - a) / (b - b_star)
    return End(t, False, solves)
