"""Relaxations of an infeasible portfolio, in the input's own terms: each names
the table, the row (its key columns) and the column to change and the value
to type there (or the release to make). Typing every one of them into the
document, exactly as written, must give a portfolio that has a plan."""

from __future__ import annotations

import copy

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from spmo.engine.errors import InvalidPortfolio

from .conftest import portfolio_of, solve_checked
from .strategies import Shape, portfolio_docs

FAST = settings(deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.filter_too_much])
P = [{"id": "Q1"}, {"id": "Q2"}]
SINGLE = {"risk_appetite", "settings"}


def _matches(record: dict, key: dict) -> bool:
    return all(str(record.get(k)) == str(v) if v is not None else record.get(k) is None
               for k, v in key.items())


def apply_relaxation(document: dict, relaxation) -> dict:
    """The document with every relaxation typed in as written: the value in the
    named table, row and column; a release as it says (a text typed, a cell
    cleared, a row deleted)."""
    d = copy.deepcopy(document)
    for r in relaxation:
        assert r.table, r
        if r.table in SINGLE:
            d.setdefault(r.table, {})[r.column] = r.needed
            continue
        rows = d.setdefault(r.table, [])
        hit = [rec for rec in rows if _matches(rec, r.key)]
        if r.delete_row:
            assert hit, r
            d[r.table] = [rec for rec in rows if not _matches(rec, r.key)]
            continue
        if not hit:  # a row the input does not have yet (an alignment score)
            rows.append({k: v for k, v in r.key.items() if v is not None})
            hit = rows[-1:]
        assert len(hit) == 1, (r, hit)
        value = r.needed if r.value is None else r.value
        if value == "":
            hit[0].pop(r.column, None)
        else:
            hit[0][r.column] = value
    return d


def assert_relaxation_restores(document: dict) -> list:
    plan = solve_checked(document, solver="highs")
    assert plan.status == "infeasible"
    assert plan.relaxation, "an infeasible plan says what to change"
    for r in plan.relaxation:
        assert r.table and r.sentence and r.constraint in r.sentence
        assert "from" not in r.sentence or r.column in r.sentence
    fixed = apply_relaxation(document, plan.relaxation)
    after = solve_checked(fixed, solver="highs")
    assert after.status == "optimal", (plan.relaxation, after.conflicts)
    return plan.relaxation


def _mandatory(i: int, **extra) -> dict:
    return {"id": f"M{i}", "status": "mandatory", "value": 1, **extra}


