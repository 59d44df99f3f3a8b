"""The Lagrangian backend for large models: its bound is a true upper bound on
the proven optimum, its plan is feasible (the independent checker accepts it)
and no better than the optimum, and `auto` sends only large models to it."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from spmo.engine.errors import InvalidPortfolio
from spmo.engine.model.build import build
from spmo.engine.synthetic.generate import generate_portfolio
from spmo.solvers import registry
from spmo.solvers.base import SolveOptions, Status
from spmo.solvers.large.lagrange import _Relaxation, lagrangian
from spmo.solvers.registry import pick

from .conftest import portfolio_of, solve_checked
from .strategies import portfolio_docs

TOL = 1e-6


@settings(deadline=None, derandomize=True, database=None, max_examples=25,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(portfolio_docs())
def test_bound_and_plan_bracket_the_optimum_on_random_portfolios(doc):
    try:
        portfolio = portfolio_of(doc)
    except InvalidPortfolio:
        assume(False)
    exact = solve_checked(portfolio, solver="highs")
    assume(exact.status == "optimal")
    slack = TOL * max(1.0, abs(exact.objective))
    bound = lagrangian(build(portfolio), 1.0).bound
    assert bound is not None and bound >= exact.objective - slack
    heuristic = solve_checked(portfolio, solver="lagrange", time_limit_s=2)
    assert heuristic.status in ("optimal", "feasible", "no_solution")  # a heuristic may miss
    if heuristic.objective is not None:  # checked by solve_checked
        assert heuristic.objective <= exact.objective + slack
        assert heuristic.bound >= exact.objective - slack


@pytest.mark.parametrize("seed", [3, 4])
def test_every_price_vector_bounds_the_optimum(seed):
    """Weak duality holds at any multipliers of the right signs, not only the best."""
    portfolio = portfolio_of(generate_portfolio(40, 6, seed, skills=4))
    model = build(portfolio)
    optimum = pick("highs", model).solve(model, SolveOptions(time_limit_s=30)).objective
    relax = _Relaxation(model)
    rng = np.random.default_rng(seed)
    for _ in range(20):
        prices = rng.normal(0, 1e-3, len(relax.rows))
        # the signs the rows allow: >= 0 without a lower side, <= 0 without an upper
        prices = np.where(np.isfinite(relax.lo), prices, np.maximum(prices, 0.0))
        prices = np.where(np.isfinite(relax.hi), prices, np.minimum(prices, 0.0))
        assert relax.evaluate(prices)[0] >= optimum - TOL * max(1.0, abs(optimum))


def test_a_generated_portfolio_gets_a_plan_near_its_bound():
    portfolio = portfolio_of(generate_portfolio(300, 8, 11, skills=6))
    model = build(portfolio)
    result = lagrangian(model, 5.0)
    optimum = pick("highs", model).solve(model, SolveOptions(time_limit_s=20))  # best found
    assert result.x is not None and result.bound >= optimum.objective - TOL
    assert result.objective >= 0.9 * optimum.objective, (result.objective, optimum.objective)


def test_auto_sends_only_large_models_to_lagrange(monkeypatch):
    model = build(portfolio_of(generate_portfolio(30, 6, 2, skills=4)))
    assert pick("auto", model).name == "highs"
    monkeypatch.setattr(registry, "LARGE_NONZEROS", len(model.a_val) - 1)
    assert pick("auto", model).name == "lagrange"
    result = pick("auto", model).solve(model, SolveOptions(time_limit_s=1))
    assert result.status in (Status.FEASIBLE, Status.OPTIMAL) and result.bound is not None


def test_estimates_fall_back_to_lagrangian_prices(monkeypatch):
    """A model too large for the LP gets its cost_to_include estimates from
    Lagrangian reduced costs: one non-negative figure per project asked."""
    from spmo.planning import counterfactual

    portfolio = portfolio_of(generate_portfolio(40, 6, 5, skills=4))
    model = build(portfolio)
    base = solve_checked(portfolio, solver="highs")
    projects = sorted(set(model.starts["project"]))
    from_lp = counterfactual.lp_estimates(model, projects, base.objective, seconds=10)
    monkeypatch.setattr(counterfactual, "LARGE_NONZEROS", 0)
    from_prices = counterfactual.lp_estimates(model, projects, base.objective, seconds=1)
    assert set(from_prices) == set(from_lp) == set(projects)
    assert all(np.isfinite(v) for v in from_prices.values())


def test_plan_warm_starts_larger_models_from_the_lagrangian_plan(monkeypatch):
    """Above WARM_START_NONZEROS the solver's hint is the priced plan (never worse
    than the greedy) and the whole solve keeps to the time limit; the optimum
    is unchanged."""
    from spmo.solvers import strategy as run
    from spmo.solvers.base import SolveOptions as Options
    from spmo.solvers.large.greedy import greedy_plan

    portfolio = portfolio_of(generate_portfolio(60, 6, 9, skills=4))
    model = build(portfolio)
    cold = solve_checked(portfolio, solver="highs")
    monkeypatch.setattr(run, "WARM_START_NONZEROS", 0)
    first, options = run.first_plan(model, pick("highs", model), Options(time_limit_s=10))
    assert options.hint is first and options.time_limit_s <= 10
    assert model.c @ first >= model.c @ greedy_plan(model) - TOL
    warm = solve_checked(portfolio, solver="highs")
    assert warm.status == cold.status == "optimal"
    assert abs(warm.objective - cold.objective) <= TOL * max(1.0, abs(cold.objective))


def test_estimates_reuse_the_backends_reduced_costs():
    """The Lagrangian backend hands its reduced costs to the estimates: the same
    figures as recomputing them, without a second pricing run."""
    from spmo.planning import counterfactual

    model = build(portfolio_of(generate_portfolio(40, 6, 5, skills=4)))
    result = pick("lagrange", model).solve(model, SolveOptions(time_limit_s=1))
    assert result.reduced_costs is not None and len(result.reduced_costs) == model.n_vars
    projects = sorted(set(model.starts["project"]))
    given = counterfactual.lp_estimates(model, projects, result.objective, 1.0,
                                        reduced=result.reduced_costs, lp_bound=result.bound)
    drop = np.maximum(0.0, -result.reduced_costs[: len(model.starts)])
    want = model.starts.assign(drop=drop).groupby("project")["drop"].min()
    slack = result.bound - result.objective
    assert given == {p: float(want[p]) - slack for p in projects}


def test_small_models_give_the_solver_no_greedy_hint():
    """Below WARM_START_NONZEROS the solver searches cold (a bare greedy hint
    steered HiGHS to worse plans on GK) and the greedy plan is kept only as
    the answer of last resort."""
    from spmo.solvers import strategy as run
    from spmo.solvers.base import SolveOptions as Options

    model = build(portfolio_of(generate_portfolio(30, 6, 2, skills=4)))
    assert len(model.a_val) < run.WARM_START_NONZEROS
    first, options = run.first_plan(model, pick("highs", model), Options(time_limit_s=10))
    assert first is not None and options.hint is None
    first, options = run.first_plan(model, pick("lagrange", model), Options(time_limit_s=10))
    assert options.hint is first


def test_reduced_costs_are_at_the_true_values_though_the_prices_are_perturbed():
    """The plan's prices come from perturbed start values, but the reduced costs
    handed on (to the search and to the cost_to_include estimates) and the
    bound are those of the model itself."""
    model = build(portfolio_of(generate_portfolio(80, 6, 4, skills=4)))
    out = lagrangian(model, 2.0, seed=3)
    true = _Relaxation(model)
    assert np.allclose(out.reduced, true.evaluate(out.prices)[2])
    assert out.bound == pytest.approx(true.evaluate(out.prices)[0])
    perturbed = _Relaxation(model, 1e-3, seed=3)
    assert not np.allclose(perturbed.evaluate(out.prices)[2], out.reduced, rtol=0, atol=0)
