"""Sensitivity: each reported threshold is where the selection changes (just
past it, it does; just short of it, it does not), found again by bisection
on re-solves; the weight ranges hold against a brute-forced sweep."""

from __future__ import annotations

import copy

import pytest
from spmo.engine.errors import InvalidPortfolio
from spmo.scenarios.sensitivity import SensitivityOptions, sensitivity

from .conftest import portfolio_of, solve_checked
from .family_helpers import costs, doc

STEP = 1e-4
NO_WEIGHTS = SensitivityOptions(weights=False)

FINANCIAL = doc([{"id": "A", "value": 10}, {"id": "B", "value": 7},
                 {"id": "C", "value": 12, "success_probability": 0.5},
                 {"id": "D", "value": 2}, {"id": "E", "value": 3, "force": "out"}],
                costs=costs("A", 5) + costs("B", 4) + costs("C", 3) + costs("D", 2)
                + costs("E", 1), budgets=[{"limit": 9}])

STRATEGIC = doc([{"id": p} for p in "ABCD"],
                objectives=[{"id": "g", "weight": 0.7}, {"id": "h", "weight": 0.3}],
                alignment=[{"project": "A", "objective": "g", "score": 5},
                           {"project": "A", "objective": "h", "score": 1},
                           {"project": "B", "objective": "g", "score": 2},
                           {"project": "B", "objective": "h", "score": 6},
                           {"project": "C", "objective": "h", "score": 8},
                           {"project": "D", "objective": "g", "score": 4},
                           {"project": "D", "objective": "h", "score": 3}],
                costs=costs("A", 4) + costs("B", 3) + costs("C", 3) + costs("D", 3),
                budgets=[{"limit": 7}], settings={"objective": "strategic"})


def selection(document: dict) -> set[str]:
    result = solve_checked(document, explain="none")
    assert result.status == "optimal"
    return {s.project for s in result.selected}


def with_value(document: dict, project: str, value: float) -> dict:
    out = copy.deepcopy(document)
    for p in out["projects"]:
        if p["id"] == project:
            p["value"] = value
    return out


def with_score(document: dict, project: str, objective: str, score: float) -> dict:
    out = copy.deepcopy(document)
    out["alignment"] = [r for r in out["alignment"]
                        if not (r["project"] == project and r["objective"] == objective)]
    out["alignment"].append({"project": project, "objective": objective, "score": score})
    return out


def test_value_thresholds_are_where_the_selection_changes():
    result = sensitivity(portfolio_of(FINANCIAL), NO_WEIGHTS)
    base = selection(FINANCIAL)
    margins = {m.project: m for m in result.projects}
    assert margins["E"].status == "never"
    for p in "ABCD":
        m = margins[p]
        assert m.status == "exact" and m.value_unit == "value"
        sign = -1 if m.selected else 1
        short = with_value(FINANCIAL, p, m.value_threshold - sign * STEP)
        past = with_value(FINANCIAL, p, m.value_threshold + sign * STEP)
        assert selection(short) == base, p
        assert selection(past) != base, p
        assert (p in selection(past)) != m.selected, p


def bisect(test, low: float, high: float, steps: int = 30) -> float:
    """The point in [low, high] where test turns from False to True."""
    for _ in range(steps):
        mid = (low + high) / 2
        low, high = (low, mid) if test(mid) else (mid, high)
    return (low + high) / 2


def test_bisection_on_re_solves_finds_the_reported_value_threshold():
    result = sensitivity(portfolio_of(FINANCIAL), NO_WEIGHTS)
    base = selection(FINANCIAL)
    c = next(m for m in result.projects if m.project == "C")  # success probability 0.5
    found = bisect(lambda v: selection(with_value(FINANCIAL, "C", v)) != base, 12.0, 40.0) \
        if not c.selected else bisect(lambda v: selection(with_value(FINANCIAL, "C", v))
                                      == base, 0.0, 12.0)
    assert found == pytest.approx(c.value_threshold, abs=1e-3)


