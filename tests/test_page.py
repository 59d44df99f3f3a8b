"""The planners' page (docs/page.md), end to end in Debian's chromium against a
real `spmo serve`: upload the example, solve, see the plan, move a slider (a
re-plan job), compare two scenarios, draw the frontier, download the plan; no
console errors; a screenshot of each screen (tmp_path and build/screenshots/).
Short time limits keep it to well under a minute of solving."""

from __future__ import annotations

import json
import re
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from fastapi.testclient import TestClient
from playwright.sync_api import Page, expect
from spmo.api.http import create_app
from spmo.api.settings import Settings

from .conftest import EXAMPLES
from .page_fixtures import browser_page, screenshot, screenshot_copy, spmo_server  # noqa: F401 (fixtures)

EXAMPLE = EXAMPLES / "northwind.json"
KEY = "a-planners-key"  # typed when the server has no keys (then ignored)
SOLVE_WAIT = 120_000  # ms: a solve of 2 s on a loaded machine, with the server's queue


def kpi(page: Page, label: str, where: str = "#kpis") -> str:
    return page.locator(f'{where} [data-kpi="{label}"] dd').inner_text().split("\n")[0]


def grouped(x: float) -> str:
    """x as the page writes it: thousands separators, no decimals."""
    return decimals(x, 0)


def percent(share: float) -> str:
    """share as the page writes it: at most one decimal, then " %"."""
    return decimals(share * 100, 1) + " %"


def wait_for_scenarios(page: Page, n: int) -> None:
    page.wait_for_selector(f'body[data-scenarios="{n}"][data-busy="false"]', timeout=SOLVE_WAIT)


def download(page: Page, button: str, tmp_path: Path) -> Path:
    with page.expect_download() as info:
        page.click(button)
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    return path


def upload_and_solve(page: Page, server, tmp_path: Path) -> dict:
    page.goto(server.url + "/")
    expect(page.get_by_role("heading", name="spmo portfolio planner")).to_be_visible()
    page.get_by_label("API key").fill(server.key or KEY)
    page.get_by_label("API key").press("Tab")
    screenshot(page, tmp_path, "1-start")
    page.get_by_label("Time limit per solve (seconds)").fill("2")
    page.set_input_files("#upload", EXAMPLE)
    expect(page.locator("#status")).to_contain_text("Stored Northwind", timeout=30_000)
    page.get_by_role("button", name="Solve").click()
    expect(page.locator("#job")).to_be_visible()
    wait_for_scenarios(page, 1)
    plan = json.loads(download(page, "#download-json", tmp_path).read_text())
    assert kpi(page, "Projects selected") == f"{len(plan['selected'])} of 80"
    assert kpi(page, "Total cost") == grouped(plan["kpis"]["total_cost"])
    assert kpi(page, "Financial value") == grouped(plan["kpis"]["financial_value"])
    assert "," in kpi(page, "Total cost")  # thousands are grouped
    bars = page.locator("#roadmap .trace.bars .point")
    assert bars.count() == len(plan["selected"])
    limits = [s for s in plan["spend"] if s["constraint"]]
    assert page.locator("#spend tbody tr").count() == len(limits) + 1  # + risk exposure
    excluded = page.locator("#excluded tbody tr")
    assert excluded.count() == len(plan["excluded"])
    first = plan["excluded"][0]
    row = excluded.nth(0).inner_text()
    assert first["project"] in row and first["code"] in row and first["reason"][:30] in row
    assert page.locator("#heatmap .hm, #heatmap .heatmaplayer").count() >= 1
    screenshot(page, tmp_path, "2-plan")
    return plan


