"""Constraint families of the contract, selection side: start windows, requires, after
(finish-to-start with lag), excludes, group limits, synergies, mandatory, force in/out,
in-flight continue / stall / stop, require_alignment, and the `code` of excluded projects.

Each family gets (1) a tiny portfolio solved with and without the constraint, whose
optimum is computed by hand in a comment, with both backends (the `solver` fixture:
both must reach the same hand-computed objective), and (2) a hand-made Assignment that
breaks the constraint, which the independent checker must reject with exactly the
contract's row name.
"""

from __future__ import annotations

import pytest
from spmo.engine.check import Assignment, check

from .family_helpers import (
    broken,
    costs,
    doc,
    excluded,
    picked,
    solve,
    validated,
    values,
)

# ---------------------------------------------------------------- start windows

def window_doc(a=None, b=None) -> dict:
    """T1, T2; A value 5, B value 4, each costs 10 in its start period; 10 per period."""
    return doc([{"id": "A", "value": 5} | (a or {}), {"id": "B", "value": 4} | (b or {})],
               periods=2, costs=costs("A", 10) + costs("B", 10),
               budgets=[{"period": "T1", "limit": 10}, {"period": "T2", "limit": 10}])


def test_engine_chooses_the_start(solver):
    # Free windows: one project per period, both selected: 9.
    result = solve(window_doc(), solver, 9)
    assert sorted(picked(result).values()) == ["T1", "T2"]
    # A may not start before T2: A at T2, B at T1.
    assert picked(solve(window_doc({"earliest_start": "T2"}), solver, 9)) == \
        {"A": "T2", "B": "T1"}


def test_latest_start_binds(solver):
    # Both must start by T1, where only 10 may be spent: A alone (5).
    late = {"latest_start": "T1"}
    result = solve(window_doc(late, late), solver, 5)
    assert picked(result) == {"A": "T1"}
    assert excluded(result)["B"][0] == "budget"


def discount_doc(window: dict | None = None) -> dict:
    """Three periods, r = 0.1; A: benefit 121 and cost 10 at offset 0: F(s) = 111/1.1^s."""
    return doc([{"id": "A"} | (window or {})], periods=3, costs=costs("A", 10),
               benefits=[{"project": "A", "offset": 0, "amount": 121}],
               settings={"discount_rate": 0.1})


@pytest.mark.parametrize(("window", "start", "objective"), [
    ({}, "T1", 111.0),
    ({"earliest_start": "T2"}, "T2", 111 / 1.1),
    ({"earliest_start": "T3", "latest_start": "T3"}, "T3", 111 / 1.1**2),
])
def test_earliest_start_binds(solver, window, start, objective):
    assert picked(solve(discount_doc(window), solver, objective)) == {"A": start}


def test_window_violated():
    d = doc([{"id": "A", "earliest_start": "T2", "latest_start": "T2"},
             {"id": "B", "duration": 2}], periods=3)
    assert broken(d, {"A": 0}) == ["window[A]"]
    assert broken(d, {"A": 1}) == []
    assert broken(d, {"A": 2}) == ["window[A]"]
    assert broken(d, {"B": 1}) == []
    assert broken(d, {"B": 2}) == ["window[B]"]  # runs past the horizon


def test_no_fit_is_excluded_with_its_code(solver):
    # N lasts 3 periods in a 2-period horizon; W lasts 2 but may not start before T2.
    d = doc([{"id": "A", "value": 1}, {"id": "N", "value": 10, "duration": 3},
             {"id": "W", "value": 10, "duration": 2, "earliest_start": "T2"}], periods=2)
    result = solve(d, solver, 1)
    codes = excluded(result)
    assert codes["N"][0] == codes["W"][0] == "no_fit"
    assert any("N" in w for w in result.warnings) and any("W" in w for w in result.warnings)


# ---------------------------------------------------------------- requires / after / excludes

def dep_doc(deps, **vals) -> dict:
    return doc(values(**vals), dependencies=deps)


REQUIRES = [{"project": "A", "kind": "requires", "other": "B"}]


