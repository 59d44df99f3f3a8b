"""The budget frontier never falls as the budgets grow, whatever the solver
returns within its time limit (issue 13 item 8): each level starts from the
best plan below it, a level still worse than a lower one takes that plan,
and an unproven level says so (and is drawn with an open marker)."""

from __future__ import annotations

import random
from itertools import pairwise

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as hst
from spmo.api.charts import frontier_figure
from spmo.engine.errors import InvalidPortfolio
from spmo.engine.rows import Family
from spmo.planning.pipeline import plan
from spmo.scenarios.frontier import frontier, level
from spmo.scenarios.spec import apply
from spmo.solvers import strategy
from spmo.solvers.base import Capability, Result, Status
from spmo.solvers.highs import HighsBackend
from spmo.solvers.large.greedy import greedy_plan

from .conftest import portfolio_of
from .family_helpers import costs, doc
from .strategies import Shape, portfolio_docs

BASE = doc([{"id": "A", "value": 5}, {"id": "B", "value": 4}, {"id": "C", "value": 3}],
           costs=costs("A", 6) + costs("B", 5) + costs("C", 4),
           budgets=[{"period": "T1", "limit": 10}])
PORTFOLIO = portfolio_of(BASE)
"""Optimum by budget: 5 -> 4 (B), 9 -> 7 (B, C), 10 -> 8 (A, C), 11 -> 9 (A, B)."""


def _budget(model) -> float:
    return float(model.row_hi[model.row_family == Family.BUDGET].max())


class SlowAbove:
    """A solver that, from budget `limit` up, stops with the empty plan: a
    worse plan than a lower level's, as a solve cut by its time limit returns.
    `lie`: it calls that plan optimal, with the bound 0."""

    name = "slow"
    capability = Capability(hints=True)

    def __init__(self, limit: float, lie: bool = False) -> None:
        self.limit, self.lie = limit, lie

    def available(self) -> bool:
        return True

    def solve(self, model, options) -> Result:
        if _budget(model) < self.limit - 1e-9:
            return HighsBackend().solve(model, options)
        status = Status.OPTIMAL if self.lie else Status.FEASIBLE
        return Result(status, np.zeros(model.n_vars), 0.0, 0.0 if self.lie else None, 0.01,
                      self.name, [])


@pytest.fixture
def slow(monkeypatch):
    """Install a SlowAbove(10) (a function of `lie`); no greedy first plan, so
    an independent solve keeps the solver's worse plan."""
    def install(lie: bool = False) -> None:
        monkeypatch.setattr(strategy, "pick", lambda name, model: SlowAbove(10, lie))
        monkeypatch.setattr(strategy, "greedy_plan", lambda *args, **kwargs: None)
    return install


@pytest.mark.parametrize("workers", [1, 2])
def test_a_level_never_falls_below_the_plan_of_the_level_below(slow, workers):
    slow()
    alone = plan(apply(PORTFOLIO, level(1.0)), explain="none")
    assert alone.objective == pytest.approx(0.0)  # solved alone, 100 % would fall below 90 %
    result = frontier(PORTFOLIO, [0.5, 0.9, 1.0, 1.1], workers=workers)
    assert [p.objective for p in result.points] == pytest.approx([4, 7, 7, 7])
    assert [p.proven for p in result.points] == [True, True, False, False]
    assert [p.status for p in result.points] == ["optimal", "optimal", "feasible", "feasible"]
    assert [set(p.selected) for p in result.points[1:]] == [{"B", "C"}] * 3
    assert result.points[2].bound is None and result.points[2].gap is None
    assert [p.marginal for p in result.points[2:]] == pytest.approx([0.0, 0.0])


def test_a_level_of_the_same_round_that_claims_a_worse_optimum_takes_the_lower_plan(slow):
    slow(lie=True)
    result = frontier(PORTFOLIO, [0.9, 1.0], workers=2)  # one round: no first plan for 1.0
    low, high = result.points
    assert (low.objective, low.proven, low.plan_of) == (pytest.approx(7), True, None)
    assert high.objective == pytest.approx(7) and high.plan_of == 0.9
    assert (high.status, high.proven, high.bound) == ("feasible", False, None)  # 0 bounds nothing
    drawn = frontier_figure(result, "t").data[0]
    assert list(drawn.marker.symbol) == ["circle", "circle-open"]
    assert "the plan of the 90 % level" in drawn.hovertext[1]


