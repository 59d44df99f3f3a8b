"""The plan's report (`spmo solve --out plan.html`), drawn by chromium: the
roadmap, the bubble chart, contribution by objective and excluded counts are
drawn, with no message on the console; names stand beside ids, numbers carry
thousands separators, the objective is given as a share of its bound, and
the page needs no network (plotly.js inlined once)."""

from __future__ import annotations

import json
import re
import subprocess
import sys

from spmo.api.report_charts import contribution_rows, project_facts
from spmo.api.report_format import money, percent, share_of_bound

from .browser import dom_and_console
from .conftest import portfolio_of, solve_checked
from .family_helpers import costs, doc

PROJECTS = [
    {"id": "A", "name": "Alpha platform", "category": "growth", "value": 5000, "risk": 0.2},
    {"id": "B", "name": "Beta <b>bold</b>", "category": "compliance", "value": 4000,
     "risk": 0.5, "duration": 2},
    {"id": "C", "name": "Gamma", "category": "growth", "value": 3000, "risk": 0.7},
    {"id": "D", "name": "Delta", "category": "efficiency", "value": 100, "risk": 0.9}]
PORTFOLIO = doc(
    PROJECTS, periods=3,
    costs=costs("A", 6000) + costs("B", 2500, 2500) + costs("C", 4000) + costs("D", 9000),
    budgets=[{"limit": 16000}],
    objectives=[{"id": "grow", "name": "Grow revenue", "weight": 2},
                {"id": "comply", "name": "Stay compliant", "weight": 1}],
    alignment=[{"project": "A", "objective": "grow", "score": 3},
               {"project": "B", "objective": "comply", "score": 4},
               {"project": "C", "objective": "grow", "score": 2},
               {"project": "D", "objective": "grow", "score": 1}],
    settings={"objective": "financial"})


def _page(tmp_path):
    source = tmp_path / "portfolio.json"
    source.write_text(json.dumps(PORTFOLIO))
    target = tmp_path / "plan.html"
    done = subprocess.run([sys.executable, "-m", "spmo", "solve", str(source), "--json",
                           "--explain", "none", "--out", str(target)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout), target


def test_the_report_is_drawn_without_console_messages(tmp_path):
    plan, target = _page(tmp_path)
    assert sorted(s["project"] for s in plan["selected"]) == ["A", "B", "C"]  # D: budget
    text = target.read_text(encoding="utf-8")
    assert re.search(r"<script[^>]*\bsrc=", text) is None  # nothing fetched: offline
    assert text.count("Plotly.newPlot") == 4 and text.count("plotly.js v") >= 1
    dom, console = dom_and_console(target, tmp_path / "profile")
    assert console == []
    for chart in ("roadmap", "bubbles", "contribution", "excluded-codes"):
        drawn = re.search(rf'<div id="{chart}"[^>]*class="[^"]*js-plotly-plot', dom)
        assert drawn, chart
    assert dom.count('class="main-svg"') >= 8  # four charts, two svg layers each
    assert "<td>A</td><td>Alpha platform</td>" in dom
    assert "Beta &lt;b&gt;bold&lt;/b&gt;" in dom and "<b>bold</b>" not in dom
    assert "16,000.0" in dom and "15,000.0" in dom  # the budget's limit and spend
    assert share_of_bound(plan["objective"], plan["bound"]) in dom
    assert "selected without alignment" in dom


def test_a_broken_page_is_caught(tmp_path):
    """The console check can fail: a page that throws is reported."""
    page = tmp_path / "bad.html"
    page.write_text("<html><body><script>undefinedFunction();</script></body></html>")
    _, console = dom_and_console(page, tmp_path / "profile")
    assert any("undefinedFunction" in line for line in console)


def test_the_figures_come_from_the_portfolio_and_plan():
    portfolio = portfolio_of(PORTFOLIO)
    plan = solve_checked(portfolio, explain="none")
    facts = project_facts(portfolio)
    assert facts.loc["B", ["name", "category", "cost", "value"]].tolist() == \
        ["Beta <b>bold</b>", "compliance", 5000.0, 4000.0]
    rows = contribution_rows(portfolio, plan)
    assert [(o, n) for o, n, _ in rows] == [("grow", "Grow revenue"),
                                            ("comply", "Stay compliant")]
    by_objective = {r.objective: 0.0 for r in plan.alignment}
    for r in plan.alignment:
        by_objective[r.objective] += r.contribution
    assert {o: v for o, _, v in rows} == by_objective


def test_numbers_are_formatted_for_people():
    assert money(1234567.891) == "1,234,567.9"
    assert percent(0.12345) == "12.3 %"
    assert share_of_bound(0.5, 0.5) == "100.0 % of the bound 0.5"
    assert share_of_bound(1.0, None) == "no bound"


def test_an_infeasible_plan_gives_its_conflicts_and_relaxation():
    from spmo.api.report_html import plan_page

    infeasible = doc([{"id": "A", "name": "ERP [v2]", "value": 5, "force": "in"}], periods=1,
                     costs=costs("A", 10), budgets=[{"period": "T1", "limit": 4}])
    portfolio = portfolio_of(infeasible)
    plan = solve_checked(portfolio, explain="none")
    assert plan.status == "infeasible"
    text = plan_page(portfolio, plan, "t").split("</script>")[-1]
    assert "Plotly.newPlot" not in text and "<b>infeasible</b>: no plan" in text
    assert "these constraints cannot all hold" in text and "budget[T1]" in text
    assert "the smallest change that gives a plan" in text


def test_the_roadmap_draws_at_most_its_rows_and_says_so(monkeypatch):
    import spmo.api.report_charts as charts

    portfolio = portfolio_of(PORTFOLIO)
    plan = solve_checked(portfolio, explain="none")
    full = charts.roadmap(portfolio, plan)
    assert sum(len(t.y) for t in full.data) == 3 and "first" not in full.layout.title.text
    monkeypatch.setattr(charts, "ROADMAP_ROWS", 2)
    capped = charts.roadmap(portfolio, plan)
    assert sum(len(t.y) for t in capped.data) == 2
    assert "the first 2 of 3" in capped.layout.title.text
    starts = {s.project: s.start for s in plan.selected}
    drawn = [y.split()[0] for t in capped.data for y in t.y]
    index = {p: i for i, p in enumerate(portfolio.periods)}
    assert max(index[starts[p]] for p in drawn) <= min(
        index[starts[p]] for p in starts if p not in drawn)  # the earliest starts
