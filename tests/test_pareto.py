"""The Pareto frontier against brute force: on tiny portfolios every plan the
checker accepts is enumerated; each reported point is non-dominated among
them, and the exact mode misses none (supported or not)."""

from __future__ import annotations

from itertools import combinations

import pytest
from spmo.engine.check import Assignment, check
from spmo.engine.derive import derive
from spmo.engine.errors import InvalidPortfolio
from spmo.scenarios.pareto import pareto

from .conftest import portfolio_of
from .family_helpers import costs, doc

VALUES = {"A": 9, "B": 4, "C": 7, "D": 2, "E": 6, "F": 5, "G": 3}
SCORES = {"A": 1, "B": 6, "C": 3, "D": 5, "E": 2, "F": 4, "G": 4}
COSTS = {"A": 5, "B": 4, "C": 4, "D": 2, "E": 3, "F": 3, "G": 2}


def tiny(extra: dict | None = None) -> dict:
    return doc([{"id": p, "value": v} for p, v in VALUES.items()],
               objectives=[{"id": "o"}],
               alignment=[{"project": p, "objective": "o", "score": s}
                          for p, s in SCORES.items()],
               costs=[r for p, c in COSTS.items() for r in costs(p, c)],
               budgets=[{"limit": 11}], **(extra or {}))


def all_plans(portfolio) -> list[tuple[float, float]]:
    """(strategic, financial) of every subset the checker accepts (one period: start 0)."""
    derived = derive(portfolio)
    out = []
    ids = list(portfolio.projects.index)
    for k in range(len(ids) + 1):
        for chosen in combinations(ids, k):
            report = check(portfolio, derived, Assignment(dict.fromkeys(chosen, 0)))
            if report.ok:
                out.append((report.kpis["strategic_score"], report.kpis["financial_value"]))
    return out


def non_dominated(plans: list[tuple[float, float]]) -> set[tuple[float, float]]:
    return {p for p in plans if not any(q[0] >= p[0] and q[1] >= p[1] and q != p
                                        for q in plans)}


def rounded(points) -> set[tuple[float, float]]:
    return {(round(a, 6), round(b, 6)) for a, b in points}


@pytest.mark.parametrize("extra", [None, {"dependencies": [
    {"project": "B", "kind": "requires", "other": "D"},
    {"project": "A", "kind": "excludes", "other": "C"}]}])
def test_exact_frontier_is_every_non_dominated_plan(extra):
    portfolio = portfolio_of(tiny(extra))
    truth = non_dominated(all_plans(portfolio))
    result = pareto(portfolio, ("strategic", "financial"), exact=True)
    assert result.complete and all(p.proven for p in result.points)
    assert rounded((p.first, p.second) for p in result.points) == rounded(truth)
    assert len(truth) >= 4  # a frontier with inner points, some off the convex hull


def test_unsupported_points_are_found():
    portfolio = portfolio_of(tiny())
    truth = sorted(non_dominated(all_plans(portfolio)))
    hull_missed = [p for k, p in enumerate(truth[1:-1], start=1)
                   if _below_chord(truth[k - 1], p, truth[k + 1])]
    assert hull_missed, "the tiny case should have an unsupported point"
    result = pareto(portfolio, ("strategic", "financial"), exact=True)
    assert rounded(hull_missed) <= rounded((p.first, p.second) for p in result.points)


def _below_chord(a, p, b) -> bool:
    """p lies strictly below the segment from a to b (in the objective plane)."""
    cross = (b[0] - a[0]) * (p[1] - a[1]) - (b[1] - a[1]) * (p[0] - a[0])
    return cross < -1e-9


def test_steps_give_non_dominated_points_with_their_differences():
    portfolio = portfolio_of(tiny())
    plans = all_plans(portfolio)
    truth = rounded(non_dominated(plans))
    result = pareto(portfolio, ("financial", "strategic"), steps=3)
    got = [(p.second, p.first) for p in result.points]  # back to (strategic, financial)
    assert rounded(got) <= truth
    assert len(result.points) >= 2
    for a, b, step in zip(result.points, result.points[1:], result.steps, strict=False):
        assert b.first < a.first and b.second > a.second
        assert step.first_change == pytest.approx(b.first - a.first)
        assert set(step.came_in) == set(b.selected) - set(a.selected)
        assert set(step.went_out) == set(a.selected) - set(b.selected)
        assert step.rate == pytest.approx(-(b.first - a.first) / (b.second - a.second))


def test_problems_of_a_pareto_request():
    no_objectives = portfolio_of(doc([{"id": "A", "value": 1}]))
    with pytest.raises(InvalidPortfolio) as caught:
        pareto(no_objectives, ("strategic", "financial"), steps=0)
    assert {(p.table, p.column) for p in caught.value.problems} == {
        ("objectives", None), ("frontier", "steps")}
    with pytest.raises(InvalidPortfolio) as caught:
        pareto(portfolio_of(tiny()), ("financial", "financial"))
    assert caught.value.problems[0].column == "pareto"


def test_cli_frontier_pareto(tmp_path):
    import json
    import subprocess
    import sys

    path = tmp_path / "p.json"
    path.write_text(json.dumps(tiny()))
    out = subprocess.run([sys.executable, "-m", "spmo", "frontier", str(path), "--pareto",
                          "strategic,financial", "--exact", "--json"],
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    body = json.loads(out.stdout)
    assert body["method"] == "exact" and len(body["points"]) == 6
    bad = subprocess.run([sys.executable, "-m", "spmo", "frontier", str(path), "--pareto",
                          "strategic,money", "--json"], capture_output=True, text=True,
                         timeout=300)
    assert bad.returncode == 2 and json.loads(bad.stdout)["problems"][0]["column"] == "pareto"
