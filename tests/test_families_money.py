"""Constraint families of the contract, money side: budgets (period / pool / category /
whole horizon, and where bought capacity counts), skill capacity with purchasable FTE,
balance shares, the three risk-appetite limits and the three objectives.

Each family gets (1) a tiny portfolio solved with and without the constraint, whose
optimum is computed by hand in a comment, with both backends (the `solver` fixture:
both must reach the same hand-computed objective), and (2) a hand-made Assignment that
breaks the constraint, which the independent checker must reject with exactly the
contract's row name.
"""

from __future__ import annotations

import pytest

from .family_helpers import (
    broken,
    costs,
    doc,
    picked,
    report_of,
    solve,
)

# ---------------------------------------------------------------- budgets

def budget_doc(budgets=None) -> dict:
    """T1, T2. A growth, value 5, fixed at T2, capex 6 + opex 2 (total 8);
    B run, value 4, fixed at T2, capex 6; C growth, value 3, fixed at T1, opex 3.
    No budget: all three, objective 12."""
    return doc([
        {"id": "A", "category": "growth", "value": 5, "earliest_start": "T2",
         "latest_start": "T2"},
        {"id": "B", "category": "run", "value": 4, "earliest_start": "T2", "latest_start": "T2"},
        {"id": "C", "category": "growth", "value": 3, "earliest_start": "T1",
         "latest_start": "T1"},
    ], periods=2, costs=costs("A", 6, pool="capex") + costs("A", 2, pool="opex")
        + costs("B", 6, pool="capex") + costs("C", 3, pool="opex"), budgets=budgets)


BUDGET_CASES = [
    # T2 capex: A 6 + B 6 = 12 > 7: one of A, B. A alone has capex 6 <= 7 (its opex 2 is
    # outside the pool: counting it, A would spend 8 > 7 and B + C = 7 would win): A + C = 8.
    ({"period": "T2", "pool": "capex", "limit": 7}, "budget[T2,capex]", 8, {"A", "C"}),
    # opex over the horizon: A 2 + C 3 = 5 > 4: drop C (A + B = 9) rather than A (B + C = 7).
    ({"pool": "opex", "limit": 4}, "budget[*,opex]", 9, {"A", "B"}),
    # growth over the horizon: A 8 + C 3 = 11 > 7 and A alone 8 > 7: B + C = 7.
    ({"category": "growth", "limit": 7}, "budget[*,*,growth]", 7, {"B", "C"}),
    # T1: only C spends there (3 > 2): A + B = 9.
    ({"period": "T1", "limit": 2}, "budget[T1]", 9, {"A", "B"}),
    # whole horizon 11: A+B 14 no; A+C 11 -> 8; B+C 9 -> 7: A + C = 8.
    ({"limit": 11}, "budget[*]", 8, {"A", "C"}),
    # T2 run: B 6 > 5: A + C = 8.
    ({"period": "T2", "category": "run", "limit": 5}, "budget[T2,*,run]", 8, {"A", "C"}),
    # T2 opex of growth: A's opex 2 > 1: B + C = 7.
    ({"period": "T2", "pool": "opex", "category": "growth", "limit": 1},
     "budget[T2,opex,growth]", 7, {"B", "C"}),
]


def test_budget_unconstrained_takes_everything(solver):
    result = solve(budget_doc(), solver, 12)
    assert picked(result) == {"A": "T2", "B": "T2", "C": "T1"}


SOLVED_BUDGETS = BUDGET_CASES[:5]  # period+pool, pool, category, period, horizon


@pytest.mark.parametrize(("row", "name", "objective", "chosen"), SOLVED_BUDGETS,
                         ids=[c[1] for c in SOLVED_BUDGETS])
def test_budget_binds(solver, row, name, objective, chosen):
    result = solve(budget_doc([row]), solver, objective)
    assert set(picked(result)) == chosen
    spend = {s.constraint: s for s in result.spend if s.constraint}
    assert set(spend) == {name}
    assert spend[name].amount <= row["limit"] + 1e-9
    assert spend[name].limit == row["limit"]


@pytest.mark.parametrize(("row", "name"), [(c[0], c[1]) for c in BUDGET_CASES],
                         ids=[c[1] for c in BUDGET_CASES])
