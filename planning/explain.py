"""Explanations of a solved plan: cost_to_include of excluded projects, the
counterfactual value of every in-flight recommendation, and the conflict of a
project no plan can contain.

Modes: `exact` re-solves each counterfactual (planning.counterfactual);
`estimate` gives LP lower bounds; `auto` is exact up to EXACT_LIMIT projects
and estimates beyond. Exact re-solves run within the request's deadline,
each bounded by deterministic work; one not proven is reported as the
interval it proved, one not reached before the deadline as not computed, and
`plan.explanations` counts them.

The code of an excluded project is the plan's (engine.reasons) and never
changes here, whatever the mode: forced_out, unaligned and no_fit stay, and
so does a limit code. That forcing a project in has no feasible plan is said
in `cost_status="infeasible"` and `forcing_conflict`: where the rows prove
it (engine.impossible: an `infeasible_alone` project, or a forced-out or
unaligned one whose own rows are lifted), from that proof, at every level and
without a re-solve; otherwise from the re-solve and a CP-SAT conflict.
"""

from __future__ import annotations

import dataclasses

import numpy as np
from spmo.engine.impossible import impossible
from spmo.engine.model.transforms import forced
from spmo.engine.plan import ExcludedProject, ExplanationSummary, Plan
from spmo.engine.portfolio import Portfolio
from spmo.engine.rows import Family, row_name
from spmo.solvers.base import Result
from spmo.solvers.conflicts import find_conflict

from .counterfactual import Drop, drop_of, lifted, lp_estimates, repairs, run_counterfactuals
from .instance import Instance
from .options import EXACT_LIMIT, Deadline, PlanOptions, solve_options

ALTERNATIVE = {"continue": "out", "stall": "now", "kill": "in"}
EXACT_SECONDS = 3600.0
"""Longest re-solve of `--explain exact` when no time limit bounds the explanations."""
STATIC_CODES = ("forced_out", "unaligned", "no_fit")


def resolved_mode(mode: str, portfolio: Portfolio) -> str:
    """`auto` as exact or estimate by the portfolio's size."""
    if mode == "auto":
        return "exact" if len(portfolio.projects) <= EXACT_LIMIT else "estimate"
    return mode


def explain(plan: Plan, instance: Instance, result: Result, options: PlanOptions,
            deadline: Deadline, progress=None) -> Plan:
    """A copy of the plan with cost_to_include and recommendation values filled in."""
    plan = plan.model_copy(deep=True)
    mode = resolved_mode(options.explain, instance.portfolio)
    only = options.explain_only
    fits = instance.derived.windows["fits"]
    targets = [e for e in plan.excluded if bool(fits[e.project])
               and (only is None or e.project in only)]
    _proven_impossible(instance, targets)
    if mode == "estimate":
        _estimate(plan, instance, result, targets, options, deadline)
        return plan
    proven = [e for e in targets if e.cost_status == "infeasible"]
    targets = [e for e in targets if e.cost_status != "infeasible"]
    tasks = [(e.project, "in") for e in targets] + [
        (r.project, ALTERNATIVE[r.action]) for r in plan.recommendations
        if r.action != "kill" and (only is None or r.project in only)]
    single = _counterfactual_options(instance, options, deadline)
    found = run_counterfactuals(instance.model, tasks, plan.solver, single, result.x,
                                deadline.at, progress)
    drops = {key: drop_of(c, plan.objective, plan.bound) for key, c in found.items()
             if c.status != "skipped"}
    selected = {s.project for s in plan.selected}
    for e in targets:
        drop = drops.get((e.project, "in"))
        chosen = found.get((e.project, "in"))
        _describe_exclusion(e, drop, selected - set(chosen.selected if chosen else ()),
                            plan.objective, instance, deadline, options)
    for r in plan.recommendations:
        drop = drops.get((r.project, ALTERNATIVE[r.action]))
        if drop is not None and drop.infeasible:
            r.reason += " (the alternative has no feasible plan)"
        elif drop is not None and drop.value is not None:
            r.value_delta = drop.value
            r.reason += f" (worth {drop.value:.4g} of objective over the alternative" \
                        f"{'' if drop.exact else ', at most; not proven'})"
    plan.explanations = _summary("exact", tasks, drops, len(proven))
    _note_summary(plan)
    return plan


