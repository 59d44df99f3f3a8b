"""build(portfolio) -> LinearModel: every constraint family, in one place."""

from __future__ import annotations

from ..derive import Derived, derive
from ..portfolio import Portfolio
from .curve import add_value_curves
from .funding import add_funding
from .linear import LinearModel, ModelBuilder
from .logic import (
    add_alignment_rule,
    add_dependencies,
    add_group_limits,
    add_mandatory_and_force,
    add_start_choice,
    add_synergy_links,
)
from .money import add_balance_shares, add_budget_limits
from .objective import set_objective
from .people import add_skill_capacity
from .risk import add_risk_appetite
from .robust import add_robust
from .scope import add_scope_limits
from .variables import make_context

FAMILIES = (add_start_choice, add_mandatory_and_force, add_alignment_rule, add_budget_limits,
            add_skill_capacity, add_dependencies, add_group_limits, add_synergy_links,
            add_balance_shares, add_risk_appetite, add_scope_limits,
            add_value_curves, add_funding, add_robust)


def build(portfolio: Portfolio, derived: Derived | None = None) -> LinearModel:
    """The solver-neutral MILP of a validated portfolio."""
    derived = derived or derive(portfolio)
    builder = ModelBuilder()
    ctx = make_context(portfolio, derived, builder)
    for add_family in FAMILIES:
        add_family(ctx)
    set_objective(ctx)
    return builder.finish(ctx.starts, ctx.extra, ctx.pairs, ctx.shares, ctx.funding)