def test_budget_violated_names_its_row(row, name):
    everything = {"A": 1, "B": 1, "C": 0}
    assert broken(budget_doc([row]), everything) == [name]
    assert broken(budget_doc([row | {"limit": 100}]), everything) == []


def bought_doc(budgets=None, periods: int = 1) -> dict:
    """A: growth, value 100, capex 5 at T1, needs 2 dev FTE; dev has 1 FTE in T1 and up to
    5 more at 10 each. With A: buy 1 FTE (10): spend 5 + 10 = 15, objective 100 - 10 = 90."""
    return doc([{"id": "A", "category": "growth", "value": 100, "earliest_start": "T1",
                 "latest_start": "T1"}], periods=periods,
               costs=costs("A", 5, pool="capex"),
               demands=[{"project": "A", "skill": "dev", "offset": 0, "fte": 2}],
               capacity=[{"skill": "dev", "period": "T1", "fte": 1, "extra_fte": 5,
                          "extra_cost": 10}], budgets=budgets)


# Limit 14 < 15 = A's capex 5 + bought 10; > 5 = A's capex alone. Rows naming no pool and
# no category count the bought FTE (A out: objective 0); rows naming a pool (even the
# default pool's name `total`) or a category do not (A in: 90).
BOUGHT_CASES = [({"limit": 14}, "budget[*]", 0.0),
                ({"period": "T1", "limit": 14}, "budget[T1]", 0.0),
                ({"pool": "capex", "limit": 14}, "budget[*,capex]", 90.0),
                ({"pool": "total", "limit": 14}, "budget[*,total]", 90.0),
                ({"category": "growth", "limit": 14}, "budget[*,*,growth]", 90.0),
                ({"period": "T1", "pool": "capex", "category": "growth", "limit": 14},
                 "budget[T1,capex,growth]", 90.0)]


def test_bought_capacity_without_budgets(solver):
    result = solve(bought_doc(), solver, 90.0)
    assert [(u.demand, u.capacity, u.extra) for u in result.utilisation] == [(2.0, 1.0, 1.0)]


SOLVED_BOUGHT = [BOUGHT_CASES[i] for i in (0, 3, 4)]  # the checker test below covers all


@pytest.mark.parametrize(("row", "objective"), [(c[0], c[2]) for c in SOLVED_BOUGHT],
                         ids=[c[1] for c in SOLVED_BOUGHT])
def test_bought_capacity_counts_only_in_rows_without_pool_and_category(solver, row, objective):
    result = solve(bought_doc([row]), solver, objective)
    assert ("A" in picked(result)) == (objective > 0)


@pytest.mark.parametrize(("row", "name", "objective"), BOUGHT_CASES,
                         ids=[c[1] for c in BOUGHT_CASES])
def test_bought_capacity_in_budget_check(row, name, objective):
    rows = broken(bought_doc([row]), {"A": 0}, [("dev", "T1", 1.0)])
    assert rows == ([name] if objective == 0 else [])


def test_bought_capacity_counts_in_its_own_period_only():
    # A is fixed at T1 and buys in T1: a T2 budget of 0 sees nothing, a T1 budget sees 15.
    d = bought_doc([{"period": "T2", "limit": 0}, {"period": "T1", "limit": 14.5}], periods=2)
    report = report_of(d, {"A": 0}, [("dev", "T1", 1.0)])
    assert [v.row for v in report.violations] == ["budget[T1]"]
    spend = report.spend.set_index("constraint")["amount"]
    assert spend["budget[T1]"] == pytest.approx(15.0)
    assert spend["budget[T2]"] == pytest.approx(0.0)


# ---------------------------------------------------------------- skill capacity

def capacity_doc(capacity=None, b_fte: float = 3.0) -> dict:
    """One period. A value 10 needs 3 dev FTE; B value 8 needs b_fte dev FTE."""
    return doc([{"id": "A", "value": 10}, {"id": "B", "value": 8}],
               demands=[{"project": "A", "skill": "dev", "offset": 0, "fte": 3},
                        {"project": "B", "skill": "dev", "offset": 0, "fte": b_fte}],
               capacity=capacity)


def cap(fte=4.0, extra_fte=None, extra_cost=None) -> list[dict]:
    row = {"skill": "dev", "period": "T1", "fte": fte}
    if extra_fte is not None:
        row |= {"extra_fte": extra_fte, "extra_cost": extra_cost}
    return [row]


