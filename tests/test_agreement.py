"""Every backend, the model and the independent checker agree.

- Random portfolios that use every table of the contract (tests/strategies.py)
  are solved with every backend (HiGHS, CP-SAT, CBC through PuLP): the status
  is the same (optimal or infeasible), the optimal objective is the same, and
  every plan passes the independent checker (`solve_checked`).
- Tiny portfolios are solved by brute force: every selection (and start) is
  judged by the independent checker alone, and the best feasible objective
  must be each backend's optimum, and the model's own optimum (c.x).
- The PuLP translation itself: ranged and equality rows, repeated entries,
  continuous columns, empty rows, names.

Objectives are compared within 1e-6 relative (of max(1, |objective|)): the
checker's own tolerance, well above the 1e-9 the backends are asked to work
at. A backend missing the optimum by less than that would pass; with the
whole amounts the strategies draw, distinct plans rarely come that close.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from spmo.engine.check import Assignment, check
from spmo.engine.derive import derive
from spmo.engine.errors import InvalidPortfolio
from spmo.engine.model.build import build
from spmo.engine.model.linear import LinearModel
from spmo.solvers.base import SolveOptions, Status
from spmo.solvers.registry import UnknownSolver, pick

from .conftest import portfolio_of, solve_checked
from .strategies import Shape, portfolio_docs

BACKENDS = ("highs", "cpsat", "cbc")
REL_TOL = 1e-6
"""Objectives agree within REL_TOL * max(1, |objective|) (see the module doc)."""

FAST = settings(deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= REL_TOL * max(1.0, abs(a), abs(b))


def _valid(doc: dict):
    """The validated portfolio, or reject the draw (the strategy aims at valid input)."""
    try:
        return portfolio_of(doc)
    except InvalidPortfolio:
        assume(False)


def _model_optimum(portfolio) -> tuple[Status, float | None]:
    """The model's own optimum c.x (no checker involved), by HiGHS."""
    model = build(portfolio)
    result = pick("highs", model).solve(model, SolveOptions(time_limit_s=20, workers=1))
    return result.status, result.objective


@settings(FAST, max_examples=40)
@given(portfolio_docs())
def test_backends_agree_on_random_portfolios(doc):
    portfolio = _valid(doc)
    plans = {name: solve_checked(portfolio, solver=name) for name in BACKENDS}
    statuses = {name: p.status for name, p in plans.items()}
    assert set(statuses.values()) <= {"optimal", "infeasible"}, statuses
    assert len(set(statuses.values())) == 1, statuses
    raw_status, raw_objective = _model_optimum(portfolio)
    if statuses["highs"] == "infeasible":
        assert raw_status == Status.INFEASIBLE
        assert all(p.conflicts for p in plans.values()), "an infeasible plan names conflicts"
        return
    objectives = {name: p.objective for name, p in plans.items()}
    assert all(_close(o, objectives["highs"]) for o in objectives.values()), objectives
    # the model's objective of its optimum is the checker's objective of the plan
    assert raw_status == Status.OPTIMAL and _close(raw_objective, objectives["highs"]), (
        raw_objective, objectives)
    for name, p in plans.items():
        assert p.gap is not None and p.gap <= REL_TOL, (name, p.bound, p.objective)
        assert p.solver == name


@pytest.mark.parametrize("name", ["highs", "cbc", "cpsat"])
@pytest.mark.parametrize("share", [1 / 3, 2 / 7 + 1 / 21])
def test_share_of_one_third_is_met_exactly(name, share):
    """A at 10 and B at 20: A's share of the total cost is exactly 1/3, the limit
    (CP-SAT scales the share row by the fraction's denominator to stay exact)."""
    doc = {"name": "third", "periods": [{"id": "T1"}],
           "projects": [{"id": "A", "category": "growth", "value": 10},
                        {"id": "B", "category": "run", "value": 20}],
           "costs": [{"project": "A", "offset": 0, "amount": 10},
                     {"project": "B", "offset": 0, "amount": 20}],
           "balance": [{"dimension": "category", "value": "growth", "max_share": share}]}
    plan = solve_checked(doc, solver=name)
    assert plan.status == "optimal"
    assert {r.project for r in plan.selected} == {"A", "B"} and _close(plan.objective, 30.0)


# ----------------------------------------------------------------------------- brute force


