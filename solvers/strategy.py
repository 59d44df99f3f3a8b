"""One entry for a solve: pick the backend, make a first plan, solve, keep the best.

`solve(model, name, options)`:
1. the backend `name` (or `auto`, see solvers.registry);
2. a first plan: the greedy (solvers.large.greedy); on a model of
   WARM_START_NONZEROS or more, improved by Lagrangian pricing within
   WARM_START_SHARE of the time limit and by neighbourhood search within
   SEARCH_SHARE (solvers.large); when there is none and the backend is the
   Lagrangian heuristic or the model is that large, an LP feasibility check
   (solvers.feasibility) within FEASIBILITY_SHARE: an infeasible LP relaxation
   is the answer `infeasible`, whatever the backend;
3. the backend within what is left, the first plan as its hint where it takes
   one and the model is large (on small models a bare greedy hint steers
   HiGHS to worse plans; docs/solvers.md); where the warm start priced the
   model, its Lagrangian bound replaces a looser one of the backend's
   (`with_bound`); a bound that cannot be one (not finite, below the plan,
   or diverged below every assignment) is dropped;
4. the answer of last resort: when the backend found no plan in time, or a
   worse one than the first plan, the first plan (feasible, with the
   backend's bound); when the backend claims `optimal` but the first plan is
   better, the contradiction is named and the first plan returned (feasible,
   the bound kept only if it still bounds it).
The rest of spmo never picks or warm-starts a backend itself.
"""

from __future__ import annotations

import dataclasses
import time

import numpy as np
from spmo.engine.model.linear import LinearModel

from .base import Result, SolveOptions, Status
from .feasibility import lp_feasibility
from .large.greedy import greedy_plan
from .large.lagrange import lagrangian
from .large.lns import improve
from .registry import pick

WARM_START_NONZEROS = 50_000
"""Models from this many non-zeros (about 300 projects) start from a Lagrangian plan."""
WARM_START_SHARE = 0.1
"""Share of the time limit the Lagrangian warm start may take."""
SEARCH_SHARE = 0.3
"""Share of the time limit the large-neighbourhood search on the warm start may take."""
FEASIBILITY_SHARE = 0.5
"""Share of the time limit the LP feasibility check may take when no first plan
was found (solvers.feasibility; 18 s on a 50,000 x 20 model on two busy cores)."""
BOUND_TOL = 1e-6
"""Relative slack below the plan's objective a bound may show and still be one
(rounding: CP-SAT's integer scaling; the plan clamps it to its objective)."""


def solve(model: LinearModel, name: str | None, options: SolveOptions,
          first: np.ndarray | None = None) -> Result:
    """The best plan of `model` found by backend `name` within the options' limits.
    `first`: a feasible plan the caller already has (e.g. a counterfactual's
    repair of the base plan): the first plan and hint instead of the greedy."""
    backend = pick(name or "auto", model)
    warm_bound = None
    if first is None:
        first, options, warm_bound = warm_start(model, backend, options)
        if first is None and (backend.name == "lagrange" or
                              len(model.a_val) >= WARM_START_NONZEROS):
            proof, options = feasibility_check(model, backend, options)
            if proof is not None:
                return proof
    elif backend.capability.hints:
        options = dataclasses.replace(options, hint=first)
    result = with_bound(backend.solve(model, options), warm_bound)
    return last_resort(credible_bound(result, model), model, first)


def with_bound(result: Result, bound: float | None) -> Result:
    """The result with the smaller of its bound and `bound` (the Lagrangian
    bound of the warm start, an upper bound on the optimum by weak duality):
    a branch and bound stopped by its time limit before its root was done
    reports a bound far above the LP's (docs/solvers.md)."""
    if bound is None or not np.isfinite(bound) or result.status == Status.INFEASIBLE or \
            (result.bound is not None and result.bound <= bound) or \
            (result.objective is not None and bound < result.objective):
        return result  # a "bound" below the plan is none (credible_bound)
    return dataclasses.replace(result, bound=bound, notes=[
        *result.notes, f"the bound is the warm start's Lagrangian bound {bound:.6g} "
                       f"({result.solver}'s was "
                       + ("none" if result.bound is None else f"{result.bound:.6g}") + ")"])


def feasibility_check(model: LinearModel, backend, options: SolveOptions):
    """(the INFEASIBLE result, None) when the LP relaxation has no point
    (solvers.feasibility), else (None, the options less the time the check
    took). Run where no first plan was found and the backend would not prove
    infeasibility in time itself: the Lagrangian heuristic, or branch and
    bound on a large model (HiGHS did not in 250 s on a 10,000 x 20 model
    whose LP is infeasible in 1.4 s)."""
    check = lp_feasibility(model, FEASIBILITY_SHARE * options.time_limit_s)
    if check.feasible is False:
        note = (f"no plan exists: the LP relaxation has no solution (HiGHS, "
                f"{check.seconds:.1f} s)" + ("; its Farkas certificate was checked"
                                            if check.certificate is not None else ""))
        return Result(Status.INFEASIBLE, None, None, None, check.seconds, backend.name,
                      [note]), options
    left = max(1.0, options.time_limit_s - check.seconds)
    return None, dataclasses.replace(options, time_limit_s=left)


