"""Warm starts. A scenario re-solve warm-started from the base plan (PlanOptions.warm):
the base plan's starts are kept where they still fit (the greedy's repair),
and that repair is the solve's first plan: the answer is checked, never
worse than the repair, and the same as a cold solve's where both are proven.
And the Lagrangian bound of a large model's warm start, kept where the
branch and bound stopped with a looser one (solvers.strategy.with_bound)."""

from __future__ import annotations

import numpy as np
import pytest
from spmo.planning.first import repaired_x
from spmo.planning.instance import Instance
from spmo.planning.pipeline import plan
from spmo.scenarios.frontier import level
from spmo.scenarios.spec import apply
from spmo.solvers import strategy
from spmo.solvers.base import Capability, Result, Status

from .conftest import portfolio_of
from .family_helpers import costs, doc

BASE = doc([{"id": "A", "value": 5}, {"id": "B", "value": 4}, {"id": "C", "value": 3}],
           costs=costs("A", 6) + costs("B", 5) + costs("C", 4),
           budgets=[{"period": "T1", "limit": 11}])
PORTFOLIO = portfolio_of(BASE)
"""Optimum by budget: 11 -> 9 (A, B); 10 -> 8 (A, C); 7 -> 5 (A)."""


def test_the_repair_keeps_what_still_fits():
    cut = apply(PORTFOLIO, level(7 / 11))  # budget 7: A (6) and B (5) no longer fit together
    x = repaired_x(Instance.of(cut), {"A": "T1", "B": "T1"})
    model = Instance.of(cut).model
    assert x is not None
    assert np.all(model.activity(x) <= model.row_hi + 1e-9)
    chosen = set(model.starts["project"][x[: len(model.starts)] > 0.5])
    assert chosen == {"A"}  # the base plan's A first; B and C no longer fit beside it


def test_a_warm_solve_is_the_cold_optimum():
    cut = apply(PORTFOLIO, level(10 / 11))
    cold = plan(cut)
    warm = plan(cut, warm={"A": "T1", "B": "T1"})
    assert cold.status == warm.status == "optimal"
    assert warm.objective == pytest.approx(cold.objective) == pytest.approx(8)


class Nothing:
    """A solver that finds no plan: the answer is the warm start's repair."""

    name = "nothing"
    capability = Capability(hints=True)

    def available(self) -> bool:
        return True

    def solve(self, model, options) -> Result:
        self.hint = options.hint
        return Result(Status.NO_SOLUTION, None, None, None, 0.01, self.name, [])


def test_the_repair_is_the_first_plan_and_hint(monkeypatch):
    backend = Nothing()
    monkeypatch.setattr(strategy, "pick", lambda name, model: backend)
    cut = apply(PORTFOLIO, level(7 / 11))
    answer = plan(cut, warm={"A": "T1", "B": "T1"})
    assert answer.status == "feasible" and {s.project for s in answer.selected} == {"A"}
    assert backend.hint is not None and np.array_equal(
        backend.hint, repaired_x(Instance.of(cut), {"A": "T1", "B": "T1"}))


def _result(status=Status.FEASIBLE, objective=5.0, bound=None) -> Result:
    return Result(status, None if objective is None else np.zeros(1), objective, bound, 0.1,
                  "highs", [])


def test_the_lagrangian_bound_of_the_warm_start_is_kept_where_it_is_tighter():
    kept = strategy.with_bound(_result(bound=9.0), 7.0)
    assert kept.bound == 7.0 and "Lagrangian bound 7" in kept.notes[-1]
    assert strategy.with_bound(_result(bound=None), 7.0).bound == 7.0  # the root not done
    assert strategy.with_bound(_result(bound=6.0), 7.0).bound == 6.0  # the solver's is tighter
    assert strategy.with_bound(_result(bound=9.0), 4.0).bound == 9.0  # below the plan: none
    assert strategy.with_bound(_result(bound=9.0), float("nan")).bound == 9.0
    infeasible = _result(Status.INFEASIBLE, objective=None)
    assert strategy.with_bound(infeasible, 7.0).bound is None
