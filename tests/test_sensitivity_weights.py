"""The fast path of the weight studies (scenarios.weights, scenarios.weight_solves):
the objective rebuilt at other weights is the one a fresh build gives; a sample
answered by a known plan, or solved from one, selects what a fresh solve selects;
the certificate answers repeated weights without a solve; the range search
started from the known plans finds the ends the search from the far end finds."""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd
import pytest
from spmo.engine.derive import objective_weights
from spmo.planning.instance import Instance
from spmo.scenarios import sensitivity_weights as sw
from spmo.scenarios.sensitivity import SensitivityOptions, sensitivity
from spmo.scenarios.weight_solves import Pool, certified, in_hull, stay_in_selections
from spmo.scenarios.weights import WeightedObjective

from .conftest import portfolio_of, solve_checked
from .family_helpers import costs, doc
from .test_sensitivity import STRATEGIC

BLEND = doc([{"id": "A", "value": 9}, {"id": "B", "value": 3}, {"id": "C", "value": 6},
             {"id": "D", "value": 1}, {"id": "E", "value": 5}],
            objectives=[{"id": "g", "weight": 0.5}, {"id": "h", "weight": 0.3},
                        {"id": "k", "weight": 0.2}],
            alignment=[{"project": "A", "objective": "g", "score": 1},
                       {"project": "B", "objective": "g", "score": 6},
                       {"project": "B", "objective": "k", "score": 2},
                       {"project": "C", "objective": "h", "score": 5},
                       {"project": "D", "objective": "h", "score": 4},
                       {"project": "D", "objective": "k", "score": 6},
                       {"project": "E", "objective": "k", "score": 7}],
            synergies=[{"project_a": "B", "project_b": "D", "score": 1.5, "value": 2}],
            costs=costs("A", 4) + costs("B", 3) + costs("C", 3) + costs("D", 2)
            + costs("E", 4), budgets=[{"limit": 9}],
            settings={"objective": "blend", "blend": 0.5})


def with_weights(document: dict, weights) -> dict:
    out = copy.deepcopy(document)
    for o in out["objectives"]:
        o["weight"] = float(weights[o["id"]])
    return out


def fast(document: dict) -> WeightedObjective:
    portfolio = portfolio_of(document)
    weights, _ = objective_weights(portfolio)
    found = WeightedObjective.of(portfolio, Instance.of(portfolio).model, weights)
    assert found is not None
    return found


@pytest.mark.parametrize("document", [STRATEGIC, BLEND], ids=["strategic", "blend"])
def test_the_rebuilt_objective_is_the_built_one_at_other_weights(document):
    objective = fast(document)
    rng = np.random.default_rng(3)
    for _ in range(5):
        raw = rng.uniform(0.05, 1.0, len(document["objectives"]))
        weights, _ = objective_weights(portfolio_of(with_weights(
            document, dict(zip([o["id"] for o in document["objectives"]], raw, strict=True)))))
        built = Instance.of(portfolio_of(with_weights(document, weights))).model.c
        assert np.allclose(objective.c(weights), built, rtol=1e-12, atol=1e-15)


def test_no_fast_path_where_the_objective_is_not_rebuilt():
    cvar = copy.deepcopy(BLEND)
    cvar["settings"] |= {"objective_risk": "cvar", "risk_samples": 20}
    portfolio = portfolio_of(cvar)
    weights, _ = objective_weights(portfolio)
    assert WeightedObjective.of(portfolio, Instance.of(portfolio).model, weights) is None


@pytest.mark.parametrize("radius", [0.3, 0.6])
def test_each_sample_selects_what_a_fresh_solve_selects(radius):
    """Samples in rounds: answered by a known plan (some are, inside the hull of
    weights it was proven optimal at) or solved from one, each selection is the
    one a fresh plan of the sample's weights has."""
    portfolio = portfolio_of(BLEND)
    base = solve_checked(BLEND, explain="none")
    study = sw.study_of(portfolio, base)
    options = SensitivityOptions(samples=20, radius=radius, seed=4)
    samples = sw.samples_of(portfolio, options)
    chosen, solves = stay_in_selections(study.objective, samples, study.pool, None,
                                        sw.sample_options(portfolio, options))
    assert 0 < solves < len(samples)
    for weights, ours in zip(samples, chosen, strict=True):
        fresh = solve_checked(with_weights(BLEND, weights), explain="none")
        assert fresh.status == "optimal"
        assert set(ours) == {s.project for s in fresh.selected}, weights.to_dict()
    selections = {tuple(sorted(c)) for c in chosen}
    assert len(selections) >= 2  # the radius is wide enough for the plan to change


def test_a_known_plan_is_certified_only_where_it_is_optimal():
    """At the base weights the base plan's bound certifies it; far away a
    plan that is not optimal there is not certified."""
    portfolio = portfolio_of(BLEND)
    base = solve_checked(BLEND, explain="none")
    study = sw.study_of(portfolio, base)
    objective, pool = study.objective, study.pool
    weights, _ = objective_weights(portfolio)
    x = pool.known[0]
    assert certified(objective, weights, x, pool.solved)
    far = weights.copy()
    far[:] = [0.05, 0.05, 0.9]
    fresh = solve_checked(with_weights(BLEND, far), explain="none")
    assert {s.project for s in fresh.selected} != {s.project for s in base.selected}
    assert not certified(objective, far, x, pool.solved)
    assert isinstance(pool, Pool)


def test_samples_of_radius_zero_need_no_solve():
    result = sensitivity(portfolio_of(BLEND), SensitivityOptions(samples=5, radius=0.0))
    assert any(n.startswith("weights: 0 of 5 samples solved") for n in result.notes)
    assert all(s.share == (1.0 if s.base_selected else 0.0) for s in result.stay_in)


def test_ranges_from_known_plans_match_the_search_from_the_far_end(monkeypatch):
    options = SensitivityOptions(samples=6, radius=0.5)
    ours = sensitivity(portfolio_of(BLEND), options)
    monkeypatch.setattr(sw.WeightedObjective, "of", classmethod(lambda *_: None))
    slow = sensitivity(portfolio_of(BLEND), options)
    assert any("each weight vector's portfolio built" in n for n in slow.notes)
    assert [s.model_dump() for s in ours.stay_in] == [s.model_dump() for s in slow.stay_in]
    for a, b in zip(ours.weight_ranges, slow.weight_ranges, strict=True):
        assert (a.objective, a.exact) == (b.objective, b.exact)
        assert a.low == pytest.approx(b.low, abs=1e-9)
        assert a.high == pytest.approx(b.high, abs=1e-9)
        assert a.solves <= b.solves


def test_in_hull_is_a_convex_combination_of_the_points():
    corners = [pd.Series([a, b, 1 - a - b]) for a, b in [(0.2, 0.2), (0.6, 0.2), (0.2, 0.6)]]
    assert in_hull(corners, pd.Series([0.3, 0.3, 0.4]))
    assert not in_hull(corners, pd.Series([0.7, 0.25, 0.05]))
    assert not in_hull(corners[:2], pd.Series([0.4, 0.2, 0.4]))  # too few to span the simplex