def test_capacity_binds(solver):
    # Without capacity both (18); with 4 FTE only one of the 3-FTE projects fits: A (10).
    assert set(picked(solve(capacity_doc(), solver, 18))) == {"A", "B"}
    result = solve(capacity_doc(cap()), solver, 10)
    assert set(picked(result)) == {"A"}
    assert [(u.demand, u.capacity, u.extra) for u in result.utilisation] == [(3.0, 4.0, 0.0)]


@pytest.mark.parametrize(("extra_fte", "extra_cost", "objective", "bought"), [
    (2, 3, 18 - 2 * 3, 2.0),  # both need 6 = 4 + 2 bought at 3: 12 > 10 (A alone)
    (2, 5, 10, 0.0),          # buying 2 at 5 leaves 8 < 10: A alone, nothing bought
    (1.5, 3, 10, 0.0),        # only 1.5 on offer, 2 needed: A alone
    (10, 3, 18 - 2 * 3, 2.0),  # much more on offer: still buys only the 2 needed
])
def test_extra_fte_bought_only_when_it_pays(solver, extra_fte, extra_cost, objective, bought):
    result = solve(capacity_doc(cap(4, extra_fte, extra_cost)), solver, objective)
    assert set(picked(result)) == ({"A", "B"} if bought else {"A"})
    (use,) = result.utilisation
    assert use.extra == pytest.approx(bought, abs=1e-9)
    assert result.kpis.total_cost == pytest.approx(bought * extra_cost, abs=1e-9)


def test_extra_fte_is_continuous(solver):
    # A 3 + B 2.5 = 5.5 FTE against 4: buy exactly 1.5 (not 2) at 3: 18 - 4.5 = 13.5.
    result = solve(capacity_doc(cap(4, 2, 3), b_fte=2.5), solver, 13.5)
    assert result.utilisation[0].extra == pytest.approx(1.5, abs=1e-9)


def test_capacity_violated():
    d = capacity_doc(cap())
    assert broken(d, {"A": 0, "B": 0}) == ["capacity[dev,T1]"]
    assert broken(d, {"A": 0}) == []


@pytest.mark.parametrize(("starts", "fte", "ok"), [
    ({"A": 0, "B": 0}, 2.0, True),    # needs exactly 2
    ({"A": 0, "B": 0}, 1.5, False),   # too little: demand 6 > 4 + 1.5
    ({"A": 0, "B": 0}, 2.5, False),   # buys 0.5 more than the selection needs
    ({"A": 0}, 0.5, False),           # buys where nothing is needed
    ({"A": 0, "B": 0}, 3.5, False),   # over extra_fte (3) and more than needed
])
def test_bought_fte_minimal_and_within_offer(starts, fte, ok):
    d = capacity_doc(cap(4, 3, 1))
    assert broken(d, starts, [("dev", "T1", fte)]) == ([] if ok else ["capacity[dev,T1]"])


def test_buying_where_nothing_is_offered_is_rejected():
    # 4 FTE, no extra column: buying even the missing 2 FTE is not allowed.
    d = capacity_doc(cap())
    assert broken(d, {"A": 0, "B": 0}, [("dev", "T1", 2.0)]) == ["capacity[dev,T1]"]


def test_checker_charges_bought_fte():
    report = report_of(capacity_doc(cap(4, 3, 3)), {"A": 0, "B": 0}, [("dev", "T1", 2.0)])
    assert report.ok
    assert report.objective == pytest.approx(18 - 6)
    assert report.kpis["total_cost"] == pytest.approx(6)


# ---------------------------------------------------------------- balance

def balance_doc(balance=None) -> dict:
    """A growth/Retail cost 6 value 10; B run/Retail cost 4 value 3; C growth/Bank cost 1
    value -1. Without shares: A + B = 13."""
    return doc([{"id": "A", "category": "growth", "business_unit": "Retail", "value": 10},
                {"id": "B", "category": "run", "business_unit": "Retail", "value": 3},
                {"id": "C", "category": "growth", "business_unit": "Bank", "value": -1}],
               costs=costs("A", 6) + costs("B", 4) + costs("C", 1), balance=balance)


