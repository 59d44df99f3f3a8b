"""`spmo solve --out`: the plan as JSON, as a workbook with a sheet per part
(what the plan object says, cell for cell) and as a page a real browser
draws; an unknown format is refused before anything is solved."""

from __future__ import annotations

import json
import subprocess
import sys

import openpyxl
import pytest

from .browser import dump_dom
from .family_helpers import costs, doc

PORTFOLIO = doc([{"id": "A", "value": 5}, {"id": "B", "value": 4}, {"id": "C", "value": 3}],
                periods=2, costs=costs("A", 6) + costs("B", 5) + costs("C", 4),
                budgets=[{"period": "T1", "limit": 10}, {"period": "T2", "limit": 4}],
                demands=[{"project": p, "skill": "dev", "offset": 0, "fte": 1} for p in "ABC"],
                capacity=[{"skill": "dev", "period": t, "fte": 2} for t in ("T1", "T2")])


def _solve(tmp_path, out: str):
    source = tmp_path / "portfolio.json"
    source.write_text(json.dumps(PORTFOLIO))
    target = tmp_path / out
    done = subprocess.run([sys.executable, "-m", "spmo", "solve", str(source), "--json",
                           "--explain", "exact", "--out", str(target)],
                          capture_output=True, text=True, timeout=300)
    return done, target


def test_the_workbook_holds_the_plan(tmp_path):
    done, target = _solve(tmp_path, "plan.xlsx")
    assert done.returncode == 0, done.stderr
    plan = json.loads(done.stdout)
    book = openpyxl.load_workbook(target)
    # no sheet for an empty part (no conflicts, relaxation, recommendations, alignment)
    assert book.sheetnames == ["summary", "roadmap", "charts", "selected", "excluded",
                               "spend", "utilisation"]
    summary = {k: v for _, v, k in book["summary"].iter_rows(min_row=2, values_only=True)}
    assert summary["status"] == plan["status"] == "optimal"
    assert summary["objective"] == pytest.approx(plan["objective"])
    rows = list(book["selected"].iter_rows(values_only=True))
    assert rows[0][:6] == ("project", "project_name", "category", "business_unit", "start",
                           "finish")
    assert sorted((r[0], r[4]) for r in rows[1:]) == sorted((s["project"], s["start"])
                                                            for s in plan["selected"])
    excluded = list(book["excluded"].iter_rows(min_row=2, values_only=True))
    header = [c.value for c in book["excluded"][1]]
    assert [(r[0], r[header.index("code")]) for r in excluded] == [
        (e["project"], e["code"]) for e in plan["excluded"]]


def test_the_page_is_drawn_by_a_real_browser(tmp_path):
    done, target = _solve(tmp_path, "plan.html")
    assert done.returncode == 0, done.stderr
    plan = json.loads(done.stdout)
    dom = dump_dom(target, tmp_path / "profile")
    assert dom.count('class="main-svg"') >= 4  # two charts drawn (2 svg layers each)
    for s in plan["selected"]:
        assert f"<td>{s['project']}</td>" in dom


def test_an_unknown_format_is_refused_before_solving(tmp_path):
    done, target = _solve(tmp_path, "plan.docx")
    assert done.returncode == 2 and not target.exists()
    assert json.loads(done.stdout)["problems"][0]["column"] == "--out"