def move_capex_slider(page: Page, server, tmp_path: Path, base: dict) -> dict:
    page.get_by_role("tab", name="What if").click()
    slider = page.get_by_label("capex budgets")
    slider.focus()
    for _ in range(6):  # keyboard: 100 % -> 70 %
        page.keyboard.press("ArrowLeft")
    expect(slider).to_have_value("70")
    expect(page.locator("#job")).to_be_visible(timeout=10_000)  # the re-plan runs as a job
    screenshot(page, tmp_path, "3-what-if-running")
    wait_for_scenarios(page, 2)
    expect(page.get_by_role("tab", name="What if")).to_have_attribute("aria-selected", "true")
    beside_sliders = kpi(page, "Total cost", "#whatif-kpis")
    screenshot(page, tmp_path, "4-what-if")
    page.get_by_role("tab", name="Plan").click()
    plan = json.loads(download(page, "#download-json", tmp_path).read_text())
    assert plan["kpis"]["total_cost"] != base["kpis"]["total_cost"]
    assert beside_sliders == kpi(page, "Total cost") == grouped(plan["kpis"]["total_cost"])
    assert kpi(page, "Total cost") != grouped(base["kpis"]["total_cost"])
    assert page.locator("#roadmap .trace.bars .point").count() == len(plan["selected"])
    delta = plan["kpis"]["total_cost"] - base["kpis"]["total_cost"]
    note = page.locator('#whatif-kpis [data-kpi="Total cost"] small').inner_text()
    assert f"{'+' if delta > 0 else '−'}{grouped(abs(delta))} against the baseline" in note
    # the re-plan solved a stored copy whose capex limits are 70 % of today's
    status, stored = server.call("GET", "/v1/portfolios")
    copies = [p["id"] for p in stored if p["name"].endswith("– Scenario 2")]
    assert status == 200 and len(copies) == 1
    original = json.loads(EXAMPLE.read_text())
    _, copy = server.call("GET", f"/v1/portfolios/{copies[0]}")
    for before, after in zip(original["budgets"], copy["budgets"], strict=True):
        factor = 0.7 if before.get("pool") == "capex" else 1.0
        assert abs(after["limit"] - before["limit"] * factor) < 1e-6
    assert copy["objectives"] == original["objectives"]
    return plan


def compare(page: Page, tmp_path: Path, base: dict, other: dict) -> None:
    page.get_by_role("tab", name="Scenarios side by side").click()
    grid = page.locator("#kpi-grid")
    expect(grid.locator("thead th")).to_have_text(["Key figure", "Today's plan", "Scenario 2"])
    assert grouped(other["kpis"]["total_cost"]) in grid.inner_text()
    share = grid.locator("tr", has_text="share of its proven best").inner_text()
    assert share.split("\t")[1:] == [percent(p["objective"] / p["bound"]) for p in (base, other)]
    before = {s["project"]: s["start"] for s in base["selected"]}
    after = {s["project"]: s["start"] for s in other["selected"]}
    changes = page.locator("#changes").inner_text()
    assert f"Came in ({len(after.keys() - before.keys())})" in changes
    assert f"Went out ({len(before.keys() - after.keys())})" in changes
    moved = [p for p in after.keys() & before.keys() if after[p] != before[p]]
    assert f"Moved ({len(moved)})" in changes
    rows = page.locator("#project-grid tbody tr")
    assert rows.count() == len(before.keys() | after.keys()) + 1  # + the count row
    assert page.locator("#project-grid td.diff").count() == len(
        (after.keys() ^ before.keys()) | set(moved))
    screenshot(page, tmp_path, "5-scenarios")


def frontier(page: Page, tmp_path: Path) -> None:
    page.get_by_role("tab", name="Budget frontier").click()
    page.get_by_label("Budget factors (comma separated)").fill("0.8, 1.2")
    page.get_by_label("Time limit per solve (seconds)").fill("1")
    page.get_by_role("button", name="Draw the frontier").click()
    expect(page.locator("#status")).to_contain_text("Budget frontier of", timeout=SOLVE_WAIT)
    rows = page.locator("#frontier-table tbody tr")
    expect(rows).to_have_count(3)  # 1 (today) is always drawn
    expect(rows.nth(1)).to_contain_text("100 % (today)")
    chart = page.locator("#frontier-chart")
    expect(chart).to_have_attribute("data-today", "marked")
    expect(chart.locator(".annotation-text")).to_contain_text("today's budget")
    proven = [r.inner_text().split("\t")[3] for r in rows.all()]
    assert set(proven) <= {"yes", "no"}
    legend = chart.locator(".legendtext").all_text_contents()
    for name, flag in (("proven optimal", "yes"), ("best found, not proven", "no")):
        assert (name in legend) == (flag in proven)
    screenshot(page, tmp_path, "6-frontier")