HAND_MADE = {
    "budget": ({"projects": [_mandatory(i, earliest_start="Q1", latest_start="Q1")
                             for i in range(3)],
                "costs": [{"project": f"M{i}", "offset": 0, "amount": 50, "pool": "capex"}
                          for i in range(3)],
                "budgets": [{"period": "Q1", "pool": "capex", "limit": 120}]},
               ("budgets", "limit", 150)),
    "capacity": ({"projects": [_mandatory(0), {"id": "N", "value": 1, "force": "in"}],
                  "demands": [{"project": p, "skill": "dev", "offset": o, "fte": 3}
                              for p in ("M0", "N") for o in (0, 1)],
                  "capacity": [{"skill": "dev", "period": q["id"], "fte": 5} for q in P]},
                 ("capacity", "fte", 6)),
    "group max": ({"projects": [_mandatory(i) for i in range(3)],
                   "groups": [{"group": "g", "project": f"M{i}"} for i in range(3)],
                   "group_limits": [{"group": "g", "max": 1}]},
                  ("group_limits", "max", 3)),
    "group min": ({"projects": [{"id": "A", "value": 1, "force": "out"}, {"id": "B", "value": 1}],
                   "groups": [{"group": "g", "project": p} for p in "AB"],
                   "group_limits": [{"group": "g", "min": 2}]},
                  ("group_limits", "min", 1)),
    "balance max": ({"projects": [_mandatory(0, category="grow"), _mandatory(1, category="run")],
                     "costs": [{"project": "M0", "offset": 0, "amount": 30},
                               {"project": "M1", "offset": 0, "amount": 10}],
                     "balance": [{"dimension": "category", "value": "grow", "max_share": 0.5}]},
                    ("balance", "max_share", 0.75)),
    "balance min": ({"projects": [_mandatory(0, business_unit="u1"),
                                  _mandatory(1, business_unit="u2")],
                     "costs": [{"project": "M0", "offset": 0, "amount": 10},
                               {"project": "M1", "offset": 0, "amount": 30}],
                     "balance": [{"dimension": "business_unit", "value": "u1",
                                  "min_share": 0.4}]},
                    ("balance", "min_share", 0.25)),
    "risk exposure": ({"projects": [_mandatory(0, risk=0.5)],
                       "costs": [{"project": "M0", "offset": 0, "amount": 40}],
                       "risk_appetite": {"max_exposure": 15}},
                      ("risk_appetite", "max_exposure", 20)),
    "risk high share": ({"projects": [_mandatory(0, risk=0.8), _mandatory(1, risk=0.1)],
                         "costs": [{"project": "M0", "offset": 0, "amount": 30},
                                   {"project": "M1", "offset": 0, "amount": 10}],
                         "risk_appetite": {"max_high_risk_share": 0.5}},
                        ("risk_appetite", "max_high_risk_share", 0.75)),
    "risk average": ({"projects": [_mandatory(0, risk=0.8), _mandatory(1, risk=0.2)],
                      "costs": [{"project": f"M{i}", "offset": 0, "amount": 10}
                                for i in range(2)],
                      "risk_appetite": {"max_average_risk": 0.3}},
                     ("risk_appetite", "max_average_risk", 0.5)),
    # releasing M0 (1) beats releasing both forces or both exclusions (2)
    "mandatory": ({"projects": [_mandatory(0), {"id": "F1", "value": 1, "force": "in"},
                                {"id": "F2", "value": 1, "force": "in"}],
                   "dependencies": [{"project": "M0", "kind": "excludes", "other": f}
                                    for f in ("F1", "F2")]},
                  ("projects", "status", "candidate")),
    "force": ({"projects": [_mandatory(0), _mandatory(1),
                            {"id": "F", "value": 1, "force": "in"}],
               "dependencies": [{"project": "F", "kind": "excludes", "other": f"M{i}"}
                                for i in range(2)]},
              ("projects", "force", "")),
    # M0 is fixed in Q1 and must follow B, fixed in Q2; a group needs M0 too, so
    # dropping the dependency (1) beats releasing M0 and the group (2)
    "dependency": ({"projects": [_mandatory(0, duration=1, earliest_start="Q1",
                                            latest_start="Q1"),
                                 {"id": "B", "value": 1, "duration": 1, "earliest_start": "Q2",
                                  "latest_start": "Q2"}],
                    "dependencies": [{"project": "M0", "kind": "after", "other": "B"}],
                    "groups": [{"group": "g", "project": "M0"}],
                    "group_limits": [{"group": "g", "min": 1}]},
                   ("dependencies", None, None)),
    # U serves no objective but two mandatory projects require it: aligning U
    # (one release) is cheaper than two
    "alignment": ({"projects": [_mandatory(0), _mandatory(1), {"id": "U", "value": 1}],
                   "objectives": [{"id": "o"}],
                   "alignment": [{"project": f"M{i}", "objective": "o", "score": 1}
                                 for i in range(2)],
                   "dependencies": [{"project": f"M{i}", "kind": "requires", "other": "U"}
                                    for i in range(2)]},
                  ("alignment", "score", 1)),
}


@pytest.mark.parametrize("name", sorted(HAND_MADE))
def test_relaxation_restores_a_plan(name):
    tables, expected = HAND_MADE[name]
    relaxation = assert_relaxation_restores({"periods": P, **tables})
    table, column, needed = expected
    assert {(r.table, r.column) for r in relaxation} == {(table, column)}
    for r in relaxation:
        if isinstance(needed, str):
            assert r.value == needed and r.key == {"id": r.constraint.split("[")[1][:-1]}
        elif needed is None:
            assert r.delete_row and r.key == {"project": "M0", "kind": "after", "other": "B"}
        else:
            assert r.needed == needed


def test_share_relaxation_in_input_units():
    """balance min_share 0.4 is lowered to 0.25, the share M0 has (shares were
    said in the model's units: from 0 to a negative amount of money)."""
    tables, _ = HAND_MADE["balance min"]
    plan = solve_checked({"periods": P, **tables}, solver="highs")
    r = plan.relaxation[0]
    assert (r.limit, r.needed, r.key) == (0.4, 0.25, {"dimension": "business_unit",
                                                       "value": "u1"})
    assert "from 0.4 to 0.25" in r.sentence


@st.composite
def overcommitted(draw):
    """A drawn portfolio with some of its candidates forced in: mostly infeasible."""
    doc = draw(portfolio_docs(Shape(max_projects=7, max_periods=4, max_mandatory=3)))
    rng = draw(st.randoms(use_true_random=False))
    for p in doc["projects"]:
        if p.get("status") in (None, "candidate") and "force" not in p and rng.random() < 0.5:
            p["force"] = "in"
    return doc


@settings(FAST, max_examples=60)
@given(overcommitted())
def test_relaxations_of_random_infeasible_portfolios(doc):
    try:
        portfolio_of(doc)
    except InvalidPortfolio:
        assume(False)
    plan = solve_checked(doc, solver="highs")
    assume(plan.status == "infeasible")
    assert_relaxation_restores(doc)
