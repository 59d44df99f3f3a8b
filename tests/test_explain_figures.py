"""Explanations' codes and figures, held to independent solves.

- The code of an excluded project is the same at every explanation level
  (none, estimate, exact): forced_out, unaligned and no_fit stay, and that
  forcing such a project in is infeasible goes in cost_status / forcing_conflict.
- cost_to_include is not clamped at 0: forcing in a project kept out by its own
  force or alignment row may gain (a negative drop, "would gain").
- exact figures equal OPT - OPT_p from independent HiGHS solves of the model
  and of the forced model (engine.model.transforms.forced); an interval
  [cost_low, cost_to_include] contains that drop; an estimate is a proven lower
  bound ("at least"), never "about".
"""

from __future__ import annotations

import contextlib
import copy
from unittest import mock

import pytest
from hypothesis import HealthCheck, assume, given, settings
from spmo.engine.errors import InvalidPortfolio
from spmo.engine.model.build import build
from spmo.engine.model.transforms import forced
from spmo.solvers.base import SolveOptions, Status
from spmo.solvers.highs import HighsBackend

from .conftest import portfolio_of, solve_checked
from .strategies import Shape, portfolio_docs
from .test_explain import CODE_FIXTURES

FAST = settings(deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.filter_too_much])
LEVELS = ("none", "estimate", "exact")
P = [{"id": "Q1"}, {"id": "Q2"}]


def valid_or_discard(doc: dict):
    """The portfolio of a drawn document; hypothesis discards an invalid one."""
    try:
        return portfolio_of(doc)
    except InvalidPortfolio:
        assume(False)


def proven_optimum(model) -> float | None:
    """OPT of a model by HiGHS, proven (None when infeasible)."""
    result = HighsBackend().solve(model, SolveOptions(time_limit_s=60, workers=1))
    if result.status == Status.INFEASIBLE:
        return None
    assert result.status == Status.OPTIMAL, result.status
    return float(model.c @ result.x)


def forced_drops(portfolio, projects) -> dict[str, float | None]:
    """OPT - OPT_p for each project (None: no plan contains it), solved here."""
    model = build(portfolio)
    base = proven_optimum(model)
    out = {}
    for p in projects:
        other = proven_optimum(forced(model, p, "in"))
        out[p] = None if other is None else base - other
    return out


def _close(a: float, b: float, scale: float) -> bool:
    return abs(a - b) <= 1e-6 * max(1.0, abs(scale))


def codes(plan) -> dict[str, str]:
    return {e.project: e.code for e in plan.excluded}


@pytest.mark.parametrize("name", sorted(CODE_FIXTURES))
def test_codes_do_not_depend_on_the_level(name):
    plans = {level: solve_checked(CODE_FIXTURES[name], explain=level) for level in LEVELS}
    assert codes(plans["none"])["X"] == name
    assert codes(plans["none"]) == codes(plans["estimate"]) == codes(plans["exact"])
    assert [e.binding for e in plans["none"].excluded] == \
        [e.binding for e in plans["exact"].excluded]


def _clash(project: dict) -> dict:
    """M is mandatory and excludes X, so no plan contains X."""
    return {"periods": P, "projects": [{"id": "M", "value": 1, "status": "mandatory"},
                                       {"id": "A", "value": 2}, project],
            "objectives": [{"id": "o"}],
            "alignment": [{"project": p, "objective": "o", "score": 1}
                          for p in ("M", "A", "X") if p != "X" or project.get("force")],
            "dependencies": [{"project": "M", "kind": "excludes", "other": "X"}],
            "settings": {"objective": "financial"}}


@pytest.mark.parametrize("static", ["forced_out", "unaligned"])
def test_static_code_stays_when_forcing_in_is_infeasible(static):
    """The old explanations turned these into infeasible_alone under exact."""
    x = {"id": "X", "value": 5, **({"force": "out"} if static == "forced_out" else {})}
    document = _clash(x)
    for level in LEVELS:
        e = next(e for e in solve_checked(document, explain=level).excluded if e.project == "X")
        assert e.code == static, level
        if level != "none":
            assert e.cost_status == "infeasible", level
    assert set(e.forcing_conflict) == {"mandatory[M]", "excludes[M,X]"}
    assert "forcing it in has no feasible plan" in e.reason
    assert e.cost_to_include is None