def downloads(page: Page, tmp_path: Path, shown: dict) -> None:
    page.get_by_role("tab", name="Plan").click()
    assert json.loads(download(page, "#download-json", tmp_path).read_text()) == shown
    report = download(page, "#download-html", tmp_path).read_text()
    assert "<table" in report and all(s["project"] in report for s in shown["selected"])
    if "written by this page" in page.locator("#download-note").inner_text():
        assert "Key figures" in report and "<script" not in report  # the page's own report
        assert grouped(shown["kpis"]["total_cost"]) in report
    else:  # the server's GET /v1/jobs/{id}/plan.html
        assert "spmo plan" in report
    if page.locator("#download-xlsx").is_visible():
        assert download(page, "#download-xlsx", tmp_path).read_bytes()[:2] == b"PK"
    else:
        expect(page.locator("#download-note")).to_contain_text("no Excel download")


def projector(page: Page, tmp_path: Path, shown: dict) -> None:
    page.set_viewport_size({"width": 1280, "height": 720})
    page.get_by_label("Large text (projector)").check()
    assert page.evaluate("getComputedStyle(document.documentElement).fontSize") == "23px"
    assert page.evaluate("document.getElementById('roadmap')._fullLayout.font.size") == 20
    assert page.locator("#roadmap .trace.bars .point").count() == len(shown["selected"])
    page.locator("#kpi-title").scroll_into_view_if_needed()
    path = tmp_path / "7-projector.png"
    page.screenshot(path=path)  # what the room sees: one 1280 x 720 screen
    screenshot_copy(path)


def test_a_planner_solves_replans_compares_and_downloads(spmo_server, browser_page, tmp_path):
    server, page = spmo_server, browser_page
    keys = []
    page.on("request", lambda r: keys.append(r.headers.get("x-api-key"))
            if "/v1/" in r.url else None)
    base = upload_and_solve(page, server, tmp_path)
    other = move_capex_slider(page, server, tmp_path, base)
    compare(page, tmp_path, base, other)
    frontier(page, tmp_path)
    downloads(page, tmp_path, other)
    projector(page, tmp_path, other)
    key = server.key or KEY
    typed = keys[keys.index(key):]  # without keys, the list was asked for before it was typed
    assert len(typed) > 5 and set(typed) == {key}  # then the key went with every API call
    assert page.evaluate("sessionStorage.getItem('spmo.apiKey')") == key
    assert page.errors == []


def figure(page: Page, label: str) -> str:
    return page.locator(f'#var-figures [data-figure="{label}"] dd').inner_text()


def decimals(x: float, digits: int) -> str:
    """x as the page writes it (Intl.NumberFormat("en")) with at most `digits`
    decimals: the shortest decimal of the double (repr) rounded half away from
    zero, grouped, trailing zeros dropped, never "-0". Python's own format rounds
    the binary value: 0.9305 * 100 = 93.05 reads 93.0 there, 93.1 in the browser."""
    exact = Decimal(repr(float(x))).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    text = f"{exact:,.{digits}f}"
    text = text.rstrip("0").rstrip(".") if "." in text else text
    return "0" if text == "-0" else text


def finished_job(page: Page, server, kind: str, box: str) -> dict:
    page.wait_for_selector(f'body[data-{kind}][data-busy="false"]', timeout=SOLVE_WAIT)
    job_id = page.locator(box).get_attribute("data-job")
    assert job_id == page.evaluate(f"document.body.dataset.{kind}")
    status, job = server.call("GET", f"/v1/jobs/{job_id}")
    assert status == 200 and job["status"] == "done" and job["kind"] == kind
    return job["result"]


