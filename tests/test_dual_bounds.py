"""Upper bounds on the forced-in optimum from the LP's prices
(planning.dual_bounds), and the two-sided intervals they give forced-out
and unaligned projects under `--explain estimate`."""

from __future__ import annotations

import numpy as np
from hypothesis import assume, given, settings
from spmo.engine.io import read_portfolio
from spmo.engine.model.build import build
from spmo.engine.model.transforms import forced
from spmo.engine.validate import validate
from spmo.planning.dual_bounds import forced_in_bounds
from spmo.solvers.highs import lp_duals

from .conftest import EXAMPLES, solve_checked
from .strategies import Shape, portfolio_docs
from .test_explain_figures import (
    FAST,
    assert_figures_hold,
    forced_drops,
    proven_optimum,
    valid_or_discard,
)


def example():
    return validate(read_portfolio(EXAMPLES / "northwind.json"))



def test_prices_are_read_with_the_right_signs():
    """r = c - A^T y for the maximised c.x, as forced_in_bounds reads them."""
    model = build(example())
    col_dual, _, row_dual = lp_duals(model, 10.0)
    r, y = -col_dual, -row_dual
    aty = np.bincount(model.a_col, weights=model.a_val * y[model.a_row], minlength=model.n_vars)
    assert np.abs(r - (model.c - aty)).max() < 1e-9


@settings(FAST, max_examples=30)
@given(portfolio_docs(Shape(max_projects=6, max_periods=4)))
def test_bound_is_above_every_forced_optimum(doc):
    """U_p >= OPT_p for every project, forced in as a planner forces it (its
    force and alignment rows lifted), whether the base plan has it or not."""
    model = build(valid_or_discard(doc))
    duals = lp_duals(model, 10.0)
    assume(duals is not None)
    projects = sorted(set(model.starts["project"]))
    bounds = forced_in_bounds(model, projects, -duals[0], -duals[2])
    for p in projects:
        best = proven_optimum(forced(model, p, "in"))
        if best is not None and p in bounds:
            assert best <= bounds[p] + 1e-7 * max(1.0, abs(best)), (p, best, bounds[p])


def test_static_projects_get_two_sided_intervals():
    """The example's forced-out and unaligned projects (forcing them in lifts
    their own rows, so z - U of the base plan is no lower end) get z - U_p
    as theirs: every one is an interval holding its exact drop."""
    portfolio = example()
    plan = solve_checked(portfolio, explain="estimate")
    static = [e for e in plan.excluded if e.code in ("forced_out", "unaligned")
              and e.cost_status != "infeasible"]
    assert len(static) >= 4
    assert all(e.cost_status == "interval" and e.cost_low is not None for e in static), \
        [(e.project, e.cost_status, e.cost_low) for e in static]
    drops = forced_drops(portfolio, [e.project for e in static])
    for e in static:
        assert e.cost_low <= drops[e.project] + 1e-7 <= e.cost_to_include + 2e-7, e.project
    assert_figures_hold(portfolio, plan)
