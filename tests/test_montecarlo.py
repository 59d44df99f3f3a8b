"""Monte Carlo: with no spread every sample is the base; with spread, the
share of samples in which the base plan still fits its budget is exactly the
share a direct count over the same samples gives; bad arguments are named."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from spmo.engine.errors import InvalidPortfolio
from spmo.scenarios.montecarlo import Sampling, montecarlo, sample_documents

from .conftest import portfolio_of
from .family_helpers import costs, doc

BASE = doc([{"id": "A", "value": 5}, {"id": "B", "value": 4}, {"id": "C", "value": 3}],
           costs=costs("A", 6) + costs("B", 5) + costs("C", 4),
           budgets=[{"period": "T1", "limit": 10}])
"""Optimum A + C at cost 10, exactly the budget: any overrun breaks it."""
PORTFOLIO = portfolio_of(BASE)


def test_without_spread_every_sample_is_the_base():
    result = montecarlo(PORTFOLIO, Sampling(4, seed=3, value_spread=0, cost_spread=0), workers=1)
    assert result.base_objective == pytest.approx(8)
    assert result.base_plan_holds_share == 1.0 and result.solved_share == 1.0
    assert result.objective.p5 == pytest.approx(8) and result.objective.p95 == pytest.approx(8)
    assert {p.project: (p.base_selected, p.selected_share) for p in result.projects} == {
        "A": (True, 1.0), "C": (True, 1.0), "B": (False, 0.0)}


def test_the_base_plan_holds_where_its_sampled_cost_fits():
    samples = sample_documents(PORTFOLIO, Sampling(30, 5, 0.3, 0.2))
    cost = [sum(c["amount"] for c in d["costs"] if c["project"] in "AC") for d in samples]
    expected = sum(c <= 10 * (1 + 1e-6) for c in cost) / 30
    assert 0 < expected < 1
    result = montecarlo(PORTFOLIO, Sampling(30, 5, 0.3, 0.2), workers=2)
    assert result.base_plan_holds_share == pytest.approx(expected)
    assert sum(p.selected_share for p in result.projects) > 0
    again = montecarlo(PORTFOLIO, Sampling(30, 5, 0.3, 0.2), workers=1)
    assert again == result  # the same seed, the same samples and answers


def test_sampled_factors_have_mean_one():
    samples = sample_documents(PORTFOLIO, Sampling(2000, 1, 0.2, 0.1))
    values = [d["projects"][0]["value"] / 5 for d in samples]
    spent = [d["costs"][0]["amount"] / 6 for d in samples]
    assert sum(values) / 2000 == pytest.approx(1, abs=0.02)
    assert sum(spent) / 2000 == pytest.approx(1, abs=0.01)
    assert all(d["settings"]["workers"] == 1 for d in samples[:3])


def test_bad_arguments_are_named_at_once():
    with pytest.raises(InvalidPortfolio) as caught:
        montecarlo(PORTFOLIO, Sampling(0, value_spread=-1, cost_spread="x"))
    assert [p.column for p in caught.value.problems] == ["samples", "value_spread",
                                                         "cost_spread"]


def test_cli_montecarlo(tmp_path):
    base = tmp_path / "base.json"
    base.write_text(json.dumps(BASE))
    out = subprocess.run([sys.executable, "-m", "spmo", "montecarlo", str(base), "--samples",
                          "5", "--cost-spread", "0", "--value-spread", "0", "--json"],
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    body = json.loads(out.stdout)
    assert body["samples"] == 5 and body["base_plan_holds_share"] == 1.0
    out = subprocess.run([sys.executable, "-m", "spmo", "montecarlo", str(base), "--samples",
                          "0", "--json"], capture_output=True, text=True, timeout=300)
    assert out.returncode == 2 and json.loads(out.stdout)["problems"][0]["column"] == "samples"