@settings(FAST, max_examples=25)
@given(portfolio_docs(Shape(max_projects=6, max_periods=4)))
def test_codes_do_not_depend_on_the_level_random(doc):
    portfolio = valid_or_discard(doc)
    plans = {level: solve_checked(portfolio, solver="highs", explain=level)
             for level in LEVELS}
    assume(plans["none"].objective is not None)
    assert codes(plans["none"]) == codes(plans["estimate"]) == codes(plans["exact"])


@pytest.mark.parametrize("static", ["forced_out", "unaligned"])
def test_forcing_in_may_gain(static):
    """X (value 5) is kept out by its own row; forcing it in lifts that row and
    gains 5: cost_to_include is -5 and the sentence says so (it was clamped at 0)."""
    x = {"id": "X", "value": 5, **({"force": "out"} if static == "forced_out" else {})}
    document = {"periods": P, "projects": [{"id": "A", "value": 2}, x],
                "objectives": [{"id": "o"}],
                "alignment": [{"project": "A", "objective": "o", "score": 1}]
                + ([{"project": "X", "objective": "o", "score": 1}]
                   if static == "forced_out" else []),
                "settings": {"objective": "financial"}}
    plan = solve_checked(document, explain="exact")
    e = next(e for e in plan.excluded if e.project == "X")
    assert e.code == static
    assert (e.cost_status, e.cost_to_include) == ("exact", pytest.approx(-5.0))
    assert "forcing it in would gain 5 (exact" in e.reason
    assert forced_drops(portfolio_of(document), ["X"])["X"] == pytest.approx(-5.0)


def assert_figures_hold(portfolio, plan) -> None:
    """Every exact figure equals the independent drop; every interval holds it;
    every at_least is at most it; an infeasible one has no forced plan."""
    figures = [e for e in plan.excluded if e.cost_status in
               ("exact", "interval", "at_least", "infeasible")]
    drops = forced_drops(portfolio, [e.project for e in figures])
    scale = plan.objective
    for e in figures:
        drop = drops[e.project]
        if e.cost_status == "infeasible":
            assert drop is None, (e.project, drop)
            continue
        if e.cost_status == "at_least" and drop is None:
            continue  # no forced plan: the drop is unbounded, at least anything
        assert drop is not None, (e.project, e.cost_status)
        if e.cost_status == "exact":
            assert _close(e.cost_to_include, drop, scale), (e.project, e.cost_to_include, drop)
        elif e.cost_status == "interval":
            assert e.cost_low is None or e.cost_low <= drop + 1e-6 * max(1, abs(scale))
            assert drop <= e.cost_to_include + 1e-6 * max(1, abs(scale)), e.project
        else:
            assert e.cost_to_include <= drop + 1e-6 * max(1, abs(scale)), \
                (e.project, e.cost_to_include, drop)
            assert e.cost_to_include > 0 and "at least" in e.reason
    for e in plan.excluded:
        assert "about" not in e.reason, e.reason
    for e in plan.excluded:
        if e.code == "infeasible_alone":
            assert drops.get(e.project, None) is None


@settings(FAST, max_examples=40)
@given(portfolio_docs(Shape(max_projects=7, max_periods=4)))
def test_exact_figures_equal_forced_solves(doc):
    portfolio = valid_or_discard(doc)
    plan = solve_checked(portfolio, solver="highs", explain="exact")
    assume(plan.objective is not None)
    assert plan.status == "optimal"
    assert_figures_hold(portfolio, plan)
    assert plan.explanations.exact == plan.explanations.figures


@pytest.mark.parametrize("prices", ["lp", "lagrange"])
@settings(FAST, max_examples=30)
@given(doc=portfolio_docs(Shape(max_projects=7, max_periods=4)))
def test_estimates_hold_the_exact_drop(doc, prices):
    """Lower ends from the LP's duals, and from Lagrangian prices (what
    portfolios too large for the LP get); upper ends from repaired plans: the
    drop of proven forced solves lies in every interval, and at or above every
    "at least"."""
    portfolio = valid_or_discard(doc)
    no_lp = mock.patch("spmo.planning.counterfactual.lp_duals", lambda model, seconds: None)
    with no_lp if prices == "lagrange" else contextlib.nullcontext():
        plan = solve_checked(portfolio, solver="highs", explain="estimate")
    assume(plan.objective is not None)
    assert {e.cost_status for e in plan.excluded} <= \
        {None, "at_least", "interval", "exact", "not_estimated", "infeasible"}
    assert_figures_hold(portfolio, plan)


