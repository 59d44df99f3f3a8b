"""plan(portfolio, options) -> Plan: build, solve, decode, check, report, explain.

Every face calls it. One deadline bounds the whole call (planning.options):
the solve takes its share of the time limit, the explanations or the analysis
of infeasibility what is left.
"""

from __future__ import annotations

import math
import time

from spmo.engine.check import check
from spmo.engine.derive import least_consistent
from spmo.engine.errors import CheckFailed
from spmo.engine.model.decode import assignment_of
from spmo.engine.plan import Plan, relative_gap
from spmo.engine.portfolio import Portfolio
from spmo.engine.reasons import first_reasons
from spmo.engine.report import alignment_trace, recommendations, selected_rows
from spmo.solvers.base import Result, Status
from spmo.solvers.batch import configure
from spmo.solvers.registry import pick
from spmo.solvers.strategy import solve

from .explain import explain, resolved_mode
from .first import first_x, repaired_x
from .infeasible import explain_infeasible
from .instance import Instance
from .options import SOLVE_SHARE, Deadline, PlanOptions, report_reserve, solve_options
from .risk import risk_summary, with_setting

OPTIMAL_SNAP = 1e-6
"""A proven optimum's bound within this (times max(1, |objective|)) is the objective."""


def check_solver(name: str | None) -> None:
    """UnknownSolver unless `name` is auto or an installed backend."""
    if (name or "auto").lower() != "auto":
        pick(name, None)


def configure_batches(workers: int | None = None, scheduler: str | None = None) -> None:
    """This process's batch settings, handed down by a face from its settings
    (SPMO_WORKERS, SPMO_DASK_SCHEDULER): solvers.batch.configure."""
    configure(workers=workers, scheduler=scheduler)


def plan(portfolio: Portfolio, options: PlanOptions | None = None, *, progress=None,
         **overrides) -> Plan:
    """The optimal (or best found) plan of a validated portfolio, checked, with
    explanations as `options.explain` asks (none, estimate, exact or auto; see
    planning.explain). `overrides`: PlanOptions fields (solver, time_limit_s,
    relative_gap, explain, explain_only, hint, first, warm); `progress(done, total)`
    follows the explanations."""
    options = (options or PlanOptions()).with_overrides(**overrides)
    started = time.perf_counter()
    limit = portfolio.settings.time_limit_s if options.time_limit_s is None \
        else options.time_limit_s
    deadline = Deadline(limit if options.limit_explanations else math.inf)
    instance = Instance.of(portfolio)
    mode = resolved_mode(options.explain, portfolio)
    share = SOLVE_SHARE[mode] if options.limit_explanations else 1.0
    solve_seconds = min(deadline.cap(limit * share),
                        deadline.left() - report_reserve(len(instance.model.a_val), limit))
    first, unused = _first(instance, options)
    result = solve(instance.model, options.solver or portfolio.settings.solver,
                   solve_options(portfolio, options, solve_seconds), first=first)
    warnings = list(portfolio.warnings) + result.notes + _consistency(instance) + unused + \
        _actuals_unread(portfolio)
    if result.x is None:
        conflicts, relax = [], []
        if result.status == Status.INFEASIBLE:
            conflicts, relax = explain_infeasible(instance, deadline, options.caps)
        return Plan(status=result.status.value, solver=result.solver,
                    solve_seconds=round(result.seconds, 4), warnings=warnings,
                    conflicts=conflicts, relaxation=relax, model_size=instance.model.size())
    answer = report(instance, result, warnings)
    if portfolio.settings.objective_risk != "expected":
        # the expected-value plan it is weighed against shares the same time limit
        answer = _with_risk(answer, instance, result, options,
                            max(0.05, limit - (time.perf_counter() - started)))
    if mode != "none":
        answer = explain(answer, instance, result, options, deadline, progress)
    answer.model_size["seconds_total"] = round(time.perf_counter() - started, 4)
    return answer


