"""Uncertainty as input: value ranges and success, the Monte Carlo of a fixed
plan, and robust selection (CVaR and chance) solved as a sample-average MILP
whose objective is the direct evaluation of its plan over the same samples."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from itertools import combinations

import numpy as np
import pytest
from spmo.engine.check import Assignment, check
from spmo.engine.derive import derive
from spmo.engine.errors import InvalidPortfolio
from spmo.engine.uncertainty import risk_outcomes, sample_values
from spmo.planning.instance import Instance
from spmo.scenarios.outcomes import plan_outcomes
from spmo.solvers.base import SolveOptions
from spmo.solvers.strategy import solve

from .conftest import portfolio_of, solve_checked
from .family_helpers import costs, doc

BASE = doc([{"id": "R", "value": 30, "success_probability": 0.5},
            {"id": "S", "value": 12, "value_low": 10, "value_high": 14},
            {"id": "M", "value": 5, "value_low": 1, "value_high": 6}],
           costs=costs("R", 5) + costs("S", 5) + costs("M", 2), budgets=[{"limit": 7}])


def with_risk(**settings) -> dict:
    out = copy.deepcopy(BASE)
    out["settings"] = {"risk_samples": 100, "cvar_level": 0.1, **settings}
    return out


def chosen(result) -> set[str]:
    return {s.project for s in result.selected}


def test_cvar_drops_the_risky_project_the_expected_value_keeps():
    expected = solve_checked(with_risk(objective_risk="expected"))
    robust = solve_checked(with_risk(objective_risk="cvar"))
    assert "R" in chosen(expected) and "R" not in chosen(robust)
    assert robust.status == "optimal"
    r = robust.risk
    assert r.measure == "cvar" and r.gave_up > 0 and r.gained > 0
    assert r.expected_plan_expected == pytest.approx(expected.objective)
    assert "gives up" in r.sentence


def direct_cvar(portfolio, selected: set[str], alpha: float) -> float:
    """The mean of the worst alpha N outcomes, from the raw samples (alpha N whole)."""
    ids = list(portfolio.projects.index)
    values = sample_values(portfolio, ids, portfolio.settings.risk_samples, 1)
    outcome = values[:, [ids.index(p) for p in sorted(selected)]].sum(axis=1)
    worst = np.sort(outcome)[: round(alpha * len(outcome))]
    return float(worst.mean())


def test_the_saa_objective_is_the_direct_evaluation_of_its_plan():
    portfolio = portfolio_of(with_risk(objective_risk="cvar"))
    instance = Instance.of(portfolio)
    result = solve(instance.model, "highs", SolveOptions(time_limit_s=20))
    x = result.x
    starts = instance.model.starts
    selected = set(starts["project"][x[: len(starts)] > 0.5])
    direct = direct_cvar(portfolio, selected, 0.1)
    assert result.status.value == "optimal"
    assert result.objective == pytest.approx(direct, rel=1e-6)
    verdict = check(portfolio, derive(portfolio), Assignment(dict.fromkeys(selected, 0)))
    assert verdict.ok and verdict.objective == pytest.approx(direct, rel=1e-9)


def test_cpsat_rounds_the_continuous_cvar_rows_and_says_so():
    """CP-SAT scales t and s_k to a grid (rounded the safe way): the same plan,
    reported feasible without a bound, its objective the checker's direct one."""
    document = with_risk(objective_risk="cvar")
    result = solve_checked(document, solver="cpsat")
    assert result.status == "feasible" and result.bound is None
    assert result.objective == pytest.approx(
        direct_cvar(portfolio_of(document), chosen(result), 0.1), rel=1e-9)


def brute_chance(portfolio) -> tuple[float, set[str]]:
    """The best expected objective over subsets that keep the budget and the chance row."""
    derived = derive(portfolio)
    best = (-np.inf, set())
    for k in range(4):
        for subset in combinations("RSM", k):
            report = check(portfolio, derived, Assignment(dict.fromkeys(subset, 0)))
            if report.ok and report.objective > best[0]:
                best = (report.objective, set(subset))
    return best