def test_requires_binds(solver):
    # Without: A alone (10). With: A brings B (-3): 7 > 0.
    assert set(picked(solve(dep_doc(None, A=10, B=-3), solver, 10))) == {"A"}
    assert set(picked(solve(dep_doc(REQUIRES, A=10, B=-3), solver, 7))) == {"A", "B"}
    # B costs 12: A + B = -2 < 0: nothing; A is out because its requirement is.
    result = solve(dep_doc(REQUIRES, A=10, B=-12), solver, 0)
    assert excluded(result)["A"] == ("dependency", ["requires[A,B]"])


def test_requires_violated():
    d = dep_doc(REQUIRES, A=10, B=-3)
    assert broken(d, {"A": 0}) == ["requires[A,B]"]
    assert broken(d, {"B": 0}) == [] and broken(d, {"A": 0, "B": 0}) == []


def after_doc(lag: int | None, b_start: str = "T1") -> dict:
    """T1..T4, r = 0.1. B: value 5, fixed at b_start (T1: finish index 1), costs at
    offsets 0 and 1. A: benefit 121, cost 10 at offset 0: F_A(s) = 111/1.1^s, best as
    early as allowed. `A after B` with lag L: A starts at index >= B's last + 1 + L."""
    dep = None if lag is None else [{"project": "A", "kind": "after", "other": "B", "lag": lag}]
    return doc([{"id": "A"}, {"id": "B", "value": 5, "earliest_start": b_start,
                                  "latest_start": b_start}], periods=4,
               costs=costs("A", 10) + costs("B", 1, 1),
               benefits=[{"project": "A", "offset": 0, "amount": 121}],
               dependencies=dep, settings={"discount_rate": 0.1})


@pytest.mark.parametrize(("lag", "a_start", "objective"), [
    (None, "T1", 111 + 5),
    (0, "T3", 111 / 1.1**2 + 5),   # index 2 = B's last index 1 + 1
    (1, "T4", 111 / 1.1**3 + 5),   # index 3 = 1 + 1 + 1
    (2, None, 5),                  # index 4 is past the horizon: no plan contains A
])
def test_after_with_lag_binds(solver, lag, a_start, objective):
    result = solve(after_doc(lag), solver, objective)
    assert picked(result) == {"B": "T1"} | ({"A": a_start} if a_start else {})
    if a_start is None:  # proven from the rows (engine/impossible.py)
        assert excluded(result)["A"] == ("infeasible_alone", ["after[A,B]"])


def test_after_violated():
    d = after_doc(1)
    assert broken(d, {"B": 0, "A": 2}) == ["after[A,B]"]  # 2 < 1 + 1 + 1
    assert broken(d, {"B": 0, "A": 3}) == []
    assert broken(d, {"A": 3}) == ["after[A,B]"]          # after implies requires
    assert broken(after_doc(0), {"B": 0, "A": 1}) == ["after[A,B]"]  # overlaps B's T2
    assert broken(after_doc(0), {"B": 0, "A": 2}) == []


@pytest.mark.parametrize(("lag", "b_start", "a_start", "objective"), [
    (-1, "T1", "T2", 111 / 1.1 + 5),     # index 1 + 1 - 1 = 1: A overlaps B's last period
    (-2, "T1", "T1", 111 + 5),           # index 0: A starts with B; the row no longer binds
    (-2, "T2", "T2", 111 / 1.1 + 5),     # B at T2 (last index 2): A from index 1, with B
    (-3, "T2", "T1", 111 + 5),           # index 0: A starts before B even starts
])
def test_after_with_negative_lag(solver, lag, b_start, a_start, objective):
    """A negative lag lets the project start before the other finishes (the contract's
    `after`), model and checker alike: solve() re-checks the plan independently."""
    result = solve(after_doc(lag, b_start), solver, objective)
    assert picked(result) == {"B": b_start, "A": a_start}


def test_after_with_negative_lag_violated():
    d = after_doc(-1)
    assert broken(d, {"B": 0, "A": 0}) == ["after[A,B]"]  # 0 < 1 + 1 - 1
    assert broken(d, {"B": 0, "A": 1}) == []               # A starts in B's last period
    assert broken(d, {"A": 1}) == ["after[A,B]"]           # after still implies requires
    d = after_doc(-3, "T2")
    assert broken(d, {"B": 1, "A": 0}) == []               # before B starts: 0 >= 2 + 1 - 3
    assert broken(after_doc(-2, "T2"), {"B": 1, "A": 0}) == ["after[A,B]"]  # 0 < 1