def credible_bound(result: Result, model: LinearModel) -> Result:
    """The result without its bound when that cannot be a bound: not finite,
    below the plan's own objective, or below the least objective of any
    assignment within the variables' bounds (an upper bound on the optimum of
    a model with a plan is at least that; the Lagrangian bound of a model
    without one diverges, to -4e26 on a 10,000 x 20 portfolio)."""
    bound = result.bound
    if bound is None:
        return result
    least = float(np.minimum(model.c * model.lb, model.c * model.ub).sum())
    floor = least if result.objective is None else max(least, result.objective)
    if np.isfinite(bound) and bound >= floor - BOUND_TOL * max(1.0, abs(floor)):
        return result
    why = "not finite" if not np.isfinite(bound) else (
        f"below the plan's own objective {result.objective:.6g}"
        if result.objective is not None and bound < result.objective - BOUND_TOL * max(
            1.0, abs(result.objective))
        else f"below the least objective any assignment has ({least:.6g}): it diverged, "
             "as it does when no plan exists")
    return dataclasses.replace(result, bound=None, notes=[
        *result.notes, f"{result.solver}'s bound {bound:.6g} is no bound ({why}); "
                       "none is reported"])


def first_plan(model: LinearModel, backend, options: SolveOptions, greedy=None):
    """The first plan and the backend's options: the time limit less what the
    first plan took, and the first plan as the hint where it helps (see the
    module). `greedy`: the greedy plan when already made; a hint already in
    `options` is kept."""
    first, options, _bound = warm_start(model, backend, options, greedy)
    return first, options


def warm_start(model: LinearModel, backend, options: SolveOptions, greedy=None):
    """first_plan's (first plan, options) and the Lagrangian bound of the
    warm start where one was priced (else None)."""
    started = time.perf_counter()
    first = greedy_plan(model) if greedy is None else greedy
    large = len(model.a_val) >= WARM_START_NONZEROS
    hint, bound = options.hint, None
    prices = backend.capability.prices_itself
    if hint is None and not prices and backend.capability.hints and large:
        warm = lagrangian(model, WARM_START_SHARE * options.time_limit_s, first,
                          seed=options.seed)
        bound = warm.bound
        first = warm.x if warm.x is None else improve(
            model, warm.x, SEARCH_SHARE * options.time_limit_s, warm.reduced, options.seed).x
    left = max(1.0, options.time_limit_s - (time.perf_counter() - started))
    if hint is None and backend.capability.hints and (large or prices):
        hint = first
    return first, dataclasses.replace(options, time_limit_s=left, hint=hint), bound


def last_resort(result: Result, model: LinearModel, first: np.ndarray | None) -> Result:
    """When the solver found no plan in time, or only a worse one than the greedy
    first plan, the greedy plan is the answer (feasible, with the solver's bound).
    An `optimal` that the first plan beats (by more than 1e-9 relative) is a
    contradiction: the first plan is returned, feasible, with the solver's bound
    only if it still bounds it, and a warning naming the contradiction."""
    if first is None or result.status == Status.INFEASIBLE:
        return result
    greedy_value = float(model.c @ first)
    if result.status == Status.OPTIMAL:
        if result.objective is None or greedy_value - result.objective <= \
                1e-9 * max(abs(greedy_value), abs(result.objective)):
            return result
        bound = result.bound if result.bound is not None and result.bound >= greedy_value \
            else None
        note = (f"{result.solver} claimed optimal at {result.objective:.12g}, but the first "
                f"plan (greedy) is better at {greedy_value:.12g}: a contradiction (a solver "
                "fault); the better plan is returned as feasible"
                + ("" if bound is not None else ", without a bound"))
        return dataclasses.replace(result, status=Status.FEASIBLE, x=first,
                                   objective=greedy_value, bound=bound,
                                   notes=[*result.notes, note])
    if result.status == Status.FEASIBLE and result.objective is not None and \
            result.objective >= greedy_value - 1e-9 * max(1.0, abs(greedy_value)):
        return result
    note = (f"{result.solver} found no better plan within the time limit than the first plan "
            "(greedy; on larger models priced by Lagrangian multipliers and improved by "
            "neighbourhood search), which is returned")
    return dataclasses.replace(result, status=Status.FEASIBLE, x=first, objective=greedy_value,
                               notes=[*result.notes, note])