def test_decisions_value_at_risk_and_pareto_frontier(spmo_server, browser_page, tmp_path):
    """The Decisions tab runs outcomes and pareto as jobs on the stored portfolio
    and shows the job's own figures, formatted for people."""
    server, page = spmo_server, browser_page
    page.goto(server.url + "/")
    page.get_by_label("Time limit per solve (seconds)").fill("3")
    page.set_input_files("#upload", EXAMPLE)
    expect(page.locator("#status")).to_contain_text("Stored Northwind", timeout=30_000)
    page.get_by_role("tab", name="Decisions").click()
    expect(page.locator("#panel-decisions")).to_be_visible()
    page.get_by_label("Samples", exact=True).fill("2000")
    page.get_by_label("Target value (optional)").fill("8000")
    page.get_by_role("button", name="Run the value at risk").click()
    out = finished_job(page, server, "outcomes", "#var-result")
    assert out["samples"] == 2000 and out["target"] == 8000
    for label, key in (("Mean", "mean"), ("P10", "p10"), ("P50", "p50"), ("P90", "p90")):
        assert figure(page, label) == grouped(out[key])
    assert "," in figure(page, "Mean")  # thousands are grouped
    reach = figure(page, "Probability of reaching the target")
    assert reach == f"{percent(out['p_target'])} (target 8,000)"
    bars = page.evaluate("document.getElementById('var-chart').data[0].y")
    assert bars == [b["count"] for b in out["histogram"]] and sum(bars) == 2000

    page.get_by_label("Steps between the two ends").fill("2")
    page.get_by_role("button", name="Draw the Pareto frontier").click()
    expect(page.locator("#job")).to_be_visible()  # progress while the job runs
    front = finished_job(page, server, "pareto", "#pareto-result")
    points = front["points"]
    rows = page.locator("#pareto-table tbody tr")
    assert rows.count() == len(points) >= 2
    for i, p in enumerate(points):
        cells = rows.nth(i).locator("th, td").all_inner_texts()
        assert cells[:4] == [str(i + 1), decimals(p["first"], 2), grouped(p["second"]),
                             "yes" if p["proven"] else "no"]
        assert cells[5] == str(len(p["selected"]))
    symbols = page.evaluate("""document.getElementById('pareto-chart').data.slice(1)
        .map((t) => [t.marker.symbol, t.x.length])""")
    proven = sum(p["proven"] for p in points)
    marks = (["circle", proven], ["circle-open", len(points) - proven])
    assert symbols == [m for m in marks if m[1]]
    moves = page.locator("#pareto-moves li")
    assert moves.count() == len(front["steps"]) == len(points) - 1
    names = {p["id"]: p["name"] for p in json.loads(EXAMPLE.read_text())["projects"]}
    for i, step in enumerate(front["steps"]):
        text = moves.nth(i).inner_text()
        for pid in step["came_in"] + step["went_out"]:
            assert f"{pid} · {names[pid]}" in text
    screenshot(page, tmp_path, "8-decisions")
    assert page.errors == []


def test_keyboard_reaches_every_tab_and_each_control_has_a_label(spmo_server, browser_page):
    server, page = spmo_server, browser_page
    page.goto(server.url + "/")
    page.get_by_role("tab", name="Plan").focus()
    names = []
    for _ in range(5):
        names.append(page.evaluate("document.activeElement.textContent"))
        page.keyboard.press("ArrowRight")
    assert names == ["Plan", "What if", "Scenarios side by side", "Budget frontier", "Decisions"]
    assert page.evaluate("document.activeElement.textContent") == "Plan"  # wraps round
    unlabelled = page.evaluate("""[...document.querySelectorAll('input, select, button')]
        .filter((e) => !(e.labels && e.labels.length) && !e.textContent.trim()
                       && !e.getAttribute('aria-label')).map((e) => e.id)""")
    assert unlabelled == []
    assert page.errors == []