EXCLUDES = [{"project": "A", "kind": "excludes", "other": "B"}]


def test_excludes_binds(solver):
    assert set(picked(solve(dep_doc(None, A=10, B=8), solver, 18))) == {"A", "B"}
    result = solve(dep_doc(EXCLUDES, A=10, B=8), solver, 10)
    assert set(picked(result)) == {"A"}
    assert excluded(result)["B"] == ("dependency", ["excludes[A,B]"])


def test_excludes_violated():
    d = dep_doc(EXCLUDES, A=10, B=8)
    assert broken(d, {"A": 0, "B": 0}) == ["excludes[A,B]"]
    assert broken(d, {"B": 0}) == []


# ---------------------------------------------------------------- groups

def group_doc(limits, **vals) -> dict:
    return doc(values(**vals), groups=[{"group": "G", "project": p} for p in vals],
               group_limits=limits)


def test_group_max_binds(solver):
    # Without: all three (24). Max 1: the best member, A (10).
    assert len(picked(solve(group_doc(None, A=10, B=8, C=6), solver, 24))) == 3
    result = solve(group_doc([{"group": "G", "max": 1}], A=10, B=8, C=6), solver, 10)
    assert set(picked(result)) == {"A"}
    codes = excluded(result)
    assert codes["B"] == codes["C"] == ("group", ["group[G,max]"])


def test_group_min_binds(solver):
    # Without: A alone (10). Min 2: A and the cheaper loss, B: 10 - 3 = 7.
    assert set(picked(solve(group_doc(None, A=10, B=-3, C=-5), solver, 10))) == {"A"}
    result = solve(group_doc([{"group": "G", "min": 2}], A=10, B=-3, C=-5), solver, 7)
    assert set(picked(result)) == {"A", "B"}


def test_group_violated():
    d = group_doc([{"group": "G", "min": 2, "max": 2}], A=10, B=8, C=6)
    assert broken(d, {"A": 0}) == ["group[G,min]"]
    assert broken(d, {"A": 0, "B": 0, "C": 0}) == ["group[G,max]"]
    assert broken(d, {"A": 0, "C": 0}) == []


# ---------------------------------------------------------------- synergies

def synergy_doc(synergy: dict | None) -> dict:
    """Financial: A value 10 q 0.5 (5); B value -4 q 0.5 (-2); synergy not scaled by q."""
    return doc([{"id": "A", "value": 10, "success_probability": 0.5},
                {"id": "B", "value": -4, "success_probability": 0.5}],
               synergies=None if synergy is None else
               [{"project_a": "A", "project_b": "B"} | synergy])


def test_synergy_value_binds(solver):
    # Without: A alone, 5. Value +6: A + B = 5 - 2 + 6 = 9 (scaled by q it would be 6).
    assert set(picked(solve(synergy_doc(None), solver, 5))) == {"A"}
    assert set(picked(solve(synergy_doc({"value": 6}), solver, 9))) == {"A", "B"}


def test_negative_synergy_value_binds(solver):
    # A 10, B 8: both, 18; cannibalisation -9: both 9 < A alone 10.
    d = doc(values(A=10, B=8))
    assert len(picked(solve(d, solver, 18))) == 2
    d["synergies"] = [{"project_a": "A", "project_b": "B", "value": -9}]
    assert set(picked(solve(d, solver, 10))) == {"A"}


def score_doc(scores: dict, synergy: dict | None, budget: float | None = None,
              cost: dict | None = None) -> dict:
    """One objective of weight 1 (strategic objective): S_p = the alignment score."""
    return doc([{"id": p} for p in scores], objectives=[{"id": "o", "weight": 1}],
               alignment=[{"project": p, "objective": "o", "score": s}
                          for p, s in scores.items()],
               costs=[c for p, a in (cost or {}).items() for c in costs(p, a)],
               budgets=None if budget is None else [{"limit": budget}],
               synergies=None if synergy is None else
               [{"project_a": "A", "project_b": "B"} | synergy])


def test_synergy_score_binds(solver):
    # Budget 2: C (cost 2, 2.5) beats A + B (cost 1 + 1, 1 + 1); with a pair score of 1,
    # A + B = 3 wins.
    scores, cost = {"A": 1, "B": 1, "C": 2.5}, {"A": 1, "B": 1, "C": 2}
    assert set(picked(solve(score_doc(scores, None, 2, cost), solver, 2.5))) == {"C"}
    assert set(picked(solve(score_doc(scores, {"score": 1}, 2, cost), solver, 3))) == \
        {"A", "B"}


