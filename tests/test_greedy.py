"""The greedy first plan: always checked-feasible, and the answer of last resort."""

from __future__ import annotations

import numpy as np
import pytest
from spmo.engine.check import check
from spmo.engine.derive import derive
from spmo.engine.model.build import build
from spmo.engine.model.decode import assignment_of
from spmo.engine.synthetic.generate import generate_portfolio
from spmo.solvers.base import Result, Status
from spmo.solvers.large.greedy import greedy_plan
from spmo.solvers.strategy import last_resort

from .conftest import portfolio_of


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_greedy_plan_passes_the_independent_check(seed):
    portfolio = portfolio_of(generate_portfolio(200, 8, seed, skills=6))
    model = build(portfolio)
    x = greedy_plan(model)
    assert x is not None
    report = check(portfolio, derive(portfolio), assignment_of(portfolio, model, x))
    assert report.ok, report.violations
    assert len(assignment_of(portfolio, model, x).starts) > 0


def test_no_solution_falls_back_to_the_greedy_plan():
    portfolio = portfolio_of(generate_portfolio(50, 6, 4, skills=4))
    model = build(portfolio)
    first = greedy_plan(model)
    timed_out = Result(Status.NO_SOLUTION, None, None, 1.0, 5.0, "highs")
    result = last_resort(timed_out, model, first)
    assert result.status == Status.FEASIBLE
    assert result.objective == pytest.approx(float(model.c @ first))
    assert "greedy" in result.notes[-1]
    assert last_resort(timed_out, model, None).status == Status.NO_SOLUTION


def test_a_worse_feasible_plan_gives_way_to_the_greedy_plan():
    portfolio = portfolio_of(generate_portfolio(50, 6, 4, skills=4))
    model = build(portfolio)
    first = greedy_plan(model)
    value = float(model.c @ first)
    worse = Result(Status.FEASIBLE, first * 0, value - 1.0, value + 1.0, 5.0, "cpsat")
    kept = last_resort(worse, model, first)
    assert kept.x is first and kept.objective == pytest.approx(value) and kept.bound == value + 1
    better = Result(Status.FEASIBLE, first, value + 0.5, value + 1.0, 5.0, "cpsat")
    assert last_resort(better, model, first) is better


def test_repair_keeps_the_preferred_plan_around_a_forced_project():
    """The counterfactual warm start: the base plan's starts come first, the
    forced project is placed, closed starts (ub 0) never are, and it checks."""
    from spmo.engine.model.transforms import forced

    portfolio = portfolio_of(generate_portfolio(60, 6, 5, skills=4))
    model = build(portfolio)
    base = greedy_plan(model)
    chosen = set(model.starts["project"][base[: len(model.starts)] > 0.5])
    outside = [p for p in portfolio.projects.index if p not in chosen
               and portfolio.projects.at[p, "force"] != "out"]
    target = next(p for p in outside
                  if greedy_plan(forced(model, p, "in"), prefer=base) is not None)
    repaired = greedy_plan(forced(model, target, "in"), prefer=base)
    plan = assignment_of(portfolio, model, repaired)
    assert target in plan.starts
    kept = chosen & set(plan.starts)
    assert len(kept) >= len(chosen) - 6, "the repair should keep most of the base plan"
    for p in kept:
        row = model.starts[(model.starts["project"] == p)
                           & (model.starts["start"] == plan.starts[p])].index[0]
        assert base[row] == 1.0, "a kept project keeps its start"
    closed = {p: greedy_plan(forced(model, p, "out"), prefer=base) for p in sorted(chosen)}
    closed = {p: x for p, x in closed.items() if x is not None}
    assert closed, "some selected project can be closed"
    for p, x in closed.items():
        assert p not in assignment_of(portfolio, model, x).starts


