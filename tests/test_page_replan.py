"""The planners' page (docs/page.md): the re-plan screen (Decisions) and the
funding sources (Plan), end to end in Debian's chromium against a real `spmo
serve` with a `plan` key. The numbers shown are checked against the job's own
JSON (GET /v1/jobs/{id}) or the downloaded plan; short time limits."""

from __future__ import annotations

import json
import re
from pathlib import Path

from playwright.sync_api import Page, expect

from .conftest import EXAMPLES
from .page_fixtures import browser_page, screenshot_copy, spmo_server  # noqa: F401 (fixtures)
from .test_page import SOLVE_WAIT, decimals, download, finished_job, wait_for_scenarios

REPLAN = EXAMPLES / "northwind-replan.json"
FUNDING = EXAMPLES / "northwind-funding.json"


def one(x: float | None) -> str:
    """x as the page writes money: at most one decimal, "–" for nothing."""
    return "–" if x is None else decimals(x, 1)


def signed(x: float, digits: int) -> str:
    """x as the page writes a difference: + or − (U+2212), ±0 for zero."""
    return "±0" if not x else ("+" if x > 0 else "−") + decimals(abs(x), digits)


def share(x: float | None) -> str:
    return "–" if x is None else f"{decimals(x * 100, 0)} %"


def upload_and_solve(page: Page, server, tmp_path: Path, path: Path, seconds: str = "2") -> dict:
    page.goto(server.url + "/")
    page.get_by_label("Time limit per solve (seconds)").fill(seconds)
    page.set_input_files("#upload", path)
    expect(page.locator("#status")).to_contain_text("Stored Northwind", timeout=30_000)
    page.get_by_role("button", name="Solve").click()
    wait_for_scenarios(page, 1)
    return json.loads(download(page, "#download-json", tmp_path).read_text())


def cells(page: Page, table: str) -> list[list[str]]:
    return [r.locator("th, td").all_inner_texts() for r in page.locator(f"{table} tbody tr").all()]


def section_shot(page: Page, tmp_path: Path, top: str, bottom: str, name: str) -> None:
    """The page from `top`'s top edge to `bottom`'s bottom edge as `name`.png."""
    scroll = page.evaluate("window.scrollY")
    first, last = page.locator(top).bounding_box(), page.locator(bottom).bounding_box()
    path = tmp_path / f"{name}.png"
    page.screenshot(path=path, full_page=True, clip={
        "x": 0, "y": first["y"] + scroll - 8, "width": page.viewport_size["width"],
        "height": last["y"] + last["height"] - first["y"] + 16})
    screenshot_copy(path)


def check_replan(page: Page, server, names: dict) -> dict:
    page.get_by_role("button", name="Re-plan from the actuals").click()
    expect(page.locator("#job")).to_be_visible()  # progress (and Cancel) while the job runs
    expect(page.locator("#job-cancel")).to_be_visible()
    result = finished_job(page, server, "replan", "#replan-result")
    figure = lambda label: page.locator(f'#replan-figures [data-figure="{label}"] dd').inner_text()  # noqa: E731
    assert figure("Re-planned at") == result["now"]
    assert figure("Objective of the re-plan") == decimals(result["plan"]["objective"], 4)
    words = {"optimal": "Optimal", "feasible": "Feasible"}
    assert figure("Re-plan") == words[result["plan"]["status"]]
    assert figure("Finished (fixed)") == (", ".join(result["finished"]) or "none")
    assert figure("Window passed (dropped)") == f"{len(result['dropped'])} candidates"
    dropped = page.locator("#replan-dropped").inner_text()
    assert all(f"{p} · {names[p]}" in dropped for p in result["dropped"])
    advice = {"continue": "Continue", "stall": "Pause", "stop": "Stop"}
    shown = cells(page, "#replan-decisions")
    assert len(shown) == len(result["decisions"]) >= 1
    for row, d in zip(shown, result["decisions"], strict=True):
        assert row == [f"{d['project']} · {names[d['project']]}", advice[d["action"]],
                       d["restart"] or "–", one(d["sunk"]), one(d["remaining_cost"]),
                       signed(d["value_delta"], 4), one(d["remaining_value"]),
                       one(d["whole_value"]), d["reason"]]
    drift = cells(page, "#replan-drift")
    assert len(drift) == len(result["drift"]) >= 1
    for row, d in zip(drift, result["drift"], strict=True):
        dash = lambda x: "–" if x is None else signed(x, 1)  # noqa: E731
        assert row == [f"{d['project']} · {names[d['project']]}", d["state"],
                       one(d["planned_spend"]), one(d["spent"]), dash(d["spend_drift"]),
                       one(d["planned_benefits"]),
                       one(d["benefits_realised"]), dash(d["benefits_drift"]),
                       share(d["planned_progress"]), share(d["progress"]),
                       d["planned_finish"] or "–", d["forecast_finish"] or "–",
                       "–" if d["slip"] is None else signed(d["slip"], 0)]
    chart = page.evaluate("""document.getElementById('replan-chart').data
        .map((t) => [t.name, t.y, t.x])""")
    ids = [d["project"] for d in result["drift"]]
    assert chart == [["spend planned to date", ids, [d["planned_spend"] for d in result["drift"]]],
                     ["spent", ids, [d["spent"] for d in result["drift"]]],
                     ["slip (periods)", ids, [d["slip"] for d in result["drift"]]]]
    return result


