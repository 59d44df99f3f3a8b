"""Explanations of a solved plan: exact cost_to_include for excluded projects,
counterfactual value of every in-flight recommendation, infeasible-alone
conflicts. Mode `exact` re-solves (a batch through the executor), each
re-solve with the portfolio's own time limit; `estimate` uses LP reduced
costs; `auto` re-solves up to EXACT_LIMIT projects, each within SOLVE_LIMIT_S,
and once the batch has run EXPLAIN_BUDGET_S wall seconds each remaining
re-solve gets MIN_SOLVE_S (one not proven in time is reported as the
interval it proved), and beyond EXACT_LIMIT projects gives
the estimate with the way to the exact figure (`spmo explain --project P`)."""

from __future__ import annotations

import dataclasses
import time

from spmo.engine.derive import Derived
from spmo.engine.model.linear import LinearModel
from spmo.engine.plan import Plan
from spmo.engine.portfolio import Portfolio
from spmo.solvers.base import SolveOptions
from spmo.solvers.cpsat_conflicts import find_conflict

from .counterfactual import SOLVE_LIMIT_S, exact_costs, forced, lp_estimates

EXACT_LIMIT = 300
EXPLAIN_BUDGET_S = 120.0
ALTERNATIVE = {"continue": "out", "stall": "now", "kill": "in"}


def solve_limits(mode: str, options: SolveOptions) -> tuple[SolveOptions, float | None]:
    """Options of one counterfactual and the batch's deadline (time.time()):
    the portfolio's own limit and no deadline when exact figures were asked for."""
    if mode == "exact":
        return options, None
    limit = min(options.time_limit_s, SOLVE_LIMIT_S)
    return dataclasses.replace(options, time_limit_s=limit), time.time() + EXPLAIN_BUDGET_S


def explain(plan: Plan, portfolio: Portfolio, derived: Derived, model: LinearModel,
            solver: str, options: SolveOptions, mode: str = "auto", progress=None,
            only: list[str] | None = None, base_x=None, reduced=None) -> Plan:
    """The plan with cost_to_include and recommendation values filled in
    (`base_x`: the plan's assignment, repaired for warm starts; `reduced`:
    reduced costs the backend found, reused by estimates)."""
    asked = mode
    if mode == "auto":
        mode = "exact" if len(portfolio.projects) <= EXACT_LIMIT else "estimate"
    if mode == "none" or plan.objective is None:
        return plan
    fits = derived.windows["fits"]
    targets = [e.project for e in plan.excluded if bool(fits[e.project])
               and (only is None or e.project in only)]
    if mode == "estimate":
        estimates = lp_estimates(model, targets, reduced=reduced)
        for e in plan.excluded:
            if e.project in estimates:
                e.cost_to_include = estimates[e.project]
                e.reason += f"; forcing it in costs about {estimates[e.project]:.4g} " \
                            "(estimate from LP reduced costs; exact: spmo explain --project " \
                            f"{e.project})"
        return plan
    tasks = [(p, "in") for p in targets] + [
        (r.project, ALTERNATIVE[r.action]) for r in plan.recommendations
        if r.action != "kill" and (only is None or r.project in only)]
    single, deadline = solve_limits(asked, options)
    costs = exact_costs(model, tasks, plan.objective, plan.status == "optimal",
                        solver, single, base_x, progress, deadline)
    selected = {s.project for s in plan.selected}
    for e in plan.excluded:
        c = costs.get((e.project, "in"))
        if c is not None:
            _describe_exclusion(e, c, selected, model, options, plan.objective)
    for r in plan.recommendations:
        c = costs.get((r.project, ALTERNATIVE[r.action]))
        if c is not None and not c.get("infeasible") and c["cost"] is not None:
            r.value_delta = c["cost"]
            r.reason += f" (worth {c['cost']:.4g} of objective over the alternative" \
                        f"{'' if c['exact'] else ', estimate'})"
        elif c is not None and c.get("infeasible"):
            r.reason += " (the alternative has no feasible plan)"
    return plan


def _describe_exclusion(e, c: dict, selected: set[str], model: LinearModel,
                        options: SolveOptions, objective: float) -> None:
    """cost_to_include, displaced projects and, when impossible, the conflict."""
    if c.get("infeasible"):
        e.code = "infeasible_alone"
        e.binding = [n for n in find_conflict(forced(model, e.project, "in"),
                                              min(10.0, options.time_limit_s))
                     if n != f"window[{e.project}]"]
        e.cost_to_include = None
        e.reason = "no feasible plan contains it: " + ", ".join(e.binding or ["(unknown)"])
        return
    if c["cost"] is None:
        e.reason += "; no plan with it was found within the time limit"
        return
    e.cost_to_include = c["cost"]
    displaced = sorted(selected - set(c["selected"]))
    label = "exact" if c["exact"] else (
        f"estimate: between {c['low']:.4g} and {c['cost']:.4g}" if c["low"] is not None
        else "estimate")
    share = f", {c['cost'] / abs(objective):.1%} of the objective" if objective else ""
    e.reason += f"; forcing it in costs {c['cost']:.4g} ({label}{share})"
    if displaced:
        e.reason += f" and displaces {', '.join(displaced[:6])}" + \
            (" and more" if len(displaced) > 6 else "")