def test_score_thresholds_under_a_strategic_objective():
    result = sensitivity(portfolio_of(STRATEGIC), NO_WEIGHTS)
    base = selection(STRATEGIC)
    for m in result.projects:
        assert m.status == "exact" and m.value_margin is None
        sign = -1 if m.selected else 1
        # the project's score S_p moves through its score on objective g (weight 0.7)
        own = next((r["score"] for r in STRATEGIC["alignment"]
                    if r["project"] == m.project and r["objective"] == "g"), 0.0)
        for delta, changes in ((m.score_margin - STEP, False), (m.score_margin + STEP, True)):
            moved = with_score(STRATEGIC, m.project, "g", own + sign * delta / 0.7)
            if own + sign * delta / 0.7 < 0:
                continue
            assert (selection(moved) != base) is changes, (m.project, delta)


def brute_best(document: dict, weight_g: float) -> float:
    """The best strategic objective over every subset within the budget."""
    from itertools import combinations

    score = {p: 0.0 for p in "ABCD"}
    for r in document["alignment"]:
        score[r["project"]] += r["score"] * (weight_g if r["objective"] == "g"
                                             else 1 - weight_g)
    cost = {c["project"]: c["amount"] for c in document["costs"]}
    best = 0.0
    for k in range(5):
        for chosen in combinations("ABCD", k):
            if sum(cost[p] for p in chosen) <= 7:
                best = max(best, sum(score[p] for p in chosen))
    return best


def test_weight_ranges_match_a_brute_forced_sweep():
    result = sensitivity(portfolio_of(STRATEGIC), SensitivityOptions(samples=4))
    base = selection(STRATEGIC)
    score = {p: 0.0 for p in "ABCD"}
    g = next(r for r in result.weight_ranges if r.objective == "g")
    assert g.exact and 0 <= g.low < 0.7 < g.high <= 1
    for t in [k / 200 for k in range(1, 200)]:
        score = {p: 0.0 for p in "ABCD"}
        for r in STRATEGIC["alignment"]:
            score[r["project"]] += r["score"] * (t if r["objective"] == "g" else 1 - t)
        ours = sum(score[p] for p in base)
        optimal = ours >= brute_best(STRATEGIC, t) - 1e-9
        inside = g.low - 1e-6 <= t <= g.high + 1e-6
        assert optimal == inside, (t, g)
    h = next(r for r in result.weight_ranges if r.objective == "h")
    assert h.low == pytest.approx(1 - g.high, abs=1e-6)
    assert h.high == pytest.approx(1 - g.low, abs=1e-6)


def test_weight_samples_of_radius_zero_keep_the_plan():
    result = sensitivity(portfolio_of(STRATEGIC), SensitivityOptions(samples=3, radius=0.0))
    assert result.samples == 3
    assert all(s.share == (1.0 if s.base_selected else 0.0) for s in result.stay_in)


def test_bad_options_are_named():
    with pytest.raises(InvalidPortfolio) as caught:
        sensitivity(portfolio_of(FINANCIAL), SensitivityOptions(samples=-1, radius=2))
    assert {(p.table, p.column) for p in caught.value.problems} == {
        ("sensitivity", "samples"), ("sensitivity", "radius")}


def test_cli_sensitivity(tmp_path):
    import json
    import subprocess
    import sys

    path = tmp_path / "p.json"
    path.write_text(json.dumps(FINANCIAL))
    out = subprocess.run([sys.executable, "-m", "spmo", "sensitivity", str(path), "--json",
                          "--out", str(tmp_path / "s.json")],
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    body = json.loads(out.stdout)
    assert json.loads((tmp_path / "s.json").read_text())["projects"] == body["projects"]
    assert {m["project"]: m["status"] for m in body["projects"]}["E"] == "never"
    bad = subprocess.run([sys.executable, "-m", "spmo", "sensitivity", str(path), "--json",
                          "--radius", "3"], capture_output=True, text=True, timeout=300)
    assert bad.returncode == 2 and json.loads(bad.stdout)["problems"][0]["column"] == "radius"