def _bought(portfolio, starts: dict[str, int]) -> pd.DataFrame:
    """The least purchase of each (skill, period) a selection needs, from the tables:
    max(0, demand - fte), at most extra_fte (more demand breaks capacity anyway)."""
    demands = portfolio.table("demands")
    need: dict[tuple[str, int], float] = {}
    for p, skill, offset, fte in demands[["project", "skill", "offset", "fte"]].itertuples(
            index=False):
        if p in starts:
            key = (skill, starts[p] + int(offset))
            need[key] = need.get(key, 0.0) + float(fte)
    index_of = {t: i for i, t in enumerate(portfolio.periods)}
    rows = []
    for skill, period, fte, extra in portfolio.table("capacity")[
            ["skill", "period", "fte", "extra_fte"]].itertuples(index=False):
        short = need.get((skill, index_of[period]), 0.0) - float(fte)
        if short > 0 and extra > 0:
            rows.append({"skill": skill, "period": period, "fte": min(short, float(extra))})
    return pd.DataFrame(rows, columns=["skill", "period", "fte"])


def _brute_force(portfolio) -> float | None:
    """The best objective over every selection and start the checker accepts."""
    derived = derive(portfolio)
    windows = derived.windows
    choices = []
    for p in portfolio.projects.index:
        starts = range(windows.at[p, "earliest"], windows.at[p, "latest"] + 1) \
            if windows.at[p, "fits"] else range(0)
        choices.append([None, *starts])
    assume(math.prod(len(c) for c in choices) <= 64)
    best = None
    for combo in itertools.product(*choices):
        starts = {p: s for p, s in zip(portfolio.projects.index, combo, strict=True)
                  if s is not None}
        report = check(portfolio, derived, Assignment(starts, _bought(portfolio, starts)))
        if report.ok and (best is None or report.objective > best):
            best = report.objective
    return best


def _assert_brute_force(portfolio) -> None:
    best = _brute_force(portfolio)
    raw_status, raw_objective = _model_optimum(portfolio)
    if best is None:
        assert raw_status == Status.INFEASIBLE, ("the checker accepts no plan", raw_objective)
    else:
        assert raw_status == Status.OPTIMAL and _close(raw_objective, best), (raw_objective, best)
    for name in BACKENDS:
        plan = solve_checked(portfolio, solver=name)
        if best is None:
            assert plan.status == "infeasible", (name, plan.status, plan.objective)
        else:
            assert plan.status == "optimal", (name, plan.status)
            assert _close(plan.objective, best), (name, plan.objective, best)


@settings(FAST, max_examples=10)
@given(portfolio_docs(Shape(min_projects=2, max_projects=5, max_periods=4, fixed_starts=True)))
def test_brute_force_fixed_starts(doc):
    _assert_brute_force(_valid(doc))


@settings(FAST, max_examples=8)
@given(portfolio_docs(Shape(min_projects=2, max_projects=3, max_periods=4, max_window=2)))
def test_brute_force_with_start_choice(doc):
    _assert_brute_force(_valid(doc))


# ----------------------------------------------------------------------------- PuLP translation


def _tiny_model(repeated: bool = False) -> LinearModel:
    """max 3a + 2b + 4c + 0.5e over binaries a, b, c and e in [0, 2.5]:
    row0: 1 <= a + b + c <= 2 (ranged), row1: 2a + b == 1 (with `repeated`
    written a + b + a: a repeated (row, column) entry), row2: 2c - e <= 0.5,
    row3: an empty free row."""
    if repeated:
        rows, cols, vals = [0, 0, 0, 1, 1, 1, 2, 2], [0, 1, 2, 0, 1, 0, 2, 3], [1.0] * 6
    else:
        rows, cols, vals = [0, 0, 0, 1, 1, 2, 2], [0, 1, 2, 0, 1, 2, 3], [1, 1, 1, 2, 1]
    return LinearModel(
        lb=np.zeros(4), ub=np.array([1.0, 1.0, 1.0, 2.5]),
        integer=np.array([True, True, True, False]), c=np.array([3.0, 2.0, 4.0, 0.5]),
        row_name=np.array(["r[a]", "r[b]", "r[c]", "r[d]"], dtype=object),
        row_family=np.array(["r"] * 4, dtype=object),
        row_lo=np.array([1.0, 1.0, -np.inf, -np.inf]),
        row_hi=np.array([2.0, 1.0, 0.5, np.inf]),
        a_row=np.array(rows), a_col=np.array(cols), a_val=np.array(vals + [2.0, -1.0]),
        starts=pd.DataFrame(columns=["project", "start"]), extra=pd.DataFrame(),
        pairs=pd.DataFrame())


def _tiny_optimum() -> float:
    """Best c.x of the tiny model by enumeration of the binaries (e at its best
    feasible value)."""
    best = -np.inf
    for a, b, c in itertools.product((0, 1), repeat=3):
        if not (1 <= a + b + c <= 2 and 2 * a + b == 1):
            continue
        e = 2.5  # more e only loosens row 2 and adds to the objective
        if 2 * c - e <= 0.5:
            best = max(best, 3 * a + 2 * b + 4 * c + 0.5 * e)
    return best