def test_a_higher_levels_bound_bounds_the_levels_below(monkeypatch):
    """The optimum never falls, so a level's bound is at most a higher level's:
    an unproven level whose plan meets the bound of the level above is proven."""
    class NoBoundAt9:
        name, capability = "nobound", Capability(hints=True)

        def available(self) -> bool:
            return True

        def solve(self, model, options) -> Result:
            real = HighsBackend().solve(model, options)
            if abs(_budget(model) - 9.0) > 1e-9:
                return real
            return Result(Status.FEASIBLE, real.x, real.objective, None, 0.01, self.name, [])

    monkeypatch.setattr(strategy, "pick", lambda name, model: NoBoundAt9())
    monkeypatch.setattr(strategy, "greedy_plan", lambda *args, **kwargs: None)
    result = frontier(portfolio_of(doc(
        [{"id": "A", "value": 5}, {"id": "B", "value": 4}],
        costs=costs("A", 6) + costs("B", 5), budgets=[{"period": "T1", "limit": 10}])),
        [0.9, 1.0], workers=1)
    assert [p.objective for p in result.points] == pytest.approx([5, 5])
    assert [(p.status, p.proven) for p in result.points] == [("optimal", True)] * 2
    assert result.points[0].bound == pytest.approx(5)
    assert list(frontier_figure(result, "t").data[0].marker.symbol) == ["circle", "circle"]


def test_plan_starts_from_a_given_first_plan(slow):
    slow()
    scaled = apply(PORTFOLIO, level(1.0))
    kept = plan(scaled, explain="none", first={"B": "T1", "C": "T1"})
    assert kept.status == "feasible" and kept.objective == pytest.approx(7)
    assert {s.project for s in kept.selected} == {"B", "C"}
    too_big = plan(scaled, explain="none", first={"A": "T1", "B": "T1"})  # 11 > 10
    assert too_big.objective == pytest.approx(0.0)
    assert any("first plan is not used: it breaks budget" in w for w in too_big.warnings)
    unknown = plan(scaled, explain="none", first={"A": "T9"})
    assert any("not a start option" in w for w in unknown.warnings)


class Erratic:
    """A solver cut short at random: the real answer, or only the greedy plan
    (feasible, no bound), or no plan at all; seeded by the draw and the level."""

    name, capability = "erratic", Capability(hints=True)

    def __init__(self, seed: int) -> None:
        self.seed = seed

    def available(self) -> bool:
        return True

    def solve(self, model, options) -> Result:
        rng = random.Random(hash((self.seed, round(_budget(model), 6))))
        pick = rng.choice(("real", "greedy", "none"))
        if pick == "real":
            return HighsBackend().solve(model, options)
        x = greedy_plan(model) if pick == "greedy" else None
        if x is None:
            return Result(Status.NO_SOLUTION, None, None, None, 0.01, self.name, [])
        return Result(Status.FEASIBLE, x, float(model.c @ x), None, 0.01, self.name, [])


@settings(deadline=None, derandomize=True, database=None, max_examples=25,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                 HealthCheck.function_scoped_fixture])
@given(portfolio_docs(Shape(max_projects=6, max_periods=4)), hst.integers(0, 10_000),
       hst.sampled_from([1, 3]))
def test_objectives_never_fall_as_the_factor_grows(monkeypatch, doc, seed, workers):
    """With one worker each level starts from the plan below; with three, the
    levels of a round do not, and the monotone pass has to carry plans up."""
    try:
        portfolio = portfolio_of(doc)
    except InvalidPortfolio:
        assume(False)
    assume(not portfolio.table("budgets").empty)
    factors = [0.2, 0.5, 0.8, 1.0, 1.3, 2.0]
    with monkeypatch.context() as patch:
        patch.setattr(strategy, "pick", lambda name, model: Erratic(seed))
        points = frontier(portfolio, factors, workers=workers).points
    objectives = [p.objective for p in points]
    planned = [o is not None for o in objectives]
    assert planned == sorted(planned), objectives  # no plan only below every plan
    found = [o for o in objectives if o is not None]
    assert all(b >= a - 1e-9 * max(1.0, abs(a)) for a, b in pairwise(found)), objectives
    for p in points:
        if p.objective is None:
            continue
        assert p.bound is None or p.bound >= p.objective - 1e-9 * max(1.0, abs(p.objective))
        if p.proven:  # a proven point is the level's optimum
            direct = plan(apply(portfolio, level(p.factor)), solver="highs", explain="none")
            assert p.objective == pytest.approx(direct.objective, rel=1e-6, abs=1e-9)


