"""Which backend proves a robust (CVaR) plan: `auto` takes HiGHS and proves it;
CP-SAT asked by name rounds the sampled rows and says why its plan is only
feasible, naming the rows and the backends that prove it."""

from __future__ import annotations

from spmo.planning.instance import Instance
from spmo.solvers.registry import pick

from .conftest import portfolio_of, solve_checked
from .test_robust import with_risk


def test_auto_proves_the_cvar_plan_and_cpsat_says_why_it_cannot():
    document = with_risk(objective_risk="cvar")
    assert pick("auto", Instance.of(portfolio_of(document)).model).name == "highs"
    auto = solve_checked(document, explain="none")
    assert auto.status == "optimal" and auto.solver == "highs"
    cpsat = solve_checked(document, solver="cpsat", explain="none")
    assert cpsat.status == "feasible" and cpsat.bound is None
    why = [w for w in cpsat.warnings if "robust rows" in w]
    assert len(why) == 1 and "highs" in why[0] and "sampled" in why[0]
    # a checked plan (solve_checked), never better than the proven optimum: on these
    # samples CP-SAT's rounded model gives it nothing better than the greedy's plan
    assert cpsat.objective <= auto.objective + 1e-9 * max(1.0, abs(auto.objective))


def test_an_expected_value_plan_on_cpsat_gets_no_such_warning():
    cpsat = solve_checked(with_risk(), solver="cpsat", explain="none")
    assert not any("robust rows" in w for w in cpsat.warnings)


def test_auto_without_highs_sends_a_robust_model_to_cbc(monkeypatch):
    from spmo.solvers.highs import HighsBackend
    from spmo.solvers.registry import backends

    if "cbc" not in backends() or not backends()["cbc"].available():
        raise AssertionError("PuLP's CBC is a dependency of spmo")
    monkeypatch.setattr(HighsBackend, "available", lambda _self: False)
    robust = Instance.of(portfolio_of(with_risk(objective_risk="cvar"))).model
    expected = Instance.of(portfolio_of(with_risk())).model
    assert pick("auto", robust).name == "cbc"
    assert pick("auto", expected).name == "cpsat"