def _with_risk(answer: Plan, instance: Instance, robust: Result, options: PlanOptions,
               limit: float) -> Plan:
    """The robust plan with its trade against the expected-value plan
    (planning.risk). That plan is solved within what is left of the time limit
    (`limit`), starting from the robust plan (the first columns of both models are the same
    variables), so it is never worse in expected value."""
    expected = with_setting(instance.portfolio, objective_risk="expected")
    other = Instance.of(expected)
    result = solve(other.model, options.solver or expected.settings.solver,
                   solve_options(expected, options, limit),
                   first=robust.x[: other.model.n_vars])
    other_plan = None if result.x is None else report(other, result, [])
    return answer.model_copy(update={"risk": risk_summary(instance, answer, other_plan)})


def _first(instance: Instance, options: PlanOptions):
    """(the solve's first plan or None, warnings): `first` as given when it
    keeps every row, else `warm` repaired (planning.first)."""
    if options.first is not None:
        return first_x(instance, options.first)
    if options.warm is not None:
        x = repaired_x(instance, options.warm)
        return x, ([] if x is not None else
                   ["the warm-start plan is not used: the greedy found no repair "
                    "of it that keeps every row"])
    return None, []


def _actuals_unread(portfolio: Portfolio) -> list[str]:
    """A warning when the portfolio says where the year stands (`actuals`,
    settings.now) and is planned from the start of the horizon all the same:
    re-planning needs the plan the actuals drift from (scenarios.replan)."""
    if portfolio.table("actuals").empty and portfolio.settings.now is None:
        return []
    return ["the portfolio has actuals or settings.now, which a plan from the start of the "
            "horizon does not read: spmo replan PLAN.json PORTFOLIO re-plans from now "
            "(sunk costs sunk, running projects continued, stalled or stopped)"]


def _consistency(instance: Instance) -> list[str]:
    """A warning when the pairwise judgements are inconsistent (CR > 0.1)."""
    ratio = instance.derived.consistency_ratio
    if ratio is None or ratio <= 0.1:
        return []
    return [f"pairwise judgements are inconsistent: consistency ratio {ratio:.3f} > 0.1; "
            "least consistent: " + "; ".join(least_consistent(instance.portfolio,
                                                                instance.derived.weights))]


def report(instance: Instance, result: Result, warnings: list[str]) -> Plan:
    """Check the assignment and turn it into the Plan."""
    portfolio, derived, model = instance.portfolio, instance.derived, instance.model
    assignment = assignment_of(portfolio, model, result.x)
    verdict = check(portfolio, derived, assignment)
    if not verdict.ok:
        raise CheckFailed(verdict.violations)
    objective = verdict.objective
    bound = max(objective, result.bound) if result.bound is not None else None
    if result.status == Status.OPTIMAL and bound is not None and \
            abs(bound - objective) <= OPTIMAL_SNAP * max(1.0, abs(objective)):
        bound = objective  # a proven optimum's bound differs by the backend's rounding
    rows = selected_rows(portfolio, derived, assignment)
    forced_unaligned = [r.project for r in rows if portfolio.require_alignment
                        and not derived.aligned[r.project]
                        and portfolio.projects.at[r.project, "force"] == "in"]
    warnings = warnings + [f"{p} is forced in but serves no objective" for p in forced_unaligned]
    return Plan(
        status=result.status.value, objective=objective, bound=bound,
        gap=relative_gap(bound, objective), solver=result.solver,
        solve_seconds=round(result.seconds, 4), selected=rows,
        excluded=first_reasons(portfolio, derived, model, result.x, set(assignment.starts)),
        spend=_records(verdict.spend), utilisation=_records(verdict.usage),
        funding=_records(assignment.funding), sources=_records(verdict.sources),
        kpis=verdict.kpis, alignment=alignment_trace(portfolio, derived, assignment),
        recommendations=recommendations(portfolio, derived, assignment),
        warnings=warnings, model_size=model.size())


def _records(frame) -> list[dict]:
    """A table as records, blanks as None."""
    return frame.astype(object).where(frame.notna(), None).to_dict("records")