BALANCE_CASES = [
    # growth <= 0.5: A+B 6/10, A 1, A+B+C 7/11, A+C 1 all too much; B (0) -> 3, B+C 1/5 -> 2.
    ({"dimension": "category", "value": "growth", "max_share": 0.5},
     "balance[category,growth,max]", 3, {"B"}),
    # growth >= 0.7: A+B 0.6, A+B+C 0.636 too little; A alone (1.0) -> 10.
    ({"dimension": "category", "value": "growth", "min_share": 0.7},
     "balance[category,growth,min]", 10, {"A"}),
    # Retail <= 0.95: A+B is 10/10; A+B+C 10/11 = 0.909 -> 12 (A+C 9, B+C 2).
    ({"dimension": "business_unit", "value": "Retail", "max_share": 0.95},
     "balance[business_unit,Retail,max]", 12, {"A", "B", "C"}),
]


def test_balance_unconstrained(solver):
    assert set(picked(solve(balance_doc(), solver, 13))) == {"A", "B"}


@pytest.mark.parametrize(("row", "objective", "chosen"), [(c[0], *c[2:]) for c in BALANCE_CASES],
                         ids=[c[1] for c in BALANCE_CASES])
def test_balance_binds(solver, row, objective, chosen):
    assert set(picked(solve(balance_doc([row]), solver, objective))) == chosen


@pytest.mark.parametrize(("row", "name"), [(c[0], c[1]) for c in BALANCE_CASES],
                         ids=[c[1] for c in BALANCE_CASES])
def test_balance_violated(row, name):
    assert broken(balance_doc([row]), {"A": 0, "B": 0}) == [name]


def balance_bought_doc(balance=None) -> dict:
    """A growth cost 6 value 10; B run cost 4 value 3, needs 2 dev FTE, none on hand, 2 on
    offer at 1 (B costs 2 more in bought capacity)."""
    return doc([{"id": "A", "category": "growth", "value": 10},
                {"id": "B", "category": "run", "value": 3}],
               costs=costs("A", 6) + costs("B", 4),
               demands=[{"project": "B", "skill": "dev", "offset": 0, "fte": 2}],
               capacity=[{"skill": "dev", "period": "T1", "fte": 0, "extra_fte": 2,
                          "extra_cost": 1}], balance=balance)


def test_balance_share_excludes_bought_capacity(solver):
    # growth <= 0.55 of project cost. A + B: 6/10 = 0.6 breaks it (counting the 2 of bought
    # capacity it would be 6/12 = 0.5 and A + B = 10 + 3 - 2 = 11 would win); A alone 1.0
    # breaks it; B alone: 3 - 2 = 1. Without the share: A + B = 11.
    solve(balance_bought_doc(), solver, 11)
    row = [{"dimension": "category", "value": "growth", "max_share": 0.55}]
    assert set(picked(solve(balance_bought_doc(row), solver, 1))) == {"B"}
    assert broken(balance_bought_doc(row), {"A": 0, "B": 0}, [("dev", "T1", 2.0)]) == \
        ["balance[category,growth,max]"]


# ---------------------------------------------------------------- risk appetite

def risk_doc(projects: list[tuple], appetite: dict | None = None) -> dict:
    """projects: (id, cost, risk, value)."""
    return doc([{"id": p, "value": v, "risk": r} for p, _, r, v in projects],
               costs=[c for p, amount, _, _ in projects for c in costs(p, amount)],
               risk_appetite=appetite)


EXPOSURE = [("A", 10, 0.5, 20), ("B", 10, 0.2, 15)]
HIGH = [("A", 10, 0.6, 20), ("B", 10, 0.3, 5), ("C", 10, 0.1, -2)]
AVERAGE = [("A", 10, 0.6, 20), ("B", 10, 0.2, 5), ("C", 10, 0.0, -1)]

RISK_CASES = [
    # exposure: A+B 5 + 2 = 7 > 6; A alone 5 -> 20 (B alone 15). Without: 35.
    (EXPOSURE, {"max_exposure": 6}, "risk[exposure]", 35, 20, {"A"}),
    # high share <= 0.4 (threshold 0.5): A+B 10/20 = 0.5; A+B+C 10/30 -> 20 + 5 - 2 = 23.
    (HIGH, {"max_high_risk_share": 0.4}, "risk[high_share]", 25, 23, {"A", "B", "C"}),
    # risk == threshold counts as high: same as above with threshold 0.6.
    (HIGH, {"max_high_risk_share": 0.4, "high_risk_threshold": 0.6}, "risk[high_share]",
     25, 23, {"A", "B", "C"}),
    # average <= 0.3: A+B 8/20 = 0.4; A+B+C 8/30 = 0.267 -> 24 (A+C 0.3 -> 19). Without 25.
    (AVERAGE, {"max_average_risk": 0.3}, "risk[average]", 25, 24, {"A", "B", "C"}),
]


