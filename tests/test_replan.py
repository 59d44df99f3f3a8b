"""Re-planning mid-cycle (scenarios.replan, scenarios.drift, spmo replan): sunk
costs are sunk, finished projects are fixed, the drift of spend, benefits and
dates is reported, and bad actuals are named by table, row and column.
"""

from __future__ import annotations

import json

import pytest
from spmo.engine.errors import InvalidPortfolio
from spmo.scenarios.drift import drift
from spmo.scenarios.replan import replan, replan_portfolio
from typer.testing import CliRunner

from .conftest import portfolio_of, solve_checked


def half_done(benefit: float, **extra) -> dict:
    """T1..T4, financial. H starts at T1: 30 a period for 4 periods (120), benefit
    at offset 3; K value 25, 30 a period for 2 periods, from T3. Budgets of 30 in T3
    and T4: only one of H's second half and K fits there."""
    d = {"name": "r", "periods": [{"id": f"T{i}"} for i in range(1, 5)],
         "projects": [{"id": "H", "latest_start": "T1"},
                      {"id": "K", "value": 25, "earliest_start": "T3"}],
         "costs": [{"project": "H", "offset": k, "amount": 30} for k in range(4)]
         + [{"project": "K", "offset": k, "amount": 30} for k in range(2)],
         "benefits": [{"project": "H", "offset": 3, "amount": benefit}],
         "budgets": [{"period": "T3", "limit": 30}, {"period": "T4", "limit": 30}],
         "settings": {"objective": "financial"}}
    d.update(extra)
    return d


def at_now(benefit: float, actuals: list[dict], now: str = "T3") -> dict:
    return half_done(benefit, actuals=actuals, settings={"objective": "financial", "now": now})


@pytest.fixture(scope="module")
def original():
    """The plan made at T1, when H's benefit was expected at 200: H is in (80 > 25)."""
    result = solve_checked(half_done(200), explain="none")
    assert [(s.project, s.start) for s in result.selected] == [("H", "T1")]
    return result


def test_a_plan_from_the_start_says_it_does_not_read_the_actuals(original):
    """A solve of a portfolio with actuals and settings.now plans the whole
    horizon: it says so and names spmo replan; the re-plan, which reads them,
    does not; actuals of a candidate (started by the plan) are no warning."""
    now = portfolio_of(at_now(100, [{"project": "H", "spent": 60, "progress": 0.5}]))
    assert not now.warnings  # H is a candidate: the plan started it, its actuals count
    fresh = solve_checked(now, explain="none")
    assert any("spmo replan" in w and "actuals" in w for w in fresh.warnings)
    result = replan(now, original, explain="none")
    assert not any("spmo replan" in w for w in result.plan.warnings)
    assert not any("spmo replan" in w for w in original.warnings)


def test_sunk_cost_keeps_a_half_done_project(original):
    # the benefit is re-estimated at 100. A fresh plan pays H's whole cost: 100 - 120 < 0,
    # so it takes K (25). Half done (60 spent), what is left costs 60 for 100: +40 > 25.
    now = portfolio_of(at_now(100, [{"project": "H", "spent": 60, "progress": 0.5}]))
    fresh = solve_checked(now, explain="none")
    assert [s.project for s in fresh.selected] == ["K"]
    result = replan(now, original, explain="none")
    assert [(s.project, s.start) for s in result.plan.selected] == [("H", "T3")]
    assert result.plan.objective == pytest.approx(40.0)
    (decision,) = result.decisions
    assert (decision.action, decision.sunk, decision.remaining_cost) == ("continue", 60, 60)
    assert decision.whole_value == pytest.approx(-20.0)
    assert decision.remaining_value == pytest.approx(40.0)
    assert "60 already spent is sunk" in decision.reason
    assert "a fresh plan would drop it" in decision.reason


def test_progress_re_estimates_the_remaining_cost(original):
    # 40 % done: remaining 120 x 0.6 = 72 over T3, T4 (36 each) > the budgets of 30:
    # H cannot go on; stopping gives up its 100 - 72 = 28
    now = portfolio_of(at_now(100, [{"project": "H", "spent": 70, "progress": 0.4}]))
    result = replan(now, original, explain="none")
    (decision,) = result.decisions
    assert decision.action == "stop"
    assert decision.remaining_cost == pytest.approx(72.0)
    assert decision.value_delta == pytest.approx(-28.0)
    assert [s.project for s in result.plan.selected] == ["K"]
    (row,) = result.drift
    assert (row.planned_spend, row.spent, row.spend_drift) == (60, 70, 10)
    assert (row.planned_progress, row.progress) == (0.5, 0.4)
    # 2 periods gave 40 %: the other 60 % takes 3 more, T3..T5: one period late
    assert (row.planned_finish, row.forecast_finish, row.slip) == ("T4", "T4+1", 1)