def _counterfactual_options(instance: Instance, options: PlanOptions, deadline: Deadline):
    """One re-solve's limits: `exact` asked for: what is left of the time limit
    (at most EXACT_SECONDS); `auto`: the work cap, with the time cap as a net."""
    if options.explain == "exact":
        return solve_options(instance.portfolio, options, deadline.cap(EXACT_SECONDS))
    return dataclasses.replace(
        solve_options(instance.portfolio, options, options.caps.counterfactual_s),
        work_limit=options.caps.counterfactual_work)


def _summary(mode: str, tasks: list, drops: dict[tuple[str, str], Drop],
             proven: int = 0) -> ExplanationSummary:
    """`proven`: projects the rows prove no plan contains, exact without a re-solve."""
    exact = sum(1 for d in drops.values() if d.exact or d.infeasible)
    return ExplanationSummary(mode=mode, figures=len(tasks) + proven, exact=exact + proven,
                              bounded=len(drops) - exact, not_computed=len(tasks) - len(drops),
                              stopped_by_time=len(drops) < len(tasks))


def _proven_impossible(instance: Instance, targets: list[ExcludedProject]) -> None:
    """cost_status infeasible, without a solve, where the rows prove it
    (engine.impossible): an infeasible_alone project (its binding rows are the
    proof), and a forced-out or unaligned one whose own rows, lifted as forcing
    it in lifts them, leave no plan (the proof is its forcing_conflict)."""
    static = [e.project for e in targets if e.code in STATIC_CODES]
    proofs = impossible(lifted(instance.model, static), static) if static else {}
    for e in targets:
        if e.code == "infeasible_alone":
            e.cost_status, e.forcing_conflict = "infeasible", list(e.binding)
        elif e.project in proofs:
            e.cost_status, e.forcing_conflict = "infeasible", proofs[e.project]
            e.reason += "; forcing it in has no feasible plan: " + ", ".join(proofs[e.project])


def _note_summary(plan: Plan) -> None:
    """A warning saying which figures are exact, when not all are."""
    s = plan.explanations
    if s is None or s.exact == s.figures:
        return
    plan.warnings.append(
        f"explanations are exact for {s.exact} of {s.figures} figures"
        + (f"; {s.bounded} are intervals or bounds" if s.bounded else "")
        + (f"; {s.not_computed} were not computed within the time limit"
           if s.not_computed else ""))


def _describe_exclusion(e: ExcludedProject, drop: Drop | None, displaced: set[str],
                        objective: float, instance: Instance, deadline: Deadline,
                        options: PlanOptions) -> None:
    """cost_to_include, displaced projects and, when impossible, the conflict."""
    if drop is None:
        e.cost_status = "not_computed"
        e.reason += "; the cost of forcing it in was not computed within the time limit"
        return
    if drop.infeasible:
        e.cost_status = "infeasible"
        own = row_name(Family.WINDOW, e.project)
        seconds = deadline.cap(options.caps.forced_conflict_s)
        conflict = find_conflict(forced(instance.model, e.project, "in"), seconds) \
            if seconds > 0.5 else []
        e.forcing_conflict = [n for n in conflict if n != own]
        e.reason += "; forcing it in has no feasible plan" + (
            ": " + ", ".join(e.forcing_conflict) if e.forcing_conflict else "")
        return
    if drop.value is None:
        e.cost_status = "not_computed"
        e.reason += "; no plan with it was found within the time limit"
        return
    e.cost_to_include = drop.value
    e.cost_low = drop.low
    e.cost_status = "exact" if drop.exact else "interval"
    e.reason += "; " + _cost_words(drop, objective)
    if displaced and drop.value > 0:
        shown = sorted(displaced)
        e.reason += f" and displaces {', '.join(shown[:6])}" + \
            (" and more" if len(shown) > 6 else "")