def test_estimates_are_intervals_with_the_displaced_projects():
    """Every project the repair places gets an interval whose upper end is a
    plan with it: the knapsack's plan with the project forced in, built from
    the plan; the sentence names what it displaces."""
    portfolio = portfolio_of(knapsack())
    plan = solve_checked(portfolio, solver="highs", explain="estimate")
    intervals = [e for e in plan.excluded if e.cost_status == "interval"]
    assert len(intervals) == len(plan.excluded) > 5
    assert all(e.cost_low is not None and e.cost_low <= e.cost_to_include for e in intervals)
    assert any("displaces" in e.reason for e in intervals)
    assert plan.explanations.bounded == len(intervals)
    assert_figures_hold(portfolio, plan)


def knapsack(n: int = 36, seed: int = 3) -> dict:
    """A knapsack of n projects with two budgets: hard enough that a gap of 20 %
    leaves figures open."""
    import random

    rng = random.Random(seed)
    projects = [{"id": f"K{i:02d}", "value": rng.randint(10, 60)} for i in range(n)]
    costs = [{"project": p["id"], "offset": 0, "amount": rng.randint(5, 40),
              "pool": pool} for p in projects for pool in ("capex", "opex")]
    return {"periods": [{"id": "Y1"}], "projects": projects, "costs": costs,
            "budgets": [{"pool": "capex", "limit": 240}, {"pool": "opex", "limit": 260}]}


def test_intervals_hold_the_exact_drop():
    """With a relative gap of 20 % neither the plan nor the re-solves need be
    proven: each figure is an interval [cost_low, cost_to_include] (or exact),
    and the drop from proven solves lies inside it."""
    portfolio = portfolio_of(knapsack())
    plan = solve_checked(portfolio, solver="highs", explain="exact", relative_gap=0.2)
    statuses = [e.cost_status for e in plan.excluded]
    assert "interval" in statuses, statuses
    assert_figures_hold(portfolio, plan)
    s = plan.explanations
    assert s.exact + s.bounded + s.not_computed == s.figures
    assert s.bounded == statuses.count("interval")


def test_estimates_from_the_lagrange_backend():
    """The lagrange backend's own prices and bound give the estimates (no LP)."""
    portfolio = portfolio_of(knapsack())
    with mock.patch("spmo.planning.counterfactual.lp_duals",
                    side_effect=AssertionError("the backend's prices are reused")):
        plan = solve_checked(portfolio, solver="lagrange", explain="estimate")
    assert sum(e.cost_status in ("at_least", "interval") for e in plan.excluded) >= 5
    assert_figures_hold(portfolio, plan)


@pytest.mark.parametrize("low, high, words", [
    (2.0, 2.0, "forcing it in costs 2 (exact, 20.0% of the objective)"),
    (-3.0, -3.0, "forcing it in would gain 3 (exact, 30.0% of the objective)"),
    (1.0, 4.0, "forcing it in costs between 1 and 4 (not proven"),
    (-6.0, -2.0, "forcing it in would gain between 2 and 6 (not proven"),
    (-1.0, 3.0, "between a gain of 1 and a cost of 3"),
    (None, -2.0, "forcing it in would gain at least 2 (not proven"),
    (None, 2.0, "forcing it in costs at most 2 (not proven"),
])
def test_cost_sentences_say_cost_or_gain(low, high, words):
    """An interval of negative drops is a gain of at least |high| (it said "would
    gain at most")."""
    from spmo.planning.counterfactual import Drop
    from spmo.planning.explain import _cost_words

    drop = Drop(low, high, exact=low == high)
    assert words in _cost_words(drop, 10.0)


def test_sentences_are_deterministic():
    """The same input gives the same sentences (no timings in them)."""
    document = copy.deepcopy(knapsack(14))
    first = solve_checked(document, solver="highs", explain="exact")
    second = solve_checked(document, solver="highs", explain="exact")
    assert [e.reason for e in first.excluded] == [e.reason for e in second.excluded]