@pytest.mark.parametrize("seed", [1, 5])
def test_the_chunked_pre_test_changes_no_decision(monkeypatch, seed):
    """Starts rejected together in a chunk are exactly those the one-by-one loop
    rejects: the plans match a chunk size of 1 (every start tested at its
    turn), in density order, in a random score order and repairing a plan."""
    from spmo.solvers.large import greedy

    model = build(portfolio_of(generate_portfolio(300, 8, seed, skills=6)))
    rng = np.random.default_rng(seed)
    orders = [{}, {"score": rng.normal(size=model.n_vars)},
              {"prefer": greedy_plan(model, score=rng.normal(size=model.n_vars))}]
    chunked = [greedy_plan(model, **kw) for kw in orders]
    monkeypatch.setattr(greedy, "CHUNK", 1)
    for kw, plan in zip(orders, chunked, strict=True):
        one_by_one = greedy_plan(model, **kw)
        assert plan is not None and np.array_equal(plan, one_by_one)


def _greedy_checked(document: dict):
    """The greedy plan of `document`, re-checked by the independent checker."""
    portfolio = portfolio_of(document)
    model = build(portfolio)
    x = greedy_plan(model)
    assert x is not None
    plan = assignment_of(portfolio, model, x)
    report = check(portfolio, derive(portfolio), plan)
    assert report.ok, report.violations
    return plan


def _paid(plan) -> dict:
    """(project, source, period) -> amount > 0 of the plan's funding split."""
    rows = plan.funding.itertuples(index=False)
    return {(r.project, r.source, r.period): r.amount for r in rows if r.amount > 1e-9}


def _sources(core: float) -> dict:
    """fund_doc's rd projects paid by a grant of 12 (at most half of A), A's rest by core."""
    return {"funding_sources": [{"source": "grant", "amount": 12},
                                {"source": "core", "amount": core}],
            "eligibility": [{"source": "grant", "category": "rd"},
                            {"source": "grant", "project": "A", "max_share": 0.5},
                            {"source": "core", "project": "A"}]}


def test_greedy_places_source_funded_projects_with_their_split():
    """A (spends 6, 4) may take half of each period's spend from the grant and
    the rest from core (5): the fill pays 3 + 2 from the grant and 3 + 2 from
    core; C (5) and D (2) are paid by the grant's 7 left; B from general money.
    Before the fill the greedy never placed a source-funded project."""
    from .test_families_funding import fund_doc

    plan = _greedy_checked(fund_doc(**_sources(5)))
    assert set(plan.starts) == {"A", "B", "C", "D"}
    paid = _paid(plan)
    assert paid == pytest.approx({("A", "core", "T1"): 3, ("A", "core", "T2"): 2,
                                  ("A", "grant", "T1"): 3, ("A", "grant", "T2"): 2,
                                  ("C", "grant", "T1"): 5, ("D", "grant", "T2"): 2})


def test_greedy_leaves_out_a_project_its_sources_cannot_pay():
    """core has 4 where A needs 5 beside the grant's half: A stays out (its
    partial fill undone: nothing is drawn for it), the rest is placed."""
    from .test_families_funding import fund_doc

    plan = _greedy_checked(fund_doc(**_sources(4)))
    assert set(plan.starts) == {"B", "C", "D"}
    assert not any(p == "A" for p, _, _ in _paid(plan))


def test_greedy_plans_the_funding_example():
    """examples/northwind-funding.json: four of its five mandatory projects are
    compliance projects paid by sources (before the fill the greedy found no
    plan); the greedy's plan places all five and passes the checker."""
    import json

    from .conftest import EXAMPLES

    document = json.loads((EXAMPLES / "northwind-funding.json").read_text())
    plan = _greedy_checked(document)
    mandatory = {p["id"] for p in document["projects"] if p.get("status") == "mandatory"}
    assert mandatory and mandatory <= set(plan.starts)
    assert sum(_paid(plan).values()) > 0


@pytest.mark.parametrize("a_extra", [{"min_scope": 0.5}, {"min_scope": 0.5, "scope_step": 0.25},
                                     {"min_scope": 0.5, "scope_value": "concave"}])
