"""What every backend promises, whatever the solver underneath: one status
vocabulary (a failure is a SolverError, never a bare exception or a silent
no_solution), hints clipped to their bounds, a frozen result, and no claim of
`optimal` that a plan in the same run beats."""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from spmo.engine.errors import SolverError, SpmoError
from spmo.engine.model.build import build
from spmo.engine.model.linear import LinearModel
from spmo.solvers import strategy
from spmo.solvers.base import Capability, Result, SolveOptions, Status, clipped_hint
from spmo.solvers.registry import pick

from .conftest import portfolio_of, solve_checked
from .scale_instances import choice_knapsack

BACKENDS = ("highs", "cpsat", "cbc")


def test_result_is_frozen_and_knows_its_gap():
    r = Result(Status.FEASIBLE, np.zeros(2), 90.0, 100.0, 1.0, "x")
    assert r.gap == pytest.approx(10 / 90)
    assert Result(Status.OPTIMAL, None, 0.0, 1e-12, 1.0, "x").gap == pytest.approx(1e-3)
    assert Result(Status.NO_SOLUTION, None, None, 5.0, 1.0, "x").gap is None
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.status = Status.OPTIMAL  # type: ignore[misc]


def test_every_native_status_has_a_meaning():
    """No native status falls through to a guess: CP-SAT's and HiGHS's whole
    vocabularies are in the tables, a rejected model is ERROR."""
    import highspy
    from ortools.sat.python import cp_model
    from spmo.solvers import cpsat, highs

    for code in (cp_model.OPTIMAL, cp_model.FEASIBLE, cp_model.INFEASIBLE, cp_model.UNKNOWN,
                 cp_model.MODEL_INVALID):
        assert code in cpsat._STATUS
    assert cpsat._STATUS[cp_model.MODEL_INVALID] == Status.ERROR
    names = {n for n in dir(highspy.HighsModelStatus) if n.startswith("k")}
    assert names <= set(highs._STATUS), names - set(highs._STATUS)
    assert highs._STATUS["kModelError"] == Status.ERROR


def test_pulp_statuses():
    import pulp
    from spmo.solvers.pulp import _status

    def status(sol, prob):
        return _status(pulp, SimpleNamespace(sol_status=sol, status=prob))

    assert status(pulp.LpSolutionOptimal, pulp.LpStatusOptimal) == Status.OPTIMAL
    assert status(pulp.LpSolutionIntegerFeasible, pulp.LpStatusOptimal) == Status.FEASIBLE
    assert status(pulp.LpSolutionNoSolutionFound, pulp.LpStatusInfeasible) == Status.INFEASIBLE
    assert status(pulp.LpSolutionNoSolutionFound, pulp.LpStatusNotSolved) == Status.NO_SOLUTION
    assert status(pulp.LpSolutionNoSolutionFound, pulp.LpStatusUndefined) == Status.ERROR
    assert status(pulp.LpSolutionUnbounded, pulp.LpStatusUnbounded) == Status.ERROR


def _knapsack(coef: float = 1.0) -> LinearModel:
    """max 3a + 2b + 4c s.t. coef * (a + b + c) <= 2 * coef, binaries."""
    return LinearModel(
        lb=np.zeros(3), ub=np.ones(3), integer=np.ones(3, dtype=bool), c=np.array([3., 2., 4.]),
        row_name=np.array(["k[0]"], dtype=object), row_family=np.array(["k"], dtype=object),
        row_lo=np.array([-np.inf]), row_hi=np.array([2.0 * coef]),
        a_row=np.zeros(3, dtype=np.int64), a_col=np.arange(3), a_val=np.full(3, coef),
        starts=pd.DataFrame(), extra=pd.DataFrame(), pairs=pd.DataFrame())


def test_a_model_highs_refuses_is_a_solver_error():
    """HiGHS refuses coefficients beyond 1e15; it used to come back as a silent
    no_solution (and the greedy plan as the answer)."""
    with pytest.raises(SolverError) as caught:
        pick("highs", None).solve(_knapsack(1e16), SolveOptions(time_limit_s=5))
    assert isinstance(caught.value, SpmoError) and caught.value.solver == "highs"


def test_a_model_cpsat_rejects_is_a_solver_error(monkeypatch):
    from spmo.solvers.cpsat import CpSatBackend

    translate = CpSatBackend.translate

    def broken(self, model):
        out = translate(self, model)
        ct = out[0].proto.constraints.add()
        ct.linear.vars.append(99)  # no such variable: CP-SAT answers MODEL_INVALID
        ct.linear.coeffs.append(1)
        ct.linear.domain.extend([0, 1])
        return out

    monkeypatch.setattr(CpSatBackend, "translate", broken)
    with pytest.raises(SolverError, match="rejected the model"):
        CpSatBackend().solve(_knapsack(), SolveOptions(time_limit_s=5, workers=1))


