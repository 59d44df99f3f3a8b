"""Regression tests of the places where spmo read the shared contract differently
and now follows it (docs/contract.md, "Where this reads the shared contract
differently", lists what is still read differently, and why).

- a negative `lag` of an `after` dependency is valid input (it was refused);
- a negative `benefits.amount` is invalid input (it was solved): see the
  `negative-benefit` case of test_validation.py;
- a candidate whose earliest_start is after its latest_start fits nowhere in its
  window: excluded as `no_fit` with a warning (it was invalid input; a mandatory
  or forced-in one still is, see test_validation.py);
- the conflict sentence of an `after` row states its lag (it said "only after B
  finishes" whatever the lag).
"""

from __future__ import annotations

import pytest
from spmo.engine.errors import InvalidPortfolio

from .conftest import portfolio_of, solve_checked
from .family_helpers import costs, doc
from .validation_base import base


def test_negative_lag_is_valid_and_kept():
    d = base()
    d["dependencies"][0]["lag"] = -1  # D after A, may start in A's last period
    portfolio = portfolio_of(d)
    deps = portfolio.table("dependencies")
    assert deps.loc[deps["kind"] == "after", "lag"].tolist() == [-1]
    assert portfolio.warnings == ()


def test_fractional_lag_is_still_refused():
    d = base()
    d["dependencies"][0]["lag"] = -0.5
    with pytest.raises(InvalidPortfolio) as info:
        portfolio_of(d)
    assert [(p.table, p.row, p.column) for p in info.value.problems] == \
        [("dependencies", 0, "lag")]


def test_negative_benefit_is_refused_with_its_cell():
    d = base()
    d["benefits"][1]["amount"] = -20
    with pytest.raises(InvalidPortfolio) as info:
        portfolio_of(d)
    assert [(p.table, p.row, p.column) for p in info.value.problems] == \
        [("benefits", 1, "amount")]
    assert ">= 0" in info.value.problems[0].message


def test_candidate_with_inverted_window_is_no_fit_with_a_warning():
    d = base()
    d["projects"][3].update(earliest_start="Q4", latest_start="Q2")  # D, a candidate
    portfolio = portfolio_of(d)
    assert any("D" in w and "no_fit" in w for w in portfolio.warnings), portfolio.warnings
    result = solve_checked(portfolio, time_limit_s=20)
    assert {r.project: r.code for r in result.excluded}.get("D") == "no_fit"
    assert "D" not in {r.project for r in result.selected}


def test_infeasible_after_with_negative_lag_says_how_far_before():
    """Both mandatory, both fixed at T1, B takes two periods; A after B with lag -1
    needs A at index >= 1: infeasible, and the sentence states the lag."""
    d = doc([{"id": "A", "value": 1, "status": "mandatory", "earliest_start": "T1",
              "latest_start": "T1"},
             {"id": "B", "value": 1, "status": "mandatory", "earliest_start": "T1",
              "latest_start": "T1"}], periods=3,
            costs=costs("A", 1) + costs("B", 1, 1),
            dependencies=[{"project": "A", "kind": "after", "other": "B", "lag": -1}])
    result = solve_checked(d, time_limit_s=20)
    assert result.status == "infeasible"
    sentences = {c.constraint: c.sentence for c in result.conflicts}
    assert sentences.get("after[A,B]") == "A may start at most 1 period(s) before B finishes"