def test_replan_screen_shows_the_jobs_advice_and_drift(spmo_server, browser_page, tmp_path):
    """Upload northwind-replan.json (actuals, now 2028Q1), solve it (the plan being
    followed), re-plan from its own actuals; then from a CSV of actuals, which
    stores a copy of the portfolio with them and re-plans that."""
    server, page = spmo_server, browser_page
    doc = json.loads(REPLAN.read_text())
    names = {p["id"]: p["name"] for p in doc["projects"]}
    plan = upload_and_solve(page, server, tmp_path, REPLAN)
    expect(page.locator("#funding-box")).to_be_hidden()  # no funding sources in this portfolio
    page.get_by_role("tab", name="Decisions").click()
    expect(page.locator("#replan-actuals-help")).to_have_text(
        f"This portfolio has {len(doc['actuals'])} actuals rows, now = 2028Q1.")
    expect(page.get_by_label("Now (the current period)")).to_have_value("2028Q1")
    result = check_replan(page, server, names)
    assert result["now"] == "2028Q1"
    running = {d["project"] for d in result["drift"] if d["state"] == "running"}
    assert {d["project"] for d in result["decisions"]} <= running
    # the drift covers what the plan started before now and what has an actuals row
    # (a project the plan, solved within its short limit, may have left out)
    assert {d["project"] for d in result["drift"]} <= \
        {s["project"] for s in plan["selected"]} | {a["project"] for a in doc["actuals"]}
    page.locator("#replan-title").scroll_into_view_if_needed()
    section_shot(page, tmp_path, "#replan-title", "#replan-chart", "9-replan")

    csv = tmp_path / "actuals.csv"
    csv.write_text("project,spent,progress,benefits_realised\nP08,90,0.3,\nP32,260,0.5,0\n")
    page.set_input_files("#replan-actuals-file", csv)
    check_replan(page, server, names)
    _, stored = server.call("GET", "/v1/portfolios")
    copies = [p["id"] for p in stored if p["name"].endswith("– actuals at 2028Q1")]
    assert len(copies) == 1
    _, copy = server.call("GET", f"/v1/portfolios/{copies[0]}")
    assert copy["actuals"] == [{"project": "P08", "spent": 90, "progress": 0.3},
                               {"project": "P32", "spent": 260, "progress": 0.5,
                                "benefits_realised": 0}]
    job = page.locator("#replan-result").get_attribute("data-job")
    p08 = next(d for d in server.call("GET", f"/v1/jobs/{job}")[1]["result"]["drift"]
               if d["project"] == "P08")
    assert p08["spent"] == 90 and p08["progress"] == 0.3
    assert page.errors == []