def test_a_chance_constraint_binds_as_brute_force_says(solver):
    """On every backend (CP-SAT rounds the sampled rows the safe way: the same
    plan, reported feasible)."""
    document = with_risk(objective_risk="chance", target=14)
    result = solve_checked(document, solver=solver)
    free = solve_checked(with_risk(objective_risk="expected"))
    value, subset = brute_chance(portfolio_of(document))
    assert chosen(result) == subset and result.objective == pytest.approx(value)
    assert chosen(free) != subset  # the chance row changed the optimum
    assert result.risk.tail >= 0.9 > result.risk.expected_plan_tail


def test_the_checker_names_the_chance_row_a_hand_made_plan_breaks():
    portfolio = portfolio_of(with_risk(objective_risk="chance", target=14))
    report = check(portfolio, derive(portfolio), Assignment({"R": 0, "M": 0}))
    assert [v.row for v in report.violations] == ["robust[chance]"]
    derived = derive(portfolio)
    outcomes = risk_outcomes(portfolio, derived, {"R": 0, "M": 0}, 0.0, 20.0, 20.0)
    assert 0 < np.mean(outcomes >= 14) < 0.9


def test_ranges_and_risk_settings_are_checked_by_table_row_column():
    bad = copy.deepcopy(BASE)
    bad["projects"][1]["value_low"] = 13  # above value 12
    bad["projects"][2]["value_high"] = 4  # below value 5
    bad["projects"].append({"id": "X", "value_low": 1})
    bad["benefits"] = [{"project": "X", "offset": 0, "amount": 3, "amount_high": 2}]
    bad["settings"] = {"objective_risk": "chance"}
    with pytest.raises(InvalidPortfolio) as caught:
        portfolio_of(bad)
    found = {(p.table, p.row, p.column) for p in caught.value.problems}
    assert {("projects", 1, "value_low"), ("projects", 2, "value_high"),
            ("projects", 3, "value_low"), ("benefits", 0, "amount_high"),
            ("settings", None, "target")} <= found


def test_fixed_plan_outcomes_are_vectorised_samples_of_the_plan():
    portfolio = portfolio_of(BASE)
    result = solve_checked(BASE, explain="none")
    out = plan_outcomes(portfolio, result, 20_000, seed=4, target=20)
    assert out.p10 < out.p50 < out.p90 and out.minimum <= out.p10
    assert sum(b.count for b in out.histogram) == 20_000
    # R delivers half the time (30 x 0.5); M is Triangular(1, 5, 6), mean 4
    assert chosen(result) == {"R", "M"} and result.kpis.financial_value == 20
    assert out.mean == pytest.approx(15 + 4, rel=0.02)
    again = plan_outcomes(portfolio, result, 20_000, seed=4, target=20)
    assert again.model_copy(update={"sample_seconds": 0}) == \
        out.model_copy(update={"sample_seconds": 0})
    ids = sorted(chosen(result))
    direct = sample_values(portfolio, ids, 20_000, 4).sum(axis=1)
    assert out.p_target == pytest.approx(float(np.mean(direct >= 20)))


def test_cli_montecarlo_fixed(tmp_path):
    path = tmp_path / "p.json"
    path.write_text(json.dumps(BASE))
    out = subprocess.run([sys.executable, "-m", "spmo", "montecarlo", str(path), "--fixed",
                          "--samples", "1000", "--target", "20", "--json"],
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    body = json.loads(out.stdout)
    assert body["samples"] == 1000 and 0 < body["p_target"] < 1


def test_reoptimised_montecarlo_scales_ranges_with_their_values():
    from spmo.scenarios.montecarlo import Sampling, montecarlo

    result = montecarlo(portfolio_of(BASE), Sampling(4, seed=2, value_spread=0.8), workers=1)
    assert result.solved_share == 1.0