@pytest.mark.parametrize(("projects", "appetite", "free", "bound", "chosen"),
                         [(*c[:2], *c[3:]) for c in RISK_CASES],
                         ids=[f"{c[2]}-{i}" for i, c in enumerate(RISK_CASES)])
def test_risk_binds(solver, projects, appetite, free, bound, chosen):
    if appetite.get("high_risk_threshold") is None:  # the same free portfolio once
        solve(risk_doc(projects), solver, free)
    result = solve(risk_doc(projects, appetite), solver, bound)
    assert set(picked(result)) == chosen
    exposure = sum(c * r for p, c, r, _ in projects if p in chosen)
    assert result.kpis.risk_exposure == pytest.approx(exposure)


@pytest.mark.parametrize(("projects", "appetite", "name"), [c[:3] for c in RISK_CASES],
                         ids=[f"{c[2]}-{i}" for i, c in enumerate(RISK_CASES)])
def test_risk_violated(projects, appetite, name):
    assert broken(risk_doc(projects, appetite), {"A": 0, "B": 0}) == [name]
    assert broken(risk_doc(projects, appetite), {"A": 0, "B": 0, "C": 0} if len(projects) > 2
                  else {"A": 0}) == []


def test_high_risk_threshold_moves_the_line(solver):
    # threshold 0.7: A (0.6) is not high risk: A + B = 25 is allowed.
    appetite = {"max_high_risk_share": 0.4, "high_risk_threshold": 0.7}
    assert set(picked(solve(risk_doc(HIGH, appetite), solver, 25))) == {"A", "B"}
    assert broken(risk_doc(HIGH, appetite), {"A": 0, "B": 0}) == []


# ---------------------------------------------------------------- objectives

def strategic_doc(settings=None) -> dict:
    """Weights 3:1 -> 0.75, 0.25. S_A = 0.75*2 + 0.25*4 = 2.5, S_B = 0.25*4 = 1,
    S_C = 0.75*1 = 0.75. Costs 5 each, budget 10: two of three."""
    return doc([{"id": "A", "value": 1}, {"id": "B", "value": 2}, {"id": "C", "value": 100}],
               objectives=[{"id": "o1", "weight": 3}, {"id": "o2", "weight": 1}],
               alignment=[{"project": "A", "objective": "o1", "score": 2},
                          {"project": "A", "objective": "o2", "score": 4},
                          {"project": "B", "objective": "o2", "score": 4},
                          {"project": "C", "objective": "o1", "score": 1}],
               costs=costs("A", 5) + costs("B", 5) + costs("C", 5),
               budgets=[{"limit": 10}], settings=settings)


def test_strategic_objective(solver):
    # Default with objectives: strategic. A+B = 3.5 > A+C = 3.25 > B+C = 1.75.
    result = solve(strategic_doc(), solver, 2.5 + 1.0)
    assert set(picked(result)) == {"A", "B"}
    assert {r.project: r.score for r in result.selected} == pytest.approx({"A": 2.5, "B": 1})
    assert result.kpis.strategic_score == pytest.approx(3.5)
    assert result.kpis.financial_value == pytest.approx(3)
    # The same portfolio under the financial objective: C + B = 102.
    assert set(picked(solve(strategic_doc({"objective": "financial"}), solver, 102))) == \
        {"B", "C"}


def financial_doc(a_window: dict | None = None) -> dict:
    """r = 0.1, three periods.
    A: q 0.8, cost 50 at offset 0, benefits 100 at offsets 1 and 2:
       F_A(s) = (0.8 * (100/1.1 + 100/1.1^2) - 50) / 1.1^s, best at s = 0.
    B: flat value 40, q 0.5, fixed at T2: 20 (a flat value is not discounted).
    M: mandatory, cost 50 and benefit 10 at offset 0: F_M(s) = -40 / 1.1^s, least bad at
       the latest start s = 2 (T3)."""
    return doc([{"id": "A", "success_probability": 0.8} | (a_window or {}),
                {"id": "B", "value": 40, "success_probability": 0.5, "earliest_start": "T2",
                 "latest_start": "T2"},
                {"id": "M", "status": "mandatory"}], periods=3,
               costs=costs("A", 50) + costs("B", 1) + costs("M", 50),
               benefits=[{"project": "A", "offset": 1, "amount": 100},
                         {"project": "A", "offset": 2, "amount": 100},
                         {"project": "M", "offset": 0, "amount": 10}],
               settings={"discount_rate": 0.1})