def test_a_bad_upload_lists_every_problem_in_words(spmo_server, browser_page):
    page = browser_page
    page.goto(spmo_server.url + "/")
    bad = json.loads(EXAMPLE.read_text())
    bad["projects"][0]["success_probability"] = 1.7
    bad["costs"][1]["project"] = "NOPE"
    page.set_input_files("#upload", files=[{"name": "bad.json", "mimeType": "application/json",
                                             "buffer": json.dumps(bad).encode()}])
    status = page.locator("#status")
    expect(status).to_contain_text("Invalid input")
    assert "projects, row 0, success_probability" in status.inner_text()
    assert "costs, row 1, project" in status.inner_text()
    assert page.get_by_role("button", name="Solve").is_disabled()
    page.set_input_files("#upload", files=[{"name": "notjson.json", "mimeType": "application/json",
                                             "buffer": b"{oops"}])
    expect(status).to_contain_text("notjson.json is not JSON")
    # the browser itself logs the 422 answer; the page adds no error of its own
    assert page.errors == [
        "console: Failed to load resource: the server responded with a status of 422 "
        "(Unprocessable Entity)"]


def test_the_page_and_plotly_are_served_from_the_package(tmp_path):
    from importlib.resources import files

    app = create_app(Settings(database_url=f"sqlite:///{tmp_path / 'files.db'}"))
    with TestClient(app) as client:
        index = client.get("/")
        assert index.status_code == 200 and index.headers["content-type"].startswith("text/html")
        scripts = re.findall(r'src="(/static/[^"]+)"', index.text)
        assert "/static/plotly.min.js" in scripts and "/static/app.js" in scripts
        plotly = client.get("/static/plotly.min.js")
        assert plotly.content == (files("plotly") / "package_data" / "plotly.min.js").read_bytes()
        app_js = client.get("/static/app.js")
        assert app_js.headers["content-type"].startswith("text/javascript")
        for module in re.findall(r'from "\./([a-z]+\.js)"', app_js.text):
            assert client.get(f"/static/{module}").status_code == 200
        for name in ("page.py", "..%2Fapp.py", ".hidden.js", "missing.js"):
            assert client.get(f"/static/{name}").status_code == 404
        assert "/" not in client.get("/openapi.json").json()["paths"]


FRONTIER = {"objective_kind": "blend", "points": [
    {"factor": f, "budget": 100 * f, "status": s, "proven": s == "optimal", "objective": o,
     "bound": b, "gap": 0, "total_cost": 90 * f, "selected": ["A"], "marginal": None,
     "plan_of": None}
    for f, s, o, b in ((0.8, "optimal", 1.0, 1.0), (1.0, "feasible", 1.5, 2.0),
                       (1.2, "optimal", 2.0, 2.0))]}