def test_greedy_places_a_partly_fundable_project_at_its_full_share(a_extra):
    """A (value 10, cost 10, min_scope 0.5) beside B (6, 4) and C (3, 3): with a
    budget of 20 all three fit, A at share 1 (the plan's objective is the whole
    value, 19, a concave value included); with 10 and A mandatory, A alone
    (share 1). Before, the greedy never placed A and, A being mandatory, found
    no plan at all."""
    from .test_families_funding import scope_doc

    portfolio = portfolio_of(scope_doc(a_extra, budget=20))
    model = build(portfolio)
    assert float(model.c @ greedy_plan(model)) == pytest.approx(19.0)
    plan = _greedy_checked(scope_doc(a_extra, budget=20))
    assert set(plan.starts) == {"A", "B", "C"}
    assert plan.shares.get("A", 1.0) == pytest.approx(1.0)
    plan = _greedy_checked(scope_doc({**a_extra, "status": "mandatory"}, budget=10))
    assert set(plan.starts) == {"A"}
    assert plan.shares.get("A", 1.0) == pytest.approx(1.0)


@pytest.mark.parametrize("kind", ["requires", "after"])
def test_repair_places_a_forced_projects_prerequisite(kind):
    """A (value 5) needs B (value -1, so the greedy never picks B for itself):
    with A forced in, B is placed too, first, and before C takes the budget
    (before, the repair found no plan and the estimate had no upper end)."""
    from spmo.engine.model.transforms import forced

    periods = [{"id": f"T{i}"} for i in range(1, 5)]
    projects = [{"id": "A", "value": 5, "duration": 1}, {"id": "B", "value": -1, "duration": 1},
                {"id": "C", "value": 20, "duration": 1}]
    document = {"periods": periods, "projects": projects,
                "costs": [{"project": p, "offset": 0, "amount": a, "pool": "capex"}
                          for p, a in (("A", 4), ("B", 4), ("C", 5))],
                "budgets": [{"pool": "capex", "limit": 9}],
                "dependencies": [{"project": "A", "kind": kind, "other": "B"}],
                "settings": {"objective": "financial", "require_alignment": False}}
    portfolio = portfolio_of(document)
    model = build(portfolio)
    base = greedy_plan(model)
    assert set(assignment_of(portfolio, model, base).starts) == {"C"}
    repaired = greedy_plan(forced(model, "A", "in"), prefer=base)
    assert repaired is not None
    plan = assignment_of(portfolio, model, repaired)
    assert {"A", "B"} <= set(plan.starts)
    if kind == "after":
        assert plan.starts["A"] > plan.starts["B"]
    assert check(portfolio, derive(portfolio), plan).ok


def test_repair_tries_an_after_prerequisite_at_its_earliest_start():
    """A (latest start T3) comes after B (2 periods): the preferred plan has B
    at T2, which leaves A no start; with A forced in, B is tried from its
    earliest start (T1, finishing T2), so A fits at T3."""
    from spmo.engine.model.transforms import forced

    periods = [{"id": f"T{i}"} for i in range(1, 5)]
    projects = [{"id": "A", "value": 5, "duration": 1, "latest_start": "T3"},
                {"id": "B", "value": 1, "duration": 2}]
    document = {"periods": periods, "projects": projects,
                "dependencies": [{"project": "A", "kind": "after", "other": "B"}],
                "settings": {"objective": "financial", "require_alignment": False}}
    portfolio = portfolio_of(document)
    model = build(portfolio)
    late_b = np.zeros(model.n_vars)
    late_b[model.starts.index[(model.starts["project"] == "B")
                              & (model.starts["start"] == 1)][0]] = 1.0
    repaired = greedy_plan(forced(model, "A", "in"), prefer=late_b)
    assert repaired is not None
    plan = assignment_of(portfolio, model, repaired)
    assert plan.starts == {"B": 0, "A": 2}
