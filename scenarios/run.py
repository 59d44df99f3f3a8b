"""plan(portfolio) -> Plan: derive, build, solve, check, report. Every face calls it."""

from __future__ import annotations

import dataclasses
import time

import numpy as np
import pandas as pd
from spmo.engine.check import Assignment, check
from spmo.engine.derive import Derived, derive, least_consistent
from spmo.engine.errors import CheckFailed
from spmo.engine.model.build import build
from spmo.engine.model.linear import LinearModel
from spmo.engine.plan import Plan, relative_gap
from spmo.engine.portfolio import Portfolio
from spmo.engine.reasons import first_reasons
from spmo.engine.report import alignment_trace, recommendations, selected_rows
from spmo.solvers.base import Result, SolveOptions, Status
from spmo.solvers.greedy import greedy_plan
from spmo.solvers.lagrange import lagrangian
from spmo.solvers.lns import improve
from spmo.solvers.registry import pick


def options_for(portfolio: Portfolio, *, time_limit_s: float | None = None,
                relative_gap: float | None = None, hint=None) -> SolveOptions:
    """Solve options from settings, overridden by what the caller gives."""
    s = portfolio.settings
    return SolveOptions(time_limit_s=s.time_limit_s if time_limit_s is None else time_limit_s,
                        relative_gap=s.relative_gap if relative_gap is None else relative_gap,
                        workers=s.workers, seed=s.seed, hint=hint)


def minimal_purchase(portfolio: Portfolio, model: LinearModel, x: np.ndarray) -> pd.DataFrame:
    """Bought FTE = max(0, demand - fte) per (skill, period), at most extra_fte:
    a plan buys no more than its selection needs."""
    extra = model.extra
    if extra.empty:
        return pd.DataFrame(columns=["skill", "period", "fte"])
    chosen = model.starts[x[: len(model.starts)] > 0.5]
    demands = portfolio.table("demands").merge(chosen[["project", "start"]], on="project")
    demands["t"] = demands["start"] + demands["offset"]
    need = demands.groupby(["skill", "t"])["fte"].sum()
    cap = portfolio.table("capacity")
    index_of = {p: i for i, p in enumerate(portfolio.periods)}
    fte = cap.set_index([cap["skill"], cap["period"].map(index_of)])["fte"]
    rows = []
    for skill, t, offered in zip(extra["skill"], extra["period"], extra["extra_fte"],
                                 strict=True):
        short = float(need.get((skill, t), 0.0)) - float(fte[(skill, t)])
        if short > 1e-12:
            rows.append({"skill": skill, "period": portfolio.periods[t],
                         "fte": min(short, float(offered))})
    return pd.DataFrame(rows, columns=["skill", "period", "fte"])


def assignment_of(portfolio: Portfolio, model: LinearModel, x: np.ndarray) -> Assignment:
    """The plan's decisions read off a solver assignment."""
    chosen = model.starts[x[: len(model.starts)] > 0.5]
    starts = dict(zip(chosen["project"], chosen["start"].astype(int), strict=True))
    return Assignment(starts, minimal_purchase(portfolio, model, x))


WARM_START_NONZEROS = 50_000
"""Models from this many non-zeros (about 300 projects) start from a Lagrangian plan."""
WARM_START_SHARE = 0.1
"""Share of the time limit the Lagrangian warm start may take."""
SEARCH_SHARE = 0.3
"""Share of the time limit the large-neighbourhood search on the warm start may take."""


def first_plan(model: LinearModel, backend, options: SolveOptions, hint=None, greedy=None):
    """The first plan (greedy; on a larger model improved by Lagrangian pricing
    within WARM_START_SHARE of the time limit, then by large-neighbourhood
    search within SEARCH_SHARE) and the solver's options: the
    time limit less what the first plan took, and the plan as the hint where
    the backend takes one and the model is large (on smaller models a bare
    greedy hint steered HiGHS to worse plans: gk01 3,759 with it, 3,766
    without, at 20 s); the first plan stays the answer of last resort.
    `greedy`: the greedy plan when already made."""
    started = time.perf_counter()
    first = greedy_plan(model) if greedy is None else greedy
    large = len(model.a_val) >= WARM_START_NONZEROS
    if hint is None and backend.name != "lagrange" and backend.capability.hints and large:
        warm = lagrangian(model, WARM_START_SHARE * options.time_limit_s, first,
                          seed=options.seed)
        first = warm.x if warm.x is None else improve(
            model, warm.x, SEARCH_SHARE * options.time_limit_s, warm.reduced, options.seed).x
    left = max(1.0, options.time_limit_s - (time.perf_counter() - started))
    if hint is None and backend.capability.hints and (large or backend.name == "lagrange"):
        hint = first
    return first, dataclasses.replace(options, time_limit_s=left, hint=hint)