def test_finished_projects_are_fixed_and_their_requirements_met(original):
    d = at_now(100, [{"project": "H", "spent": 120, "progress": 1, "benefits_realised": 90}],
               now="T3")
    d["projects"].append({"id": "L", "value": 5, "earliest_start": "T3"})
    d["costs"].append({"project": "L", "offset": 0, "amount": 1})
    d["dependencies"] = [{"project": "L", "kind": "requires", "other": "H"}]
    now = portfolio_of(d)
    new, rows, finished, dropped = replan_portfolio(now, original)
    assert finished == ["H"] and dropped == []
    assert "H" not in new.projects.index and new.periods == ("T3", "T4")
    assert new.table("dependencies").empty
    (row,) = rows
    assert (row.state, row.benefits_realised, row.planned_benefits) == ("finished", 90, 0)


def test_whole_horizon_budget_keeps_what_is_left(original):
    d = at_now(100, [{"project": "H", "spent": 75, "progress": 0.5}])
    d["budgets"] = [{"limit": 150}]
    new, *_ = replan_portfolio(portfolio_of(d), original)
    assert new.table("budgets")["limit"].tolist() == [75.0]


def test_drift_without_actuals_follows_the_plan(original):
    now = portfolio_of(at_now(100, []))
    (row,) = drift(now, original)
    assert (row.state, row.spent, row.progress, row.slip) == ("running", None, None, 0)


@pytest.mark.parametrize(("actuals", "settings", "where"), [
    ([{"project": "Z", "spent": 1}], {"now": "T3"}, ("actuals", 0, "project")),
    ([{"project": "H", "progress": 1.5}], {"now": "T3"}, ("actuals", 0, "progress")),
    ([{"project": "H", "spent": -1}], {"now": "T3"}, ("actuals", 0, "spent")),
    ([{"project": "H"}, {"project": "H"}], {"now": "T3"}, ("actuals", 1, "project")),
    ([], {"now": "T9"}, ("settings", None, "now")),
])
def test_bad_actuals_named(actuals, settings, where):
    with pytest.raises(InvalidPortfolio) as info:
        portfolio_of(half_done(100, actuals=actuals, settings=settings))
    assert where in [(p.table, p.row, p.column) for p in info.value.problems]


def test_replan_needs_now(original):
    with pytest.raises(InvalidPortfolio) as info:
        replan(portfolio_of(half_done(100)), original)
    assert [(p.table, p.column) for p in info.value.problems] == [("settings", "now")]


def test_cli_replan(tmp_path, original):
    from spmo.api.cli import app

    plan_file = tmp_path / "plan.json"
    plan_file.write_text(original.model_dump_json())
    now_file = tmp_path / "now.json"
    now_file.write_text(json.dumps(at_now(100, [{"project": "H", "spent": 60,
                                                  "progress": 0.5}])))
    run = CliRunner().invoke(app, ["replan", str(plan_file), str(now_file), "--json"])
    assert run.exit_code == 0, run.output
    out = json.loads(run.output)
    assert out["decisions"][0]["action"] == "continue"
    assert out["drift"][0]["spend_drift"] == 0
    text = CliRunner().invoke(app, ["replan", str(plan_file), str(now_file)])
    assert text.exit_code == 0 and "drift against the plan" in text.output
    bad = CliRunner().invoke(app, ["replan", str(now_file), str(now_file), "--json"])
    assert bad.exit_code == 2 and json.loads(bad.output)["problems"][0]["table"] == "plan"


def test_http_replan(tmp_path, original):
    from fastapi.testclient import TestClient
    from spmo.api.http import create_app
    from spmo.api.settings import Settings

    settings = Settings(database_url=f"sqlite:///{tmp_path / 'spmo.db'}")
    now = at_now(100, [{"project": "H", "spent": 60, "progress": 0.5}])
    from .conftest import key_headers

    with TestClient(create_app(settings), headers=key_headers(settings.database_url, "plan"),
                    raise_server_exceptions=False) as client:
        answer = client.post("/v1/replan?explain=none", json={
            "portfolio": now, "plan": original.model_dump(mode="json")})
        assert answer.status_code == 200, answer.text
        assert answer.json()["decisions"][0]["action"] == "continue"
        bad = client.post("/v1/replan", json={"portfolio": now, "plan": {"status": "?"}})
        assert bad.status_code == 422
        assert {p["table"] for p in bad.json()["problems"]} == {"plan"}
        missing = client.post("/v1/replan", json={"portfolio": now})
        assert missing.status_code == 422
        assert missing.json()["problems"][0]["column"] == "plan"


def test_a_decisions_value_delta_says_when_it_is_first_order(original):
    """Without explanations a decision's value delta is the project's own terms
    (engine.report) and its reason says so; exact re-solves replace it (>= 0 for
    the recommended action) and the reason does not."""
    now = portfolio_of(at_now(100, [{"project": "H", "spent": 60, "progress": 0.5}]))
    (rough,) = replan(now, original, explain="none").decisions
    (exact,) = replan(now, original, explain="exact").decisions
    assert "first order" in rough.reason and "first order" not in exact.reason
    assert exact.value_delta >= -1e-9
    assert exact.value_delta == pytest.approx(40.0 - 25.0)  # continuing H (40) vs K (25)
