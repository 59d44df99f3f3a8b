"""Same input, same version: the same plan, on every backend.

Three runs of one portfolio give byte-identical plan JSON (the seconds a run
took aside) on CP-SAT with two workers (interleaved search), HiGHS and CBC
(two threads: CBC's repeatable parallel search). The portfolios have ties:
28 identical projects (any 10 of them are an optimum), and a generated one
of 60 projects on which CP-SAT with two plain workers (no interleaving)
returned two different optimal plans in four runs. A work limit
(deterministic units instead of seconds) stops every backend at the same
point of its search on every run.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from spmo.engine.synthetic.generate import generate_portfolio
from spmo.solvers.base import SolveOptions, Status
from spmo.solvers.registry import pick

from .conftest import portfolio_of, solve_checked
from .scale_instances import choice_knapsack
from .test_agreement import _hard_knapsack

BACKENDS = ("cpsat", "highs", "cbc")


def _timeless(value):
    """The plan's JSON with every timing field removed (they differ run to run)."""
    if isinstance(value, dict):
        return {k: _timeless(v) for k, v in value.items() if "seconds" not in k}
    if isinstance(value, list):
        return [_timeless(v) for v in value]
    return value


def _ties() -> dict:
    doc = choice_knapsack(1, equal=True, group_size=1, money=1e10)
    doc["budgets"] = [{"limit": 10 * doc["costs"][0]["amount"] + 1.0}]
    return doc


def _generated() -> dict:
    return generate_portfolio(60, 6, 5, skills=4)


@pytest.mark.parametrize("make", [_ties, _generated], ids=["equal-projects", "generated"])
@pytest.mark.parametrize("name", BACKENDS)
def test_three_runs_give_the_same_plan(name, make):
    doc = make()
    doc["settings"] = doc.get("settings", {}) | {"workers": 2, "time_limit_s": 60}
    doc["settings"].pop("seed", None)
    portfolio = portfolio_of(doc)
    plans = [solve_checked(portfolio, solver=name) for _ in range(3)]
    texts = [json.dumps(_timeless(p.model_dump(mode="json")), sort_keys=True) for p in plans]
    assert plans[0].status == "optimal", plans[0].warnings
    assert texts[1] == texts[0] and texts[2] == texts[0]
    if make is _ties:
        assert len(plans[0].selected) == 10


@pytest.mark.parametrize("name", BACKENDS)
def test_a_work_limit_stops_at_the_same_plan(name):
    """A work limit far below what the proof needs: the backend stops with a plan
    (feasible, not proven), the same plan twice, long before the time limit."""
    model = _hard_knapsack()
    options = SolveOptions(time_limit_s=60, workers=2, work_limit=0.05)
    runs = [pick(name, model).solve(model, options) for _ in range(2)]
    assert all(r.status == Status.FEASIBLE for r in runs), [r.status for r in runs]
    assert np.array_equal(runs[0].x, runs[1].x) and runs[0].objective == runs[1].objective
    assert all(r.seconds < 30 for r in runs)
