"""An infeasible large portfolio is reported infeasible and named (issue 13
item 12): the LP feasibility check before the Lagrangian heuristic, the
conflict from the LP's Farkas certificate, the relaxation the must-select
projects need, and no diverged Lagrangian bound ever reported. The models
are small; the size thresholds are lowered so that they take the large path."""

from __future__ import annotations

import numpy as np
import pytest
from spmo.engine.model.build import build
from spmo.planning import large_infeasible
from spmo.scenarios.spec import Scenario, apply
from spmo.solvers import feasibility, registry, strategy
from spmo.solvers.base import Result, SolveOptions, Status
from spmo.solvers.feasibility import conflict_rows, lp_feasibility, margin

from .conftest import portfolio_of, solve_checked
from .family_helpers import costs, doc

OVERLAP = doc([{"id": "A", "value": 3, "status": "mandatory", "duration": 2},
               {"id": "B", "value": 2, "status": "mandatory", "duration": 2},
               {"id": "C", "value": 9, "duration": 1}],
              periods=3, costs=costs("A", 4, 4) + costs("B", 4, 4) + costs("C", 1),
              budgets=[{"period": f"T{t}", "limit": 5} for t in (1, 2, 3)])
"""A and B must both run two of three periods, so both run in T2: 8 > 5."""


@pytest.fixture
def large(monkeypatch):
    """Every model counts as large: auto takes the Lagrangian heuristic, the
    conflict comes from the LP, the relaxation from the must projects."""
    monkeypatch.setattr(registry, "LARGE_NONZEROS", 0)
    monkeypatch.setattr(large_infeasible, "CONFLICT_NONZEROS", 0)


def _typed(base: dict, relaxation) -> dict:
    """The portfolio with the relaxation's budget values typed in."""
    out = {**base, "budgets": [dict(b) for b in base["budgets"]]}
    for fix in relaxation:
        assert (fix.table, fix.column) == ("budgets", "limit"), fix
        period = fix.constraint[len("budget["):-1].split(",")[0]
        for row in out["budgets"]:
            if row.get("period", "*") == period:
                row["limit"] = fix.needed
    return out


def test_an_infeasible_large_model_is_infeasible_and_named(large):
    plan = solve_checked(OVERLAP, explain="auto", time_limit_s=20)
    assert plan.status == "infeasible" and plan.solver == "lagrange"
    assert any("LP relaxation has no solution" in w for w in plan.warnings)
    assert {c.constraint for c in plan.conflicts} == {"budget[T2]", "mandatory[A]",
                                                       "mandatory[B]"}
    assert all(c.sentence for c in plan.conflicts)
    assert plan.relaxation and all(r.needed > r.limit for r in plan.relaxation)
    assert "budget[T2]" in {r.constraint for r in plan.relaxation}
    fixed = solve_checked(_typed(OVERLAP, plan.relaxation), solver="highs", explain="none")
    assert fixed.status == "optimal"  # typing the values restores a plan


def test_before_the_check_the_lagrangian_found_no_plan_and_named_nothing(large, monkeypatch):
    """What the issue saw: without the LP check the heuristic stops with no plan."""
    monkeypatch.setattr(strategy, "lp_feasibility",
                        lambda model, seconds: feasibility.Feasibility(None, None, 0.0))
    plan = solve_checked(OVERLAP, explain="none", time_limit_s=5)
    assert plan.status == "no_solution" and not plan.conflicts


def test_the_relaxation_keeps_what_the_must_projects_require(large):
    base = doc([{"id": "M", "value": 1, "status": "mandatory"}, {"id": "R", "value": 1},
                {"id": "X", "value": 5}],
               costs=costs("M", 6) + costs("R", 3) + costs("X", 1),
               dependencies=[{"project": "M", "kind": "requires", "other": "R"}],
               budgets=[{"period": "T1", "limit": 7}])
    plan = solve_checked(base, explain="auto", time_limit_s=20)
    assert plan.status == "infeasible"
    assert {c.constraint for c in plan.conflicts} >= {"budget[T1]", "mandatory[M]"}
    assert [(r.constraint, r.needed) for r in plan.relaxation] == [("budget[T1]", 9)]
    assert solve_checked(_typed(base, plan.relaxation), solver="highs").status == "optimal"


def test_a_diverged_lagrangian_bound_is_never_reported(large, monkeypatch):
    monkeypatch.setattr(strategy, "lp_feasibility",
                        lambda model, seconds: feasibility.Feasibility(None, None, 0.0))
    model = build(portfolio_of(OVERLAP))
    raw = registry.pick("lagrange", model).solve(model, SolveOptions(time_limit_s=3))
    assert raw.status == Status.NO_SOLUTION and raw.bound is not None and raw.bound < -1e3
    result = strategy.solve(model, "auto", SolveOptions(time_limit_s=3))
    assert result.status == Status.NO_SOLUTION and result.bound is None
    assert any("is no bound" in note and "diverged" in note for note in result.notes)


@pytest.mark.parametrize("bound, kept", [(float("nan"), False), (float("-inf"), False),
                                         (-1e44, False), (9.0, False), (10.0, True),
                                         (12.5, True)])
def test_credible_bound(bound, kept):
    model = build(portfolio_of(OVERLAP))  # objective at least -1 (value 0 to 14)
    result = Result(Status.FEASIBLE, np.zeros(model.n_vars), 10.0, bound, 1.0, "x", [])
    out = strategy.credible_bound(result, model)
    assert (out.bound is not None) == kept and (out.notes == []) == kept


def test_the_certificate_is_checked_and_shrunk():
    base = doc([{"id": p, "value": 1, "status": "mandatory"} for p in "ABC"],
               costs=costs("A", 5) + costs("B", 5) + costs("C", 1),
               budgets=[{"period": "T1", "limit": 9}])
    model = build(portfolio_of(base))
    check = lp_feasibility(model, 10)
    assert check.feasible is False and check.certificate is not None
    assert margin(model, check.certificate) > 0 and margin(model, -check.certificate) < 0
    assert lp_feasibility(model, 10) is check  # kept on the model
    rows = conflict_rows(model, check.certificate, 10)
    assert sorted(model.row_name[rows]) == ["budget[T1]", "mandatory[A]", "mandatory[B]"]
    y = np.zeros(model.n_rows)
    y[rows] = check.certificate[rows]
    assert margin(model, y) > 0


def test_a_feasible_model_passes_the_check(large, monkeypatch):
    """No first plan on a feasible model: the check finds the LP feasible and
    the Lagrangian heuristic still plans."""
    monkeypatch.setattr(strategy, "greedy_plan", lambda *args, **kwargs: None)
    base = apply(portfolio_of(OVERLAP), Scenario.model_validate(
        {"changes": [{"scale_budget": 2}]}))
    model = build(base)
    result = strategy.solve(model, "auto", SolveOptions(time_limit_s=5))
    assert lp_feasibility(model, 1).feasible is True
    assert result.status in (Status.OPTIMAL, Status.FEASIBLE) and result.x is not None