F_A0 = 0.8 * (100 / 1.1 + 100 / 1.1**2) - 50


def test_financial_objective_discounts_start_dependent_value(solver):
    result = solve(financial_doc(), solver, F_A0 + 20 - 40 / 1.1**2)
    assert picked(result) == {"A": "T1", "B": "T2", "M": "T3"}
    value_of = {r.project: r.value for r in result.selected}
    assert value_of == pytest.approx({"A": F_A0, "B": 20, "M": -40 / 1.21})
    # A may not start before T2: one period of discount more.
    late = solve(financial_doc({"earliest_start": "T2"}), solver,
                 F_A0 / 1.1 + 20 - 40 / 1.1**2)
    assert picked(late)["A"] == "T2"


def blend_doc(blend: float) -> dict:
    """One objective. A score 4 value 10; B score 1 value 30; C unaligned value 20 (out
    under require_alignment, but in F_all); D score 2 value -5; A excludes B; a synergy
    A-C (value 40, score 3) that can never be realised and is no part of S_all or F_all.
    S_all = 4 + 1 + 2 = 7 (positive scores), F_all = 10 + 30 + 20 = 60 (positive values)."""
    return doc([{"id": "A", "value": 10}, {"id": "B", "value": 30}, {"id": "C", "value": 20},
                {"id": "D", "value": -5}],
               objectives=[{"id": "o", "weight": 1}],
               alignment=[{"project": "A", "objective": "o", "score": 4},
                          {"project": "B", "objective": "o", "score": 1},
                          {"project": "D", "objective": "o", "score": 2}],
               dependencies=[{"project": "A", "kind": "excludes", "other": "B"}],
               synergies=[{"project_a": "A", "project_b": "C", "value": 40, "score": 3}],
               settings={"objective": "blend", "blend": blend})


@pytest.mark.parametrize(("blend", "chosen", "s", "f"), [
    # 0.5: A+D 0.5*6/7 + 0.5*5/60 = 0.470 > B+D 0.423 > A 0.369 > B 0.321.
    (0.5, {"A", "D"}, 6, 5),
    # 0.2: B 0.2*1/7 + 0.8*30/60 = 0.429 > B+D 0.419 > A 0.248 > A+D 0.238.
    (0.2, {"B"}, 1, 30),
])
def test_blend_objective_normalises_by_s_all_and_f_all(solver, blend, chosen, s, f):
    result = solve(blend_doc(blend), solver, blend * s / 7 + (1 - blend) * f / 60)
    assert set(picked(result)) == chosen


def test_blend_without_objectives_uses_best_allowed_start_and_nets_bought_capacity(solver):
    # No objectives: S_all = 0, the strategic term is left out; objective 0.5 F / F_all.
    # E: benefit 110, cost 10 at offset 0, r = 0.1, may not start before T2: best allowed
    # value 100/1.1. G: value 10, needs 1 dev FTE bought at 4. H: value -3 (not in F_all).
    # F_all = 100/1.1 + 10 (bought capacity is no project row); F = 100/1.1 + 10 - 4.
    d = doc([{"id": "E", "earliest_start": "T2"}, {"id": "G", "value": 10},
             {"id": "H", "value": -3}], periods=2,
            costs=costs("E", 10) + costs("G", 1) + costs("H", 1),
            benefits=[{"project": "E", "offset": 0, "amount": 110}],
            demands=[{"project": "G", "skill": "dev", "offset": 0, "fte": 1}],
            capacity=[{"skill": "dev", "period": p, "fte": 0, "extra_fte": 1,
                       "extra_cost": 4} for p in ("T1", "T2")],
            settings={"objective": "blend", "discount_rate": 0.1})
    f_all = 100 / 1.1 + 10
    result = solve(d, solver, 0.5 * (100 / 1.1 + 10 - 4) / f_all)
    assert set(picked(result)) == {"E", "G"}
    assert result.kpis.financial_value == pytest.approx(100 / 1.1 + 6)