def test_negative_synergy_score_binds(solver):
    # A 3 + B 2 = 5; with -4 together: 1 < A alone 3.
    assert len(picked(solve(score_doc({"A": 3, "B": 2}, None), solver, 5))) == 2
    assert set(picked(solve(score_doc({"A": 3, "B": 2}, {"score": -4}), solver, 3))) == {"A"}


def test_synergy_counted_by_the_checker():
    # Synergies are objective terms, not constraint rows: the checker counts them in the
    # KPIs (and nothing is violated).
    p, derived = validated(synergy_doc({"value": 6, "score": 0.5}))
    report = check(p, derived, Assignment({"A": 0, "B": 0}))
    assert report.ok
    assert report.kpis["financial_value"] == pytest.approx(5 - 2 + 6)
    assert report.kpis["strategic_score"] == pytest.approx(0.5)
    alone = check(p, derived, Assignment({"A": 0}))
    assert alone.kpis["financial_value"] == pytest.approx(5)


# ---------------------------------------------------------------- mandatory / force

def test_mandatory_binds(solver):
    # A (-5) is left out as a candidate (3); mandatory it costs: -5 + 3 = -2.
    assert set(picked(solve(doc(values(A=-5, B=3)), solver, 3))) == {"B"}
    d = doc([{"id": "A", "value": -5, "status": "mandatory"}, {"id": "B", "value": 3}])
    assert set(picked(solve(d, solver, -2))) == {"A", "B"}
    assert broken(d, {"B": 0}) == ["mandatory[A]"]
    assert broken(d, {"A": 0}) == []


def force_doc(force: bool) -> dict:
    a, b = ({"force": "in"}, {"force": "out"}) if force else ({}, {})
    return doc([{"id": "A", "value": -5} | a, {"id": "B", "value": 3} | b,
                {"id": "C", "value": 2}])


def test_force_binds(solver):
    # Without: B + C = 5. A forced in (-5), B forced out: A + C = -3.
    assert set(picked(solve(force_doc(False), solver, 5))) == {"B", "C"}
    result = solve(force_doc(True), solver, -3)
    assert set(picked(result)) == {"A", "C"}
    assert excluded(result)["B"][0] == "forced_out"


def test_force_violated():
    d = force_doc(True)
    assert broken(d, {"B": 0, "C": 0}) == ["force[A]", "force[B]"]
    assert broken(d, {"C": 0}) == ["force[A]"]
    assert broken(d, {"A": 0, "B": 0}) == ["force[B]"]
    assert broken(d, {"A": 0, "C": 0}) == []


# ---------------------------------------------------------------- in-flight

def flight_doc(stall: bool, budget: bool, x_value: float = 12) -> dict:
    """T1..T3, r = 0.1. I in_flight: remaining cost 6 and benefit 26.4 at offset 0:
    F_I(s) = 20.4/1.1^s; may stall (latest_start T3) or not. X: value x_value, fixed at
    T1, cost 6. Optional budget of 8 in T1: I now and X do not both fit."""
    return doc([{"id": "I", "status": "in_flight"} | ({"latest_start": "T3"} if stall else {}),
                {"id": "X", "value": x_value, "earliest_start": "T1", "latest_start": "T1"}],
               periods=3, costs=costs("I", 6) + costs("X", 6),
               benefits=[{"project": "I", "offset": 0, "amount": 26.4}],
               budgets=[{"period": "T1", "limit": 8}] if budget else None,
               settings={"discount_rate": 0.1})


def advice(result) -> tuple:
    (r,) = result.recommendations
    return r.action, r.restart


def test_in_flight_continues(solver):
    # No budget: I continues now (start index 0) beside X: 20.4 + 12.
    result = solve(flight_doc(stall=True, budget=False), solver, 20.4 + 12)
    assert picked(result) == {"I": "T1", "X": "T1"}
    assert advice(result) == ("continue", None)