def test_funding_screen_shows_used_unused_and_the_split(spmo_server, browser_page, tmp_path):
    """Upload northwind-funding.json and solve: the Plan's funding section shows
    each funding_sources row's used and unused money (table and stacked bars), each
    source's unused money and each funded project's split, as the plan gives them."""
    server, page = spmo_server, browser_page
    doc = json.loads(FUNDING.read_text())
    names = {p["id"]: p["name"] for p in doc["projects"]}
    plan = upload_and_solve(page, server, tmp_path, FUNDING, "3")
    assert plan["sources"] and plan["funding"]
    part = [s for s in plan["selected"] if s["share"] < 1]
    partly = page.locator('[data-kpi="Partly funded"] dd')
    if part:  # the key figures name each project funded at part of its scope
        expect(partly).to_contain_text(str(len(part)))
        for s in part:
            expect(partly).to_contain_text(f"{s['project']}")
            expect(partly).to_contain_text(f"{decimals(s['share'] * 100, 0)} %")
    else:
        expect(partly).to_have_count(0)
    expect(page.locator("#funding-box")).to_be_visible()
    rows = plan["sources"]
    page.get_by_text("Every funding source row: available, used, unused").click()
    assert cells(page, "#funding-rows") == [
        [r["source"], r["period"] or "whole horizon",
         *(one(r[k]) for k in ("amount", "used", "unused"))] for r in rows]
    bars = page.evaluate(
        "document.getElementById('funding-chart').data.map((t) => [t.name, t.y, t.x])")
    y = [[r["source"] for r in rows], [r["period"] or "total" for r in rows]]
    assert bars == [["used by the plan", y, [r["used"] for r in rows]],
                    ["unused", y, [r["unused"] for r in rows]]]
    summary = {row[0]: row for row in cells(page, "#funding-summary")}
    assert list(summary) == list(dict.fromkeys(r["source"] for r in rows))
    for source, row in summary.items():
        mine = [r for r in rows if r["source"] == source]
        whole = [r for r in mine if r["period"] is None]
        bound = whole or mine  # a whole-horizon row bounds the source; else its periods
        assert row[1:4] == [one(sum(r[k] for r in bound)) for k in ("amount", "used", "unused")]
    paid: dict[str, dict[str, float]] = {}
    for f in plan["funding"]:
        paid.setdefault(f["project"], {}).setdefault(f["source"], 0.0)
        paid[f["project"]][f["source"]] += f["amount"]
    sources = sorted({f["source"] for f in plan["funding"]})
    head = page.locator("#funding-split thead th").all_inner_texts()
    assert head == ["Project", "Funded share", *sources, "Paid by sources", "Cost"]
    by_period: dict[str, dict[str, float]] = {}
    for f in plan["funding"]:
        by_period.setdefault(f["source"], {}).setdefault(f["period"], 0.0)
        by_period[f["source"]][f["period"]] += f["amount"]
    periods = [p["id"] for p in doc["periods"]
               if any(p["id"] in row for row in by_period.values())]
    assert page.locator("#funding-periods thead th").all_inner_texts() == [
        "Source", *periods, "Total"]
    assert cells(page, "#funding-periods") == [
        [s, *(one(by_period[s][t]) if t in by_period[s] else "–" for t in periods),
         one(sum(by_period[s].values()))] for s in sources]
    selected = {s["project"]: s for s in plan["selected"]}
    split = cells(page, "#funding-split")
    assert [r[0] for r in split] == [f"{p} · {names[p]}" for p in sorted(paid)]
    for row, project in zip(split, sorted(paid), strict=True):
        money = paid[project]
        assert row[1] == share(selected[project]["share"])
        assert row[2:-2] == [one(money[s]) if s in money else "–" for s in sources]
        assert row[-2:] == [one(sum(money.values())), one(selected[project]["cost"])]
    page.locator("#funding-title").scroll_into_view_if_needed()
    section_shot(page, tmp_path, "#funding-title", "#funding-split", "10-funding")
    assert page.errors == []


def test_replan_without_now_says_so_in_words(spmo_server, browser_page, tmp_path):
    """A portfolio without actuals or settings.now (northwind.json): the help says
    it has no actuals, Now starts blank, and the re-plan's refusal names
    settings.now in words; a bad actuals CSV is named before any job runs."""
    server, page = spmo_server, browser_page
    upload_and_solve(page, server, tmp_path, EXAMPLES / "northwind.json")
    page.get_by_role("tab", name="Decisions").click()
    expect(page.locator("#replan-actuals-help")).to_contain_text("no actuals")
    expect(page.get_by_label("Now (the current period)")).to_have_value("")
    page.get_by_role("button", name="Re-plan from the actuals").click()
    expect(page.locator("#status")).to_have_text(
        "The job failed: re-planning needs settings.now (the current period).",
        timeout=SOLVE_WAIT)
    expect(page.locator("#status")).to_have_class(re.compile("error"))
    bad = tmp_path / "bad.csv"
    bad.write_text("project,spent,done\nP08,90,yes\n")
    page.set_input_files("#replan-actuals-file", bad)
    page.get_by_role("button", name="Re-plan from the actuals").click()
    expect(page.locator("#status")).to_have_text(
        "The actuals CSV has unknown columns: done (known: project, spent, progress, "
        "benefits_realised).")
    expect(page.locator("#replan-result")).to_be_hidden()
    assert page.errors == []


def test_a_robust_plan_shows_its_tail_and_what_it_gave_up(spmo_server, browser_page, tmp_path):
    """The example with settings.objective_risk = cvar: the Plan's key figures give
    the plan's CVaR and the sentence of what it gave up in expected value for it,
    as the plan's `risk` says; an expected-value plan has no such figure."""
    server, page = spmo_server, browser_page
    doc = json.loads((EXAMPLES / "northwind.json").read_text())
    doc["settings"].update(objective_risk="cvar", cvar_level=0.1, risk_samples=20)
    path = tmp_path / "northwind-cvar.json"
    path.write_text(json.dumps(doc))
    plan = upload_and_solve(page, server, tmp_path, path, "5")
    risk = plan["risk"]
    assert risk and risk["measure"] == "cvar" and risk["sentence"]
    robust = page.locator('[data-kpi="Robust selection"] dd')
    expect(robust).to_contain_text(f"CVaR at 10 %: {decimals(risk['tail'], 4)}")
    expect(robust).to_contain_text(risk["sentence"])
    assert page.errors == []
