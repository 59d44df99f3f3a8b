"""The budget frontier: at each level the plan a direct solve of the scaled
portfolio gives, objectives that never fall as budgets grow, its problems
named, and the chart drawn by a real browser."""

from __future__ import annotations

import json
import subprocess
import sys
from itertools import pairwise

import pytest
from fastapi.testclient import TestClient
from spmo.api.http import create_app
from spmo.api.store import Store
from spmo.api.study_pages import study_page
from spmo.engine.errors import InvalidPortfolio
from spmo.engine.synthetic.generate import generate_portfolio
from spmo.scenarios.frontier import frontier
from spmo.scenarios.spec import ScaleBudget, Scenario, apply

from .browser import dump_dom
from .conftest import key_headers, portfolio_of, solve_checked
from .family_helpers import costs, doc

BASE = doc([{"id": "A", "value": 5}, {"id": "B", "value": 4}, {"id": "C", "value": 3}],
           costs=costs("A", 6) + costs("B", 5) + costs("C", 4),
           budgets=[{"period": "T1", "limit": 10}])
PORTFOLIO = portfolio_of(BASE)


def test_each_level_is_the_scaled_portfolios_optimum():
    result = frontier(PORTFOLIO, [2.0, 0.5, 1.0, 1.1], workers=1)
    assert [p.factor for p in result.points] == [0.5, 1.0, 1.1, 2.0]
    assert [set(p.selected) for p in result.points] == [{"B"}, {"A", "C"}, {"A", "B"},
                                                        {"A", "B", "C"}]
    assert [p.objective for p in result.points] == pytest.approx([4, 8, 9, 12])
    assert [p.budget for p in result.points] == pytest.approx([5, 10, 11, 20])
    assert result.points[0].marginal is None
    assert [p.marginal for p in result.points[1:]] == pytest.approx([4 / 50, 1 / 10, 3 / 90])
    assert result.objective_kind == "financial"


def test_a_generated_frontier_never_falls_and_matches_direct_solves():
    portfolio = portfolio_of(generate_portfolio(30, 6, 3, skills=4))
    factors = [0.6, 0.8, 1.0, 1.3]
    result = frontier(portfolio, factors, workers=2, time_limit_s=30)
    objectives = [p.objective for p in result.points]
    assert all(p.status == "optimal" for p in result.points)
    assert all(b >= a - 1e-9 * max(1, abs(a)) for a, b in pairwise(objectives))
    for point in result.points:
        direct = solve_checked(apply(portfolio, Scenario(changes=[
            ScaleBudget(factor=point.factor)])), explain="none")
        assert point.objective == pytest.approx(direct.objective, rel=1e-6)


def test_problems_of_a_frontier():
    with pytest.raises(InvalidPortfolio) as caught:
        frontier(portfolio_of({key: value for key, value in BASE.items() if key != "budgets"}),
                 [1.0])
    assert [(p.table, p.column) for p in caught.value.problems] == [("budgets", None)]
    with pytest.raises(InvalidPortfolio) as caught:
        frontier(PORTFOLIO, [1.0, -1, "x"])
    assert [(p.table, p.column) for p in caught.value.problems] == [("frontier", "factors")]
    with pytest.raises(InvalidPortfolio) as caught:
        frontier(PORTFOLIO, [1.0, float("inf")])
    assert [(p.table, p.column) for p in caught.value.problems] == [("frontier", "factors")]


def test_cli_frontier(tmp_path):
    base = tmp_path / "base.json"
    base.write_text(json.dumps(BASE))
    chart = tmp_path / "frontier.html"
    run = [sys.executable, "-m", "spmo", "frontier", str(base)]
    out = subprocess.run([*run, "--factors", "0.5,1", "--json", "--out", str(chart)],
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert [p["objective"] for p in json.loads(out.stdout)["points"]] == pytest.approx([4, 8])
    assert "plotly" in chart.read_text(encoding="utf-8")
    out = subprocess.run([*run, "--factors", "half", "--json"], capture_output=True, text=True,
                         timeout=300)
    assert out.returncode == 2 and json.loads(out.stdout)["problems"][0]["column"] == "factors"


def test_http_frontier(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'db'}")
    with TestClient(create_app(store), headers=key_headers(store, "plan")) as client:
        body = client.post("/v1/frontier", json={"portfolio": BASE, "factors": [0.5, 1.1]})
        assert body.status_code == 200
        assert [set(p["selected"]) for p in body.json()["points"]] == [{"B"}, {"A", "B"}]
        bad = client.post("/v1/frontier", json={"portfolio": BASE, "factors": []})
        assert bad.status_code == 422 and bad.json()["problems"][0]["column"] == "factors"


def test_the_chart_is_drawn_by_a_real_browser(tmp_path):
    """Debian's chromium, headless, runs plotly.js on the page: the DOM it
    dumps holds the drawn SVG with one marker per budget level."""
    page = tmp_path / "frontier.html"
    page.write_text(study_page("frontier", frontier(PORTFOLIO, [0.5, 1.0, 1.1], workers=1),
                               "test", PORTFOLIO), encoding="utf-8")
    dom = dump_dom(page, tmp_path / "profile")
    assert 'class="main-svg"' in dom  # plotly drew the figure
    assert dom.count('class="point"') >= 3  # the three levels' markers