def test_in_flight_stalls(solver):
    # Budget 8 in T1: I now alone 20.4; X + I restarted at T2: 12 + 20.4/1.1 = 30.5 (T3:
    # 12 + 20.4/1.21): stall to T2.
    result = solve(flight_doc(stall=True, budget=True), solver, 12 + 20.4 / 1.1)
    assert picked(result) == {"I": "T2", "X": "T1"}
    assert advice(result) == ("stall", "T2")


def test_in_flight_without_latest_start_cannot_stall(solver):
    # No latest_start: continue now or stop. I alone 20.4 > X 12: continue.
    result = solve(flight_doc(stall=False, budget=True), solver, 20.4)
    assert picked(result) == {"I": "T1"} and advice(result) == ("continue", None)
    # X worth 25 > 20.4: I is stopped.
    result = solve(flight_doc(stall=False, budget=True, x_value=25), solver, 25)
    assert picked(result) == {"X": "T1"} and advice(result)[0] == "kill"


def test_in_flight_stall_violates_window_without_latest_start():
    assert broken(flight_doc(stall=False, budget=False), {"I": 1}) == ["window[I]"]
    assert broken(flight_doc(stall=True, budget=False), {"I": 1}) == []
    assert broken(flight_doc(stall=True, budget=True), {"I": 0, "X": 0}) == ["budget[T1]"]


# ---------------------------------------------------------------- require_alignment

def alignment_doc(require: bool | None = None) -> dict:
    """Objectives o1 (weight 1), o2 (weight 0); financial objective. A serves o1, value 5;
    U serves only o2 (weight 0: unaligned), value 10; M unaligned mandatory, -1; F
    unaligned forced in, -2; K unaligned in_flight, value 50."""
    settings = {"objective": "financial"} | ({} if require is None
                                             else {"require_alignment": require})
    return doc([{"id": "A", "value": 5}, {"id": "U", "value": 10},
                {"id": "M", "value": -1, "status": "mandatory"},
                {"id": "F", "value": -2, "force": "in"},
                {"id": "K", "value": 50, "status": "in_flight"}],
               objectives=[{"id": "o1", "weight": 1}, {"id": "o2", "weight": 0}],
               alignment=[{"project": "A", "objective": "o1", "score": 1},
                          {"project": "U", "objective": "o2", "score": 5}],
               settings=settings)


def test_require_alignment_binds(solver):
    # Default (objectives given): U and K may not be selected; M and F must: 5 - 1 - 2 = 2.
    result = solve(alignment_doc(), solver, 2)
    assert set(picked(result)) == {"A", "M", "F"}
    codes = excluded(result)
    assert codes["U"][0] == codes["K"][0] == "unaligned"
    assert result.kpis.unaligned_selected == 2  # M and F
    assert any("F" in w and "forced in" in w for w in result.warnings)
    assert advice(result)[0] == "kill"
    # Switched off: everything worth having: 5 + 10 - 1 - 2 + 50 = 62, four unaligned.
    result = solve(alignment_doc(False), solver, 62)
    assert set(picked(result)) == {"A", "U", "M", "F", "K"}
    assert result.kpis.unaligned_selected == 4


def test_alignment_violated():
    d = alignment_doc()
    assert broken(d, {"A": 0, "U": 0, "M": 0, "F": 0}) == ["alignment[U]"]
    assert broken(d, {"A": 0, "M": 0, "F": 0, "K": 0}) == ["alignment[K]"]
    assert broken(d, {"A": 0, "M": 0, "F": 0}) == []
    assert broken(alignment_doc(False), {"A": 0, "U": 0, "M": 0, "F": 0, "K": 0}) == []


# ---------------------------------------------------------------- exclusion codes

def test_budget_and_capacity_codes(solver):
    # Budget 12 over the horizon: A (cost 10, 5) and B (cost 6, 4) do not both fit: A.
    d = doc(values(A=5, B=4), costs=costs("A", 10) + costs("B", 6), budgets=[{"limit": 12}])
    assert excluded(solve(d, solver, 5)) == {"B": ("budget", ["budget[*]"])}
    # 4 dev FTE, 3 each: A alone.
    d = doc(values(A=5, B=4), demands=[{"project": p, "skill": "dev", "offset": 0, "fte": 3}
                                       for p in "AB"],
            capacity=[{"skill": "dev", "period": "T1", "fte": 4}])
    assert excluded(solve(d, solver, 5)) == {"B": ("capacity", ["capacity[dev,T1]"])}
