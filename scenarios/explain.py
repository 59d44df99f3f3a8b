"""Explanations of a solved plan: exact cost_to_include for excluded projects,
counterfactual value of every in-flight recommendation, infeasible-alone
conflicts. Mode `exact` re-solves (a batch through the executor), `estimate`
uses LP reduced costs, `auto` is exact up to EXACT_LIMIT candidates when the
batch is expected to take at most EXACT_BUDGET_S (counterfactuals x the main
solve's seconds / workers), else an estimate that says how to get the exact
figure (`spmo explain --project P`)."""

from __future__ import annotations

from spmo.engine.derive import Derived
from spmo.engine.model.linear import LinearModel
from spmo.engine.plan import Plan
from spmo.engine.portfolio import Portfolio
from spmo.solvers.base import SolveOptions
from spmo.solvers.cpsat_conflicts import find_conflict

from .counterfactual import exact_costs, forced, lp_estimates

EXACT_LIMIT = 300
EXACT_BUDGET_S = 60.0
ALTERNATIVE = {"continue": "out", "stall": "now", "kill": "in"}


def explain_mode(mode: str, portfolio: Portfolio, plan: Plan) -> str:
    """`auto` resolved by the number of projects and the expected batch time."""
    if mode != "auto":
        return mode
    from .executor import default_workers

    expected = len(plan.excluded) * max(0.05, plan.solve_seconds) / default_workers()
    small = len(portfolio.projects) <= EXACT_LIMIT and expected <= EXACT_BUDGET_S
    return "exact" if small else "estimate"


def explain(plan: Plan, portfolio: Portfolio, derived: Derived, model: LinearModel,
            solver: str, options: SolveOptions, mode: str = "auto", progress=None,
            only: list[str] | None = None) -> Plan:
    """The plan with cost_to_include and recommendation values filled in."""
    mode = explain_mode(mode, portfolio, plan)
    if mode == "none" or plan.objective is None:
        return plan
    fits = derived.windows["fits"]
    targets = [e.project for e in plan.excluded if bool(fits[e.project])
               and (only is None or e.project in only)]
    if mode == "estimate":
        estimates = lp_estimates(model, targets)
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
    costs = exact_costs(model, tasks, plan.objective, plan.status == "optimal",
                        solver, options, progress)
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
