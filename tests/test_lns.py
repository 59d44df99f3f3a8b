"""Large-neighbourhood search: every plan it keeps passes the independent check,
it never loses value, and with every project free it reaches the optimum."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from spmo.engine.check import check
from spmo.engine.derive import derive
from spmo.engine.errors import InvalidPortfolio
from spmo.engine.model.build import build
from spmo.engine.model.decode import assignment_of
from spmo.engine.synthetic.generate import generate_portfolio
from spmo.solvers.base import SolveOptions
from spmo.solvers.large import lns
from spmo.solvers.large.greedy import greedy_plan
from spmo.solvers.large.lagrange import lagrangian
from spmo.solvers.registry import pick

from .conftest import portfolio_of, solve_checked
from .strategies import portfolio_docs

TOL = 1e-6


def _checked(portfolio, model, x) -> None:
    report = check(portfolio, derive(portfolio), assignment_of(portfolio, model, x))
    assert report.ok, report.violations


@pytest.mark.parametrize("seed", [3, 8])
def test_small_neighbourhoods_keep_the_plan_feasible_and_never_lose(monkeypatch, seed):
    """Neighbourhoods of a few projects (the rest fixed, their use of every
    budget, capacity and logic row moved to the bounds) on a portfolio with
    every table: each kept plan is checked-feasible and at least as good."""
    monkeypatch.setattr(lns, "FIRST_SIZE", 6)
    portfolio = portfolio_of(generate_portfolio(120, 8, seed, skills=5))
    model = build(portfolio)
    start = greedy_plan(model)
    assert start is not None
    out = lns.improve(model, start, 3.0, seed=seed)
    assert out.rounds > 1
    assert out.objective >= float(model.c @ start) - TOL
    assert out.objective == pytest.approx(float(model.c @ out.x))
    _checked(portfolio, model, out.x)
    assert out.objective <= lagrangian(model, 1.0).bound + TOL  # an upper bound on any plan


def test_with_every_project_free_the_search_is_the_exact_solve(monkeypatch):
    """What is tested is the logic, not the machine's speed: each sub-solve
    gets long enough to prove its sub-model on a busy machine too."""
    monkeypatch.setattr(lns, "SUB_SECONDS", 60.0)
    portfolio = portfolio_of(generate_portfolio(40, 6, 5, skills=4))
    model = build(portfolio)
    start = greedy_plan(model)
    exact = pick("highs", model).solve(model, SolveOptions(time_limit_s=60))
    assert exact.status.value == "optimal"
    out = lns.improve(model, start, 30.0)
    assert out.rounds == 1  # the whole model was free and proven: the search stops
    assert out.objective == pytest.approx(exact.objective, abs=TOL)
    _checked(portfolio, model, out.x)


def test_the_lagrange_backend_ends_with_the_search(monkeypatch):
    """On a model small enough to free entirely, the Lagrangian backend's plan
    is the proven optimum (sub-solves long enough for a busy machine)."""
    monkeypatch.setattr(lns, "SUB_SECONDS", 60.0)
    portfolio = portfolio_of(generate_portfolio(50, 6, 2, skills=4))
    exact = solve_checked(portfolio, solver="highs", time_limit_s=60)
    heuristic = solve_checked(portfolio, solver="lagrange", time_limit_s=120)
    assert exact.status == "optimal"
    assert heuristic.objective == pytest.approx(exact.objective, abs=TOL)
    assert any("neighbourhood re-solves" in w for w in heuristic.warnings)


@settings(deadline=None, derandomize=True, database=None, max_examples=15,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(portfolio_docs())
def test_neighbourhoods_keep_random_portfolios_feasible(doc):
    try:
        portfolio = portfolio_of(doc)
    except InvalidPortfolio:
        assume(False)
    model = build(portfolio)
    start = greedy_plan(model)
    assume(start is not None)
    import spmo.solvers.large.lns as module

    saved = module.FIRST_SIZE
    module.FIRST_SIZE = 2
    try:
        out = lns.improve(model, start, 0.6, seed=1)
    finally:
        module.FIRST_SIZE = saved
    assert out.objective >= float(model.c @ start) - TOL
    assert np.all(out.x >= model.lb - TOL) and np.all(out.x <= model.ub + TOL)
    _checked(portfolio, model, out.x)


def _hoods(model, reduced, seed=0):
    from scipy.sparse import csc_matrix

    matrix = csc_matrix((model.a_val, (model.a_row, model.a_col)),
                        shape=(model.n_rows, model.n_vars))
    return lns._Neighbourhoods(model, reduced, seed, matrix), matrix


def test_blocked_neighbourhood_frees_wanted_projects_and_their_capacity_neighbours():
    """Seeds: projects with positive Lagrangian margin that the plan leaves out;
    the rest: placed projects sharing a capacity row with a seed's start."""
    model = build(portfolio_of(generate_portfolio(200, 8, 3, skills=4)))
    priced = lagrangian(model, 2.0)
    x = greedy_plan(model)  # the plain greedy leaves out some projects the prices want
    hoods, matrix = _hoods(model, priced.reduced)
    n = len(model.starts)
    placed = np.zeros(hoods.n_projects, dtype=bool)
    placed[hoods.codes[x[:n] > 0.5]] = True
    wanted_out = set(np.flatnonzero((hoods.signed > 0) & ~placed))
    assert wanted_out, "the test needs a plan that leaves a wanted project out"
    capacity = model.row_family == "capacity"
    for round_ in range(5):
        chosen = hoods.blocked(40, x)
        assert 0 < len(chosen) <= 40 and len(set(chosen)) == len(chosen)
        seeds = [p for p in chosen if p in wanted_out]
        assert seeds, round_
        rows = {int(r) for j in hoods.columns(np.array(seeds))
                for r in matrix[:, [j]].nonzero()[0] if capacity[r]}
        for p in set(chosen) - set(seeds):
            assert placed[p]
            own = hoods.columns(np.array([p]))
            on = own[x[own] > 0.5]
            touched = {int(r) for r in matrix[:, on].nonzero()[0]}
            assert touched & rows, p


def test_blocked_neighbourhood_falls_back_to_smallest_margins_when_nothing_wanted_is_out():
    model = build(portfolio_of(generate_portfolio(200, 8, 3, skills=4)))
    hoods, _ = _hoods(model, -np.ones(model.n_vars))  # every margin negative
    chosen = hoods.blocked(40, greedy_plan(model))
    same_seed, _ = _hoods(model, -np.ones(model.n_vars))
    assert sorted(chosen) == sorted(same_seed.pick(40))  # exactly the fallback's draw
