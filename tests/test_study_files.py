"""`compare`, `frontier` and `montecarlo --out`: .json is what --json prints,
.xlsx holds plain formatted tables (scenario KPIs and the project by
scenario grid; the frontier's points; the Monte Carlo samples and
percentiles), .html is drawn by chromium with its chart and no console
message; `--out` repeats; a bad suffix and an existing file (without
--force) are refused before any work."""

from __future__ import annotations

import json

import numpy as np
import openpyxl
import pytest
from spmo.api.cli import app
from typer.testing import CliRunner

from .browser import dom_and_console
from .family_helpers import costs, doc

PORTFOLIO = doc([{"id": "A", "name": "Alpha", "value": 5}, {"id": "B", "name": "Beta",
                  "value": 4}, {"id": "=1+2", "name": "Formula", "value": 3}],
                periods=2, costs=costs("A", 6) + costs("B", 5) + costs("=1+2", 4),
                budgets=[{"period": "T1", "limit": 10}])
CUT = {"name": "cut", "changes": [{"scale_budget": 0.6}]}
STUDIES = {
    "compare": lambda t: ["compare", _saved(t, "p.json", PORTFOLIO), "--scenario",
                          _saved(t, "cut.json", CUT)],
    "frontier": lambda t: ["frontier", _saved(t, "p.json", PORTFOLIO), "--factors", "0.5,1"],
    "montecarlo": lambda t: ["montecarlo", _saved(t, "p.json", PORTFOLIO), "--samples", "8"],
}


def _saved(tmp_path, name, document):
    path = tmp_path / name
    path.write_text(json.dumps(document))
    return path


def spmo(*args):
    return CliRunner().invoke(app, [str(a) for a in args], env={"COLUMNS": "200"})


def _run(tmp_path, kind, *outs, force=False):
    args = STUDIES[kind](tmp_path) + ["--json"] + [a for o in outs for a in ("--out", o)]
    return spmo(*args, *(["--force"] if force else []))


def _rows(sheet):
    return list(sheet.iter_rows(values_only=True))


def test_compare_writes_json_xlsx_and_html(tmp_path):
    outs = [tmp_path / n for n in ("c.json", "c.xlsx", "c.html")]
    result = _run(tmp_path, "compare", *outs)
    assert result.exit_code == 0, result.output
    printed = json.loads(result.stdout)
    assert json.loads(outs[0].read_text()) == printed
    book = openpyxl.load_workbook(outs[1])
    assert book.sheetnames == ["scenarios", "projects", "changes"]
    kpis = _rows(book["scenarios"])
    assert [r[0] for r in kpis[1:]] == ["base", "cut"]
    assert [r[2] for r in kpis[1:]] == pytest.approx([s["objective"]
                                                      for s in printed["scenarios"]])
    assert book["scenarios"].freeze_panes == "A2"
    header = list(kpis[0])
    assert book["scenarios"].cell(2, header.index("total cost") + 1).number_format == "#,##0.0"
    assert book["scenarios"].cell(2, header.index("gap") + 1).number_format == "0.00%"
    grid = {r[0]: r[2:] for r in _rows(book["projects"])[1:]}
    for column, scenario in enumerate(printed["scenarios"]):
        starts = {s["project"]: s["start"] for s in scenario["plan"]["selected"]}
        assert {p: g[column] for p, g in grid.items() if g[column]} == starts
    cell = book["projects"]["A4"]
    assert cell.value == "=1+2" and cell.data_type == "s"  # inert, not a formula
    changes = _rows(book["changes"])[1:]
    cut = printed["scenarios"][1]
    assert sorted((r[1], r[3]) for r in changes) == sorted(
        [(p, "came in") for p in cut["came_in"]] + [(p, "went out") for p in cut["went_out"]]
        + [(m["project"], "moved") for m in cut["moved"]])
    dom, console = dom_and_console(outs[2], tmp_path / "profile")
    assert console == [] and '<div id="objectives"' in dom
    assert "KPIs by scenario" in dom and "projects by scenario" in dom
    assert "<td>A</td><td>Alpha</td>" in dom


def test_frontier_writes_its_points(tmp_path):
    outs = [tmp_path / "f.xlsx", tmp_path / "f.json", tmp_path / "f.htm"]
    result = _run(tmp_path, "frontier", *outs)
    assert result.exit_code == 0, result.output
    printed = json.loads(result.stdout)
    assert json.loads(outs[1].read_text()) == printed
    rows = _rows(openpyxl.load_workbook(outs[0])["frontier"])
    assert rows[0][:5] == ("budgets", "budget", "status", "proven", "objective")
    assert [(r[0], r[4]) for r in rows[1:]] == [(p["factor"], pytest.approx(p["objective"]))
                                                for p in printed["points"]]
    dom, console = dom_and_console(outs[2], tmp_path / "profile")
    assert console == [] and '<div id="frontier"' in dom and "budget levels" in dom


def test_montecarlo_writes_samples_percentiles_and_its_histogram(tmp_path):
    outs = [tmp_path / "m.xlsx", tmp_path / "m.html"]
    result = _run(tmp_path, "montecarlo", *outs)
    assert result.exit_code == 0, result.output
    printed = json.loads(result.stdout)
    book = openpyxl.load_workbook(outs[0])
    samples = [r[1] for r in _rows(book["samples"])[1:]]
    assert samples == pytest.approx(printed["sample_objectives"]) and len(samples) == 8
    summary = dict(_rows(book["summary"])[1:])
    for label, q in (("P10", 0.1), ("P50 (median)", 0.5), ("P90", 0.9)):
        assert summary[label] == pytest.approx(float(np.quantile(samples, q)))
    dom, console = dom_and_console(outs[1], tmp_path / "profile")
    assert console == []
    assert '<div id="distribution"' in dom and dom.count('class="main-svg"') >= 2
    assert "P10" in dom and "P90" in dom and "<td>Alpha</td>" in dom


@pytest.mark.parametrize("kind", sorted(STUDIES))
def test_a_bad_suffix_is_refused_before_any_work(tmp_path, kind):
    result = _run(tmp_path, kind, tmp_path / "good.json", tmp_path / "bad.docx")
    assert result.exit_code == 2
    problems = json.loads(result.stdout)["problems"]
    assert [p["column"] for p in problems] == ["--out"] and "bad.docx" in problems[0]["message"]
    assert not (tmp_path / "good.json").exists()


@pytest.mark.parametrize("kind", sorted(STUDIES))
def test_an_existing_file_needs_force(tmp_path, kind):
    target = tmp_path / "old.json"
    target.write_text("keep me")
    refused = _run(tmp_path, kind, target)
    assert refused.exit_code == 2 and target.read_text() == "keep me"
    assert "--force" in json.loads(refused.stdout)["problems"][0]["message"]
    if kind == "frontier":  # the quickest: one study run with --force is enough
        done = _run(tmp_path, kind, target, force=True)
        assert done.exit_code == 0 and json.loads(target.read_text())["points"]