def last_resort(result: Result, model: LinearModel, first: np.ndarray | None) -> Result:
    """When the solver found no plan in time, or only a worse one than the greedy
    first plan, the greedy plan is the answer (feasible, with the solver's bound)."""
    if first is None or result.status in (Status.OPTIMAL, Status.INFEASIBLE):
        return result
    greedy_value = float(model.c @ first)
    if result.status == Status.FEASIBLE and result.objective is not None and \
            result.objective >= greedy_value - 1e-9 * max(1.0, abs(greedy_value)):
        return result
    result.notes.append(f"{result.solver} found no better plan within the time limit than "
                        "the first plan (greedy; on larger models priced by Lagrangian "
                        "multipliers and improved by neighbourhood search), which is returned")
    return Result(Status.FEASIBLE, first, greedy_value, result.bound,
                  result.seconds, result.solver, result.notes)


def plan(portfolio: Portfolio, *, solver: str | None = None, time_limit_s: float | None = None,
         relative_gap: float | None = None, hint=None, explain: str = "none", progress=None,
         explain_only: list[str] | None = None):
    """The optimal (or best found) plan of a validated portfolio, checked.

    `explain`: none (first reasons only), estimate, exact or auto (see
    scenarios.explain); `progress(done, total)` follows the counterfactuals."""
    t0 = time.perf_counter()
    derived = derive(portfolio)
    model = build(portfolio, derived)
    backend = pick(solver or portfolio.settings.solver, model)
    options = options_for(portfolio, time_limit_s=time_limit_s, relative_gap=relative_gap)
    first, options = first_plan(model, backend, options, hint)
    result = last_resort(backend.solve(model, options), model, first)
    warnings = list(portfolio.warnings) + result.notes
    if derived.consistency_ratio is not None and derived.consistency_ratio > 0.1:
        warnings.append(f"pairwise judgements are inconsistent: consistency ratio "
                        f"{derived.consistency_ratio:.3f} > 0.1; least consistent: "
                        + "; ".join(least_consistent(portfolio, derived.weights)))
    if result.x is None:
        conflicts, relax = [], []
        if result.status == Status.INFEASIBLE:
            from .infeasible import explain_infeasible

            conflicts, relax = explain_infeasible(portfolio, derived, model,
                                                  min(20.0, options.time_limit_s))
        return Plan(status=result.status.value, solver=result.solver,
                    solve_seconds=round(result.seconds, 4), warnings=warnings,
                    conflicts=conflicts, relaxation=relax, model_size=model.size())
    result_plan = _report(portfolio, derived, model, result, warnings, t0)
    if explain != "none":
        from .explain import explain as explain_plan

        explain_plan(result_plan, portfolio, derived, model, backend.name, options, explain,
                     progress, explain_only, result.x, result.reduced_costs)
        result_plan.model_size["seconds_total"] = round(time.perf_counter() - t0, 4)
    return result_plan


def _report(portfolio: Portfolio, derived: Derived, model: LinearModel, result: Result,
            warnings: list[str], t0: float):
    """Check the assignment and turn it into the Plan."""
    assignment = assignment_of(portfolio, model, result.x)
    report = check(portfolio, derived, assignment)
    if not report.ok:
        raise CheckFailed(report.violations)
    objective = report.objective
    bound = max(objective, result.bound) if result.bound is not None else None
    if result.status == Status.OPTIMAL and bound is not None and \
            abs(bound - objective) <= 1e-6 * max(1.0, abs(objective)):
        bound = objective  # proven, within the backends' tolerance (CP-SAT's rounding)
    gap = relative_gap(bound, objective)
    sched = selected_rows(portfolio, derived, assignment)
    forced_unaligned = [r.project for r in sched if portfolio.require_alignment
                        and not derived.aligned[r.project]
                        and portfolio.projects.at[r.project, "force"] == "in"]
    warnings += [f"{p} is forced in but serves no objective" for p in forced_unaligned]
    return Plan(
        status=result.status.value, objective=objective, bound=bound, gap=gap,
        solver=result.solver, solve_seconds=round(result.seconds, 4), selected=sched,
        excluded=first_reasons(portfolio, derived, model, result.x, set(assignment.starts)),
        spend=report.spend.astype(object).where(report.spend.notna(), None).to_dict("records"),
        utilisation=report.usage.astype(object).where(report.usage.notna(), None)
        .to_dict("records"),
        kpis=report.kpis, alignment=alignment_trace(portfolio, derived, assignment),
        recommendations=recommendations(portfolio, derived, assignment),
        warnings=warnings, model_size=model.size() | {
            "seconds_total": round(time.perf_counter() - t0, 4)})