def _one_project_buying_fte():
    """A needs 1.1 FTE of a skill with 1.0 available and 0.1 to buy: the greedy
    arithmetic gives bought FTE 1.1 - 1.0 = 0.10000000000000009 > extra_fte."""
    doc = {"name": "buy", "periods": [{"id": "T1"}],
           "projects": [{"id": "A", "value": 10.0}],
           "costs": [{"project": "A", "offset": 0, "amount": 1.0}],
           "demands": [{"project": "A", "skill": "s", "offset": 0, "fte": 1.1}],
           "capacity": [{"skill": "s", "period": "T1", "fte": 1.0, "extra_fte": 0.1,
                         "extra_cost": 2.0}]}
    model = build(portfolio_of(doc))
    hint = np.zeros(model.n_vars)
    hint[0] = 0.9999999999  # x[A, T1], integral only after rounding
    e = int(model.extra["var"].iloc[0])
    hint[e] = 1.1 - 1.0
    assert hint[e] > model.ub[e]
    return model, hint, e


def test_clipped_hint_is_inside_bounds_and_integral():
    model, hint, e = _one_project_buying_fte()
    clipped = clipped_hint(model, hint)
    assert clipped[0] == 1.0 and clipped[e] == model.ub[e] == 0.1
    assert np.all(clipped >= model.lb) and np.all(clipped <= model.ub)
    assert clipped_hint(model, None) is None


@pytest.mark.parametrize("name", BACKENDS)
def test_a_hint_a_hair_beyond_its_bound_is_taken(name):
    """Regression: `--solver cbc` crashed in PuLP's setInitialValue on this hint."""
    model, hint, e = _one_project_buying_fte()
    result = pick(name, model).solve(model, SolveOptions(time_limit_s=10, workers=1, hint=hint))
    assert result.status == Status.OPTIMAL
    assert result.x[0] == 1.0 and result.x[e] == pytest.approx(0.1, abs=1e-9)
    assert result.objective == pytest.approx(10.0 - 0.2, rel=1e-9)


def test_the_lagrange_backend_starts_from_the_clipped_hint():
    model, hint, e = _one_project_buying_fte()
    result = pick("lagrange", model).solve(model, SolveOptions(time_limit_s=2, hint=hint))
    assert result.x is not None and np.all(result.x <= model.ub) and result.x[e] <= 0.1
    assert result.objective == pytest.approx(10.0 - 0.2, rel=1e-9)


class _Liar:
    """A backend that claims `optimal` for the empty plan, with a bound."""

    name = "liar"

    def __init__(self, bound: float):
        self.bound = bound
        self.capability = Capability()

    def solve(self, model: LinearModel, _options: SolveOptions) -> Result:
        return Result(Status.OPTIMAL, np.zeros(model.n_vars), 0.0, self.bound, 0.01, self.name,
                      ["liar: trust me"])


def test_an_optimal_that_the_first_plan_beats_is_a_contradiction(monkeypatch):
    monkeypatch.setattr(strategy, "pick", lambda _name, _model: _Liar(bound=0.0))
    portfolio = portfolio_of(choice_knapsack(5, money=1e4))
    plan = solve_checked(portfolio, solver="highs")
    assert plan.status == "feasible" and plan.bound is None and plan.gap is None
    assert plan.objective > 0 and plan.selected
    lines = [w for w in plan.warnings if "contradiction" in w]
    assert len(lines) == 1 and "liar claimed optimal at 0" in lines[0], plan.warnings
    assert "liar: trust me" in plan.warnings


def test_a_bound_that_still_bounds_the_better_plan_is_kept():
    model = build(portfolio_of(choice_knapsack(5, money=1e4)))
    first = strategy.greedy_plan(model)
    value = float(model.c @ first)
    kept = strategy.last_resort(_Liar(bound=2 * value).solve(model, SolveOptions()), model,
                                first)
    assert kept.status == Status.FEASIBLE and kept.x is first and kept.bound == 2 * value
    assert kept.objective == pytest.approx(value) and "contradiction" in kept.notes[-1]
    honest = Result(Status.OPTIMAL, first, value * (1 + 1e-12), value, 0.1, "highs")
    assert strategy.last_resort(honest, model, first) is honest