def _cost_words(drop: Drop, objective: float) -> str:
    """'forcing it in costs 3.2 (exact, 1.4% of the objective)', 'would gain 5
    (exact)', or the interval the re-solves proved, said as a cost or a gain."""
    high, low = drop.value, drop.low
    def share(amount: float) -> str:
        return f", {amount / abs(objective):.1%} of the objective" if objective else ""
    if drop.exact:
        verb = "costs" if high >= 0 else "would gain"
        return f"forcing it in {verb} {abs(high):.4g} (exact{share(abs(high))})"
    unproven = "not proven within the limits"
    if low is None:
        words = f"costs at most {high:.4g}" if high >= 0 else \
            f"would gain at least {-high:.4g}"
        return f"forcing it in {words} ({unproven}; the other end is unknown)"
    if low >= 0:
        return f"forcing it in costs between {low:.4g} and {high:.4g} ({unproven}" \
               f"{share(high)})"
    if high <= 0:
        return f"forcing it in would gain between {-high:.4g} and {-low:.4g} ({unproven}" \
               f"{share(-low)})"
    return f"forcing it in changes the objective by between a gain of {-low:.4g} and a " \
           f"cost of {high:.4g} ({unproven})"


def _estimate(plan: Plan, instance: Instance, result: Result, targets: list[ExcludedProject],
              options: PlanOptions, deadline: Deadline) -> None:
    """Proven intervals of cost_to_include without a solve (planning.counterfactual):
    the lower end from LP (or Lagrangian) prices, the upper end from a quick
    repair of the plan with the project forced in; "at least" where only the
    prices give a figure."""
    estimable = [e.project for e in targets
                 if e.code not in STATIC_CODES and e.cost_status != "infeasible"]
    lifted_ones = tuple(e.project for e in targets
                        if e.code in STATIC_CODES and e.cost_status != "infeasible")
    seconds = deadline.cap(options.caps.estimate_s)
    estimates = {} if seconds <= 0.5 else lp_estimates(
        instance.model, estimable, plan.objective, seconds, result.reduced_costs,
        result.bound if result.reduced_costs is not None else None, lifted_ones)
    placeable = [e.project for e in targets if e.cost_status != "infeasible"]
    repaired = {} if result.x is None else repairs(instance.model, placeable, result.x,
                                                   deadline.at)
    z = plan.objective
    ceiling = z if plan.bound is None else max(plan.bound, z)
    tolerance = 1e-6 * max(1.0, abs(z))  # below it, LP noise: not a bound
    selected = {s.project for s in plan.selected}
    for e in targets:
        if e.cost_status == "infeasible":
            continue
        low = estimates.get(e.project)
        hint = f"exact: spmo explain --project {e.project}"
        repair = repaired.get(e.project)
        if repair is not None and repair.objective is not None:
            if e.code not in STATIC_CODES:  # forcing it in only restricts the model
                low = max(z - ceiling, -np.inf if low is None else low)
            high = ceiling - repair.objective
            drop = Drop(low, high, exact=low is not None and
                        high - low <= 1e-9 * max(1.0, abs(z)))
            _describe_repair(e, drop, selected - set(repair.selected), z, hint)
        elif low is not None and low > tolerance:
            e.cost_to_include, e.cost_low, e.cost_status = low, low, "at_least"
            e.reason += f"; forcing it in costs at least {low:.4g} (LP bound; {hint})"
        else:
            e.cost_status = "not_estimated"
            e.reason += f"; the cost of forcing it in is not estimated ({hint})"
    plan.explanations = ExplanationSummary(
        mode="estimate", figures=len(targets),
        exact=sum(1 for e in targets if e.cost_status in ("infeasible", "exact")),
        bounded=sum(1 for e in targets if e.cost_status in ("at_least", "interval")),
        not_computed=sum(1 for e in targets if e.cost_status == "not_estimated"),
        stopped_by_time=seconds <= 0.5 or len(repaired) < len(placeable))


def _describe_repair(e: ExcludedProject, drop: Drop, displaced: set[str], objective: float,
                     hint: str) -> None:
    """cost_to_include as the interval an estimate proves, with the projects the
    repaired plan leaves out."""
    e.cost_to_include, e.cost_low = drop.high, drop.low
    e.cost_status = "exact" if drop.exact else "interval"
    e.reason += "; " + _cost_words(drop, objective).replace(
        "not proven within the limits", "from a repaired plan and the plan's bound")
    if displaced and drop.high > 0:
        shown = sorted(displaced)
        e.reason += f" and displaces {', '.join(shown[:6])}" + \
            (" and more" if len(shown) > 6 else "")
    if not drop.exact:
        e.reason += f" ({hint})"
