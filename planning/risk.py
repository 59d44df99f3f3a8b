"""The trade a robust plan makes (settings.objective_risk cvar or chance).

After the robust plan is found, the same portfolio is solved for the
expected objective (objective_risk = expected), and both plans are
evaluated by the independent checker over the same samples
(engine.uncertainty.risk_outcomes): their expected objectives, and the tail
measure (the CVaR at cvar_level, or the share of samples reaching the
target). `gave_up` is the expected objective the robust plan gives up,
`gained` the tail measure it gains; the sentence says both.
"""

from __future__ import annotations

import dataclasses

import numpy as np
from spmo.engine.check import Assignment, check
from spmo.engine.plan import Plan, RiskSummary
from spmo.engine.portfolio import Portfolio
from spmo.engine.uncertainty import cvar, risk_outcomes

from .instance import Instance


def with_setting(portfolio: Portfolio, **values) -> Portfolio:
    """The portfolio with some settings replaced (the model is rebuilt from it)."""
    return dataclasses.replace(portfolio, settings=portfolio.settings.model_copy(update=values))


def measures(instance: Instance, plan: Plan) -> tuple[float, float]:
    """(expected objective, tail measure) of a plan over the settings' samples."""
    portfolio = instance.portfolio
    expected = with_setting(portfolio, objective_risk="expected")
    assignment = Assignment.of_plan(portfolio, plan)
    verdict = check(expected, instance.derived, assignment)
    starts = assignment.starts
    values = sum(s.value for s in plan.selected)
    outcomes = risk_outcomes(portfolio, instance.derived, starts, verdict.kpis[
        "strategic_score"], verdict.kpis["financial_value"], values)
    s = portfolio.settings
    tail = cvar(outcomes, s.cvar_level) if s.objective_risk == "cvar" else \
        float(np.mean(outcomes >= s.target - 1e-6 * max(1.0, abs(s.target))))
    return verdict.objective, tail


def risk_summary(instance: Instance, plan: Plan, expected_plan: Plan | None) -> RiskSummary:
    """The robust plan against the expected-value plan (module docstring)."""
    s = instance.portfolio.settings
    expected, tail = measures(instance, plan)
    summary = RiskSummary(measure=s.objective_risk, level=s.cvar_level,
                          samples=s.risk_samples, target=s.target, expected=expected,
                          tail=tail)
    if expected_plan is None or expected_plan.objective is None:
        summary.sentence = "the expected-value plan was not found to compare with"
        return summary
    other_expected, other_tail = measures(instance, expected_plan)
    summary.expected_plan_expected, summary.expected_plan_tail = other_expected, other_tail
    summary.expected_plan_status = expected_plan.status
    summary.gave_up, summary.gained = other_expected - expected, tail - other_tail
    tail_words = f"the CVaR at {s.cvar_level:g} (mean of the worst {s.cvar_level:.0%} of " \
        f"{s.risk_samples} samples)" if s.objective_risk == "cvar" else \
        f"the share of {s.risk_samples} samples reaching {s.target:g}"
    proof = "" if expected_plan.status == "optimal" else \
        " (the expected-value plan is not proven optimal)"
    summary.sentence = (f"against the expected-value plan{proof}, this plan gives up "
                        f"{summary.gave_up:.4g} of expected objective ({other_expected:.4g} "
                        f"-> {expected:.4g}) and gains {summary.gained:.4g} in {tail_words} "
                        f"({other_tail:.4g} -> {tail:.4g})")
    return summary