def test_the_pages_own_reckoning_in_the_browser(spmo_server, browser_page):
    """An infeasible plan's conflicts and relaxation, came in / went out / moved,
    the what-if document, the factors, and the frontier's proven (filled) and
    unproven (open, bar to the bound) markers."""
    page = browser_page
    page.goto(spmo_server.url + "/")
    result = page.evaluate("""async (frontier) => {
        const s = await import("/static/scenarios.js");
        const w = await import("/static/whatif.js");
        const f = await import("/static/frontier.js");
        const p = await import("/static/plan.js");
        const box = document.getElementById("conflicts-box");
        p.renderConflicts(box, document.getElementById("conflicts"),
            document.getElementById("relaxation"), {conflicts: [
                {constraint: "mandatory[P12]", sentence: "P12 is mandatory"},
                {constraint: "budget[Q1]", sentence: "P12 needs 38.7 in budget[Q1]"}],
              relaxation: [{constraint: "budget[Q1]", limit: 38, needed: 38.7,
                            sentence: "raise budget[Q1] by 0.7"}]});
        const infeasible = [box.hidden, box.querySelectorAll("li").length,
                            box.querySelector("#relaxation tbody").textContent];
        p.renderConflicts(box, box.querySelector("ul"), box.querySelector("table"),
                          {conflicts: [], relaxation: []});
        infeasible.push(box.hidden);
        const plan = (rows) => ({selected: rows.map(([project, start]) => ({project, start}))});
        const diff = s.differences(plan([["A", "Q1"], ["B", "Q1"], ["C", "Q2"]]),
                                   plan([["B", "Q2"], ["C", "Q2"], ["D", "Q3"]]));
        const doc = {name: "N", budgets: [{pool: "capex", limit: 100}, {limit: 50},
                     {pool: "opex", limit: 10}], objectives: [{id: "g", weight: 0.72}]};
        const pools = document.createElement("div"), weights = document.createElement("div");
        const sliders = w.buildSliders(doc, pools, weights, () => {});
        sliders.pools.get("capex").value = 80;
        const untouched = w.changedDocument(doc, sliders, "S");
        sliders.weights.get("g").input.value = 1.5;
        sliders.weights.get("g").input.dispatchEvent(new Event("input"));
        const moved = w.changedDocument(doc, sliders, "S");
        const chart = document.getElementById("frontier-chart");
        document.getElementById("tab-frontier").click();
        f.renderFrontier(chart, document.getElementById("frontier-table"), frontier);
        const marks = chart.data.slice(1).map((t) => [t.name, t.marker.symbol, t.x,
            t.error_y ? t.error_y.array : null]);
        let bad = null;
        try { f.parseFactors("0.5, -1"); } catch (e) { bad = e.message; }
        return {infeasible, diff, untouched, moved, doc, marks, today: chart.dataset.today,
                factors: f.parseFactors("1.2 0.8,0.8"), bad,
                labels: [...pools.querySelectorAll("label")].map((l) => l.textContent)};
    }""", FRONTIER)
    hidden, sentences, relaxation, hidden_again = result["infeasible"]
    assert not hidden and sentences == 2 and hidden_again
    assert "raise budget[Q1] by 0.7" in relaxation and "38.7" in relaxation
    assert result["diff"] == {"cameIn": ["D"], "wentOut": ["A"],
                              "moved": [{"project": "B", "from": "Q1", "to": "Q2"}]}
    assert [b["limit"] for b in result["untouched"]["budgets"]] == [80, 50, 10]
    assert result["untouched"]["objectives"] == [{"id": "g", "weight": 0.72}]  # not snapped
    assert result["moved"]["objectives"] == [{"id": "g", "weight": 1.5}]
    assert result["untouched"]["name"] == "N – S" and result["doc"]["budgets"][0]["limit"] == 100
    assert result["labels"] == ["Budgets over all pools", "capex budgets", "opex budgets"]
    assert result["marks"] == [["proven optimal", "circle", [80, 120], None],
                               ["best found, not proven", "circle-open", [100], [0.5]]]
    assert result["today"] == "marked"
    assert result["factors"] == [0.8, 1, 1.2] and "positive numbers" in result["bad"]
    sens = page.evaluate("""async () => {
        const d = await import("/static/decisions.js");
        const f = await import("/static/format.js");
        const names = f.namesOf({projects: [{id: "P1", name: "Pricing"}, {id: "P2"}],
                                 objectives: [{id: "g", name: "Growth"}]});
        const t = document.createElement("table"), w = document.createElement("table");
        const notes = document.createElement("ul");
        d.renderSensitivity(t, w, notes, {projects: [
            {project: "P1", selected: true, direction: "fall", status: "exact",
             objective_margin: 1234.567, value_now: 5000, value_threshold: 3765.4,
             score_now: 0.5, score_threshold: 0.25, note: ""},
            {project: "P2", selected: false, direction: "rise", status: "never",
             objective_margin: null, value_now: 10, value_threshold: null, note: "cannot fit"}],
            weight_ranges: [{objective: "g", weight: 0.5, low: 0.25, high: null, exact: true}],
            notes: ["one note"]}, names);
        const rows = (table) => [...table.querySelectorAll("tbody tr")].map((r) =>
            [...r.children].map((c) => c.textContent));
        return {rows: rows(t), weights: rows(w), notes: notes.textContent};
    }""")
    assert sens["rows"] == [
        ["P1 · Pricing", "yes", "fall", "exact", "1,234.57", "5,000", "3,765.4", "0.5", "0.25", ""],
        ["P2", "no", "rise", "never", "–", "10", "–", "–", "–", "cannot fit"]]
    assert sens["weights"] == [["Growth", "0.5", "0.25", "–", "yes"]]
    assert sens["notes"] == "one note"
    assert page.errors == []