@pytest.mark.parametrize(("name", "repeated"), [
    ("cbc", False), ("pulp:highs", False), ("highs", False), ("cpsat", False),
    ("cbc", True), ("pulp:highs", True), ("cpsat", True),
    ("highs", True)])
def test_translation_of_rows(name, repeated):
    model = _tiny_model(repeated)
    result = pick(name, model).solve(model, SolveOptions(time_limit_s=10, workers=1))
    assert result.status == Status.OPTIMAL
    assert _close(result.objective, _tiny_optimum())
    activity = model.activity(result.x)
    assert np.all(activity <= model.row_hi + 1e-9) and np.all(activity >= model.row_lo - 1e-9)
    assert np.all(result.x[model.integer] == np.round(result.x[model.integer]))
    assert result.bound is not None and result.bound >= result.objective - 1e-9


@pytest.mark.parametrize("name", ["cbc", "pulp:HiGHS"])
def test_pulp_infeasible_and_empty_rows(name):
    model = _tiny_model(repeated=True)
    model.row_lo = model.row_lo.copy()
    model.row_lo[0] = 3.0  # a + b + c >= 3 with 2a + b == 1: impossible
    model.row_hi = model.row_hi.copy()
    model.row_hi[0] = 3.0
    assert pick(name, model).solve(model, SolveOptions(time_limit_s=10)).status == \
        Status.INFEASIBLE
    model = _tiny_model()
    model.row_lo = np.r_[model.row_lo[:3], 1.0]  # the empty row demands 0 >= 1
    result = pick(name, model).solve(model, SolveOptions(time_limit_s=10))
    assert result.status == Status.INFEASIBLE and result.x is None


def test_pulp_names_through_the_registry():
    model = _tiny_model()
    assert pick("cbc", model).name == "cbc"
    assert pick("pulp:highs", model).name == "pulp:HiGHS"
    with pytest.raises(UnknownSolver):
        pick("pulp:no-such-solver", model)


def _hard_knapsack(n: int = 120, m: int = 10) -> LinearModel:
    """A multi-dimensional knapsack that takes CBC and HiGHS well over a second to prove."""
    rng = np.random.default_rng(3)
    w = rng.integers(20, 100, size=(m, n)).astype(float)
    return LinearModel(
        lb=np.zeros(n), ub=np.ones(n), integer=np.ones(n, dtype=bool),
        c=w.sum(axis=0) / m + rng.integers(-10, 10, size=n),
        row_name=np.array([f"k[{i}]" for i in range(m)], dtype=object),
        row_family=np.array(["k"] * m, dtype=object), row_lo=np.full(m, -np.inf),
        row_hi=w.sum(axis=1) / 2, a_row=np.repeat(np.arange(m), n),
        a_col=np.tile(np.arange(n), m), a_val=w.ravel(), starts=pd.DataFrame(),
        extra=pd.DataFrame(), pairs=pd.DataFrame())


def test_cbc_time_limit_gives_plan_and_bound():
    """Stopped by its time limit, CBC returns its plan with the bound read from its log:
    a true bound, so no plan of another solver beats it."""
    model = _hard_knapsack()
    options = SolveOptions(time_limit_s=1.0, workers=1)
    cbc = pick("cbc", model).solve(model, options)
    highs = pick("highs", model).solve(model, options)
    assert cbc.status in (Status.FEASIBLE, Status.OPTIMAL)
    activity = model.activity(cbc.x)
    assert np.all(activity <= model.row_hi + 1e-9)
    assert _close(cbc.objective, float(model.c @ cbc.x))
    assert cbc.bound is not None and cbc.bound >= cbc.objective - 1e-9
    assert highs.objective is None or highs.objective <= cbc.bound + 1e-6
    if highs.bound is not None:
        assert cbc.objective <= highs.bound + 1e-6


def test_cpsat_never_claims_optimal_for_a_rounded_row():
    """A share (pi/10) no small fraction expresses is rounded conservatively: CP-SAT then
    returns a checked plan as `feasible`, never an unproven `optimal`."""
    doc = {"name": "odd", "periods": [{"id": "T1"}],
           "projects": [{"id": "A", "category": "growth", "value": 10},
                        {"id": "B", "category": "run", "value": 20}],
           "costs": [{"project": "A", "offset": 0, "amount": 10},
                     {"project": "B", "offset": 0, "amount": 20}],
           "balance": [{"dimension": "category", "value": "growth",
                        "max_share": 3.141592653589793 / 10}]}
    plan = solve_checked(doc, solver="cpsat")
    assert plan.status == "feasible" and plan.bound is None
    assert any("rounded conservatively" in w for w in plan.warnings)
