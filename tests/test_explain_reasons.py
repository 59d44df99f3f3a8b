"""The code and binding rows of excluded projects (engine/reasons.py), held to
the independent checker: a `dominated` project fits beside the reported plan
at some start (with the least purchase of extra FTE it needs, charged to the
budgets that pay for bought capacity), and for a limit code the binding rows
are exactly what the checker finds broken at the best start, and something
breaks at every start. No structural row (window, synergy) is ever binding.
The code is the same whatever the explanation level."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from spmo.engine.check import Assignment, check
from spmo.engine.derive import derive
from spmo.engine.model.build import build
from spmo.engine.model.transforms import forced
from spmo.engine.rows import REASON_CODE, REASON_ORDER, STRUCTURAL, family_of
from spmo.solvers.base import SolveOptions, Status
from spmo.solvers.highs import HighsBackend

from .conftest import portfolio_of, solve_checked
from .strategies import portfolio_docs
from .test_explain_figures import FAST, P, valid_or_discard

STATIC = {"forced_out", "unaligned", "no_fit"}


def least_purchase(portfolio, starts: dict[str, int]) -> pd.DataFrame:
    """Bought FTE max(0, demand - fte), at most extra_fte, per (skill, period),
    from the input tables alone (not the model)."""
    demands = portfolio.table("demands")
    demands = demands[demands["project"].isin(list(starts))]
    need: dict[tuple[str, str], float] = {}
    for p, skill, offset, fte in demands[["project", "skill", "offset", "fte"]].itertuples(
            index=False):
        key = (skill, portfolio.periods[starts[p] + int(offset)])
        need[key] = need.get(key, 0.0) + float(fte)
    rows = []
    for skill, period, fte, extra in portfolio.table("capacity")[
            ["skill", "period", "fte", "extra_fte"]].itertuples(index=False):
        short = need.get((skill, period), 0.0) - fte
        if short > 0 and extra > 0:
            rows.append({"skill": skill, "period": period, "fte": min(short, float(extra))})
    return pd.DataFrame(rows, columns=["skill", "period", "fte"])


def broken_rows(portfolio, derived, plan, project: str, start: int) -> set[str]:
    """The rows the checker finds broken when `project` joins the reported plan at
    `start`, buying the least extra FTE the new selection needs."""
    index_of = {p: i for i, p in enumerate(portfolio.periods)}
    starts = {s.project: index_of[s.start] for s in plan.selected}
    starts[project] = start
    report = check(portfolio, derived, Assignment(starts, least_purchase(portfolio, starts)))
    return {v.row for v in report.violations}


def allowed_starts(derived, project: str) -> range:
    w = derived.windows.loc[project]
    return range(int(w["earliest"]), int(w["latest"]) + 1)


def assert_conflict(portfolio, project: str, names: list[str]) -> None:
    """No plan contains `project` even when every limit and rule not in `names`
    is lifted (HiGHS on the forced model)."""
    model = forced(build(portfolio), project, "in")
    keep = np.isin(model.row_name, names) | np.isin(model.row_family, list(STRUCTURAL)) | \
        (model.row_project == project)
    lo, hi = model.row_lo.copy(), model.row_hi.copy()
    lo[~keep], hi[~keep] = -np.inf, np.inf
    result = HighsBackend().solve(dataclasses.replace(model, row_lo=lo, row_hi=hi),
                                  SolveOptions(time_limit_s=30, workers=1))
    assert result.status == Status.INFEASIBLE, (project, names, result.status)


def assert_reasons_hold(portfolio, plan) -> None:
    derived = derive(portfolio)
    for e in plan.excluded:
        if e.code in STATIC:  # no_fit names its own window[P]: the input's window
            continue
        assert not any(family_of(n) in STRUCTURAL for n in e.binding), (e.project, e.binding)
        if e.code == "infeasible_alone":
            assert_conflict(portfolio, e.project, e.binding)
            continue
        broken = {s: broken_rows(portfolio, derived, plan, e.project, s)
                  for s in allowed_starts(derived, e.project)}
        if e.code == "dominated":
            assert e.binding == []
            assert any(not rows for rows in broken.values()), (e.project, broken)
            continue
        assert all(broken.values()), (e.project, e.code, broken)
        assert any(rows == set(e.binding) for rows in broken.values()), \
            (e.project, e.code, e.binding, broken)
        families = {REASON_CODE[family_of(n)] for n in e.binding}
        assert e.code == next(c for c in REASON_ORDER if c in families)


@pytest.mark.parametrize("solver", ["highs", "cpsat"])
@settings(FAST, max_examples=50)
@given(doc=portfolio_docs())
def test_codes_hold_against_the_checker(doc, solver):
    portfolio = valid_or_discard(doc)
    plan = solve_checked(portfolio, solver=solver)
    assume(plan.objective is not None)
    assert_reasons_hold(portfolio, plan)


def test_bought_capacity_charged_to_the_budget():
    """X's own cost fits the budget, but it needs 2 FTE that must be bought at 5
    each: 4 + 1 + 10 > 10, so the budget keeps it out (the old reasons left the
    purchase out and called it dominated)."""
    d = {"periods": P,
         "projects": [{"id": "A"}, {"id": "X"}],
         "objectives": [{"id": "o"}],
         "alignment": [{"project": p, "objective": "o", "score": s}
                       for p, s in (("A", 3), ("X", 1))],
         "costs": [{"project": "A", "offset": 0, "amount": 4},
                   {"project": "X", "offset": 0, "amount": 1}],
         "demands": [{"project": "X", "skill": "dev", "offset": 0, "fte": 2}],
         "capacity": [{"skill": "dev", "period": q["id"], "fte": 0, "extra_fte": 3,
                       "extra_cost": 5} for q in P],
         "budgets": [{"limit": 10}]}
    portfolio = portfolio_of(d)
    plan = solve_checked(portfolio, solver="highs")
    x = next(e for e in plan.excluded if e.project == "X")
    assert (x.code, x.binding) == ("budget", ["budget[*]"])
    assert_reasons_hold(portfolio, plan)


def test_solver_purchase_is_not_spend():
    """Under a strategic objective bought FTE is free, so a solver may buy all on
    offer although nobody needs it; the plan buys none. The reasons read the
    plan: beside A, X breaks only the group (the old ones read the solver's 3
    FTE x 5 of spend and named the budget too)."""
    from spmo.engine.model.build import build
    from spmo.engine.reasons import first_reasons

    d = {"periods": [{"id": "Q1"}],
         "projects": [{"id": "A"}, {"id": "X"}],
         "objectives": [{"id": "o"}],
         "alignment": [{"project": "A", "objective": "o", "score": 3},
                       {"project": "X", "objective": "o", "score": 1}],
         "costs": [{"project": p, "offset": 0, "amount": 2} for p in "AX"],
         "demands": [{"project": "A", "skill": "dev", "offset": 0, "fte": 1}],
         "capacity": [{"skill": "dev", "period": "Q1", "fte": 1, "extra_fte": 3,
                       "extra_cost": 5}],
         "budgets": [{"limit": 18}],
         "groups": [{"group": "g", "project": p} for p in "AX"],
         "group_limits": [{"group": "g", "max": 1}]}
    portfolio = portfolio_of(d)
    derived = derive(portfolio)
    model = build(portfolio, derived)
    x = np.zeros(model.n_vars)
    x[int(model.starts.index[model.starts["project"] == "A"][0])] = 1.0
    x[model.extra["var"].to_numpy()] = 3.0  # all on offer: 2 + 15 <= 18 holds
    assert (model.activity(x) <= model.row_hi + 1e-9).all()
    reasons = {e.project: e for e in first_reasons(portfolio, derived, model, x, {"A"})}
    assert (reasons["X"].code, reasons["X"].binding) == ("group", ["group[g,max]"])
    plan = solve_checked(portfolio, solver="cpsat")
    assert_reasons_hold(portfolio, plan)


def test_synergy_row_is_never_binding():
    """X is kept out by the budget and has a synergy with the selected A: adding
    it would also break the synergy link row (its z is 0), which is bookkeeping,
    not a limit (the old reasons listed synergy[A,X])."""
    d = {"periods": P,
         "projects": [{"id": "A", "value": 10}, {"id": "X", "value": 5}],
         "costs": [{"project": p, "offset": 0, "amount": 8} for p in "AX"],
         "budgets": [{"limit": 10}],
         "synergies": [{"project_a": "A", "project_b": "X", "value": -1}]}
    portfolio = portfolio_of(d)
    plan = solve_checked(portfolio, solver="highs")
    x = next(e for e in plan.excluded if e.project == "X")
    assert (x.code, x.binding) == ("budget", ["budget[*]"])


@pytest.mark.parametrize("seed", range(3))
def test_reasons_hold_on_generated_portfolios(seed):
    """The generator's portfolios (bought capacity, pools, themes, variants):
    every reason holds against the checker."""
    from spmo.engine.synthetic.generate import generate_portfolio

    portfolio = portfolio_of(generate_portfolio(projects=30, periods=6, seed=seed, skills=4))
    plan = solve_checked(portfolio, solver="highs")
    assert_reasons_hold(portfolio, plan)


IMPOSSIBLE = {
    # X requires Q, which is forced out
    "requires a forced-out project": (
        {"projects": [{"id": "Q", "value": 1, "force": "out"}, {"id": "X", "value": 5}],
         "dependencies": [{"project": "X", "kind": "requires", "other": "Q"}]},
        {"requires[X,Q]", "force[Q]"}),
    # the group's one place is taken by a mandatory member
    "group full of mandatory": (
        {"projects": [{"id": "M", "value": 1, "status": "mandatory"}, {"id": "X", "value": 5}],
         "groups": [{"group": "g", "project": p} for p in "MX"],
         "group_limits": [{"group": "g", "max": 1}]},
        {"group[g,max]", "mandatory[M]"}),
    # the mandatory M spends 8 of 10 at any start; X costs 3
    "budget spent by mandatory": (
        {"projects": [{"id": "M", "value": 1, "status": "mandatory"}, {"id": "X", "value": 5}],
         "costs": [{"project": "M", "offset": 0, "amount": 8},
                   {"project": "X", "offset": 0, "amount": 3}],
         "budgets": [{"limit": 10}]},
        {"budget[*]", "mandatory[M]"}),
    # X requires R, and R excludes the mandatory M: a chain of two rules
    "a chain": (
        {"projects": [{"id": "M", "value": 1, "status": "mandatory"}, {"id": "R", "value": 1},
                      {"id": "X", "value": 5}],
         "dependencies": [{"project": "X", "kind": "requires", "other": "R"},
                          {"project": "R", "kind": "excludes", "other": "M"}]},
        {"requires[X,R]", "excludes[R,M]", "mandatory[M]"}),
    # X may start only in Q1, after B, which cannot finish before Q2
    "after an impossible window": (
        {"projects": [{"id": "B", "value": 1, "duration": 1, "earliest_start": "Q2"},
                      {"id": "X", "value": 5, "duration": 1, "latest_start": "Q1"}],
         "dependencies": [{"project": "X", "kind": "after", "other": "B"}]},
        {"after[X,B]"}),
}


@pytest.mark.parametrize("name", sorted(IMPOSSIBLE))
def test_infeasible_alone_without_a_solve(name):
    """Proven from the rows alone, so the code is the same at every level (none
    included), with the rows of the proof in binding."""
    tables, proof = IMPOSSIBLE[name]
    portfolio = portfolio_of({"periods": P, **tables})
    plan = solve_checked(portfolio, explain="none")
    x = next(e for e in plan.excluded if e.project == "X")
    assert (x.code, set(x.binding)) == ("infeasible_alone", proof)
    assert_conflict(portfolio, "X", x.binding)
    exact = solve_checked(portfolio, explain="exact")
    x = next(e for e in exact.excluded if e.project == "X")
    assert (x.code, x.cost_status, set(x.forcing_conflict)) == \
        ("infeasible_alone", "infeasible", proof)