class Counting(HighsBackend):
    """HiGHS that counts its solves by the budget they saw (the one per-process
    count a `workers=1` frontier keeps)."""

    def __init__(self, seen: list) -> None:
        self.seen = seen

    def solve(self, model, options) -> Result:
        self.seen.append(round(_budget(model), 6))
        return super().solve(model, options)


def test_the_highest_levels_proven_plan_settles_the_levels_whose_limits_it_keeps(monkeypatch):
    """All three projects cost 15 and the budget is 10: from 150 % on every
    level's optimum is A, B and C. The 200 % level's plan keeps 150 % and
    175 % too, so those two are its optimum without a solve; 140 % is not."""
    seen: list = []
    monkeypatch.setattr(strategy, "pick", lambda name, model: Counting(seen))
    factors = [0.5, 1.4, 1.5, 1.75, 2.0]
    result = frontier(PORTFOLIO, factors, workers=1)
    assert seen == pytest.approx([20.0, 5.0, 14.0])  # the highest first, then ascending
    by = {p.factor: p for p in result.points}
    assert [(by[f].plan_of, by[f].proven) for f in (1.5, 1.75)] == [(2.0, True)] * 2
    assert (by[1.4].plan_of, by[1.4].proven) == (None, True)
    for p in result.points:
        direct = plan(apply(PORTFOLIO, level(p.factor)), solver="highs", explain="none")
        assert p.objective == pytest.approx(direct.objective)
        assert set(p.selected) == {s.project for s in direct.selected}
    assert [p.budget for p in result.points] == pytest.approx([5, 14, 15, 17.5, 20])


def test_an_unproven_highest_level_settles_nothing(slow):
    """SlowAbove(10) leaves every level from budget 10 up unproven: nothing is
    settled from above, each level below 10 is solved, the 100 % level keeps
    the 90 % plan it started from, and the 150 % level, solved first with no
    plan to start from, takes it in the monotone pass."""
    slow()
    result = frontier(PORTFOLIO, [0.5, 0.9, 1.0, 1.5], workers=1)
    assert [p.plan_of for p in result.points] == [None, None, None, 0.9]
    assert [p.objective for p in result.points] == pytest.approx([4, 7, 7, 7])
    assert [p.proven for p in result.points] == [True, True, False, False]


def test_levels_between_a_proven_level_and_a_bound_it_reaches_are_settled(monkeypatch):
    """A and B cost 6 and 5 with a group that allows one of them: from budget 6 up
    the optimum is 5 (A). With the highest level's plan kept from settling the
    levels below (its spend made to look too high), the 60 % level is solved and
    proven at 5, which meets the top's bound: 70 %, 80 %, 90 % take its plan
    without a solve, and each equals a direct solve."""
    from spmo.scenarios import frontier as module

    seen: list = []
    monkeypatch.setattr(strategy, "pick", lambda name, model: Counting(seen))
    monkeypatch.setattr(module, "_settled_below", lambda *args: {})
    document = doc([{"id": "A", "value": 5}, {"id": "B", "value": 4}],
                   costs=costs("A", 6) + costs("B", 5), budgets=[{"period": "T1", "limit": 10}],
                   groups=[{"group": "G", "project": "A"}, {"group": "G", "project": "B"}],
                   group_limits=[{"group": "G", "max": 1}])
    portfolio = portfolio_of(document)
    factors = [0.5, 0.6, 0.7, 0.8, 0.9, 1.0]
    result = frontier(portfolio, factors, workers=1)
    assert seen == pytest.approx([10.0, 5.0, 6.0])  # the top, then 50 % and 60 %
    by = {p.factor: p for p in result.points}
    assert [(by[f].plan_of, by[f].proven) for f in (0.7, 0.8, 0.9)] == [(0.6, True)] * 3
    assert [p.budget for p in result.points] == pytest.approx([5, 6, 7, 8, 9, 10])
    for p in result.points:
        direct = plan(apply(portfolio, level(p.factor)), solver="highs", explain="none")
        assert p.objective == pytest.approx(direct.objective)
