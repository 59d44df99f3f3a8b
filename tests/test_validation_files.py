"""Invalid input in files: JSON literals, Excel and CSV row numbers, round trips,
file-level failures and the CLI exit code 2 (run as a user meets it)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import openpyxl
import pytest
from spmo.engine.errors import InvalidPortfolio
from spmo.engine.io import read_portfolio, write_csv_folder, write_workbook
from spmo.engine.validate import validate

from .conftest import EXAMPLES, portfolio_of
from .validation_base import base, problems_of, where

# --- files: JSON literals, Excel and CSV rows ---------------------------------------


def test_json_nan_and_infinity_literals_are_invalid(tmp_path):
    doc = base()
    doc["costs"][0]["amount"] = float("nan")
    doc["projects"][1]["risk"] = float("inf")
    doc["demands"][2]["fte"] = float("-inf")
    doc["projects"][4]["id"] = float("nan")
    doc["settings"]["blend"] = float("nan")
    path = tmp_path / "nan.json"
    path.write_text(json.dumps(doc))  # writes the literals NaN, Infinity, -Infinity
    assert "NaN" in path.read_text() and "-Infinity" in path.read_text()
    problems = problems_of(read_portfolio(path))
    got = where(problems)
    assert {("costs", 0, "amount"), ("projects", 1, "risk"), ("demands", 2, "fte"),
            ("projects", 4, "id"), ("settings", None, "blend")} <= got
    # E's id is gone, so rows naming E may add "unknown project" problems, nothing else
    extra = [p for p in problems if (p.table, p.row, p.column) not in {
        ("costs", 0, "amount"), ("projects", 1, "risk"), ("demands", 2, "fte"),
        ("projects", 4, "id"), ("settings", None, "blend")}]
    assert all("unknown project 'E'" in p.message for p in extra), [str(p) for p in extra]


def test_excel_rows_are_sheet_rows_and_blank_rows_are_skipped(tmp_path):
    path = tmp_path / "base.xlsx"
    write_workbook(base(), path)
    assert portfolio_of(base()).to_document() == validate(read_portfolio(path)).to_document()
    book = openpyxl.load_workbook(path)
    costs = book["costs"]
    assert [c.value for c in costs[1]][:3] == ["project", "offset", "amount"]
    costs.insert_rows(3, amount=2)  # two blank rows after the first record (sheet row 2)
    amount_col = [c.value for c in costs[1]].index("amount") + 1
    # JSON record 2 was sheet row 4; after two inserted rows it is sheet row 6
    assert costs.cell(row=6, column=1).value == "B"
    costs.cell(row=6, column=amount_col).value = "abc"
    settings = book["settings"]
    keys = [settings.cell(row=r, column=1).value for r in range(1, settings.max_row + 1)]
    settings.cell(row=keys.index("blend") + 1, column=2).value = 3
    book.save(path)
    problems = problems_of(read_portfolio(path))
    assert where(problems) == {("costs", 6, "amount"),
                               ("settings", keys.index("blend") + 1, "blend")}


def test_csv_rows_are_file_lines_and_blank_lines_are_skipped(tmp_path):
    folder = tmp_path / "csv"
    write_csv_folder(base(), folder)
    assert portfolio_of(base()).to_document() == validate(read_portfolio(folder)).to_document()
    lines = (folder / "costs.csv").read_text().splitlines()
    header = lines[0].split(",")
    assert header[:3] == ["project", "offset", "amount"]
    fields = lines[2].split(",")  # JSON record 1 (A, offset 1) on line 3
    fields[header.index("amount")] = "nan"
    lines[2] = ",".join(fields)
    lines.insert(1, "")  # a blank line and a line of empty cells after the header
    lines.insert(2, "," * (len(header) - 1))
    (folder / "costs.csv").write_text("\n".join(lines) + "\n")
    settings = (folder / "settings.csv").read_text().splitlines()
    blend_line = next(i for i, s in enumerate(settings) if s.startswith("blend,")) + 1
    settings[blend_line - 1] = "blend,2"
    (folder / "settings.csv").write_text("\n".join(settings) + "\n")
    (folder / "notes.csv").write_text("a,b\n1,2\n")
    problems = problems_of(read_portfolio(folder))
    assert where(problems) == {("costs", 5, "amount"), ("settings", blend_line, "blend")}


def test_excel_and_csv_warn_about_unknown_sheets_and_files(tmp_path):
    path = tmp_path / "extra.xlsx"
    write_workbook(base(), path)
    book = openpyxl.load_workbook(path)
    book.create_sheet("wishlist").append(["x"])
    book.save(path)
    assert any("wishlist" in w for w in validate(read_portfolio(path)).warnings)
    folder = tmp_path / "csv"
    write_csv_folder(base(), folder)
    (folder / "wishlist.csv").write_text("x\n1\n")
    assert any("wishlist" in w for w in validate(read_portfolio(folder)).warnings)


@pytest.mark.parametrize("form", ["xlsx", "csv"])
@pytest.mark.parametrize("source", ["base", "northwind", "numeric-ids"])
def test_writers_round_trip(tmp_path, form, source):
    if source == "northwind":
        doc = json.loads((EXAMPLES / "northwind.json").read_text())
    elif source == "numeric-ids":
        doc = {"name": "numbers", "periods": [{"id": 2027}, {"id": 2028}],
               "projects": [{"id": 7, "value": 1.5}, {"id": 8, "value": -2}],
               "costs": [{"project": 7, "offset": 0, "amount": 3}],
               "settings": {"require_alignment": False, "seed": 4}}
    else:
        doc = base()
    expected = portfolio_of(doc).to_document()
    path = tmp_path / ("doc.xlsx" if form == "xlsx" else "doc")
    (write_workbook if form == "xlsx" else write_csv_folder)(doc, path)
    again = validate(read_portfolio(path)).to_document()
    assert again == expected


# --- file-level failures and the CLI --------------------------------------------------


def _bad_files(tmp_path):
    """Each file-level failure: (label, path)."""
    corrupt = tmp_path / "corrupt.xlsx"
    corrupt.write_bytes(os.urandom(4096))
    as_list = tmp_path / "list.json"
    as_list.write_text(json.dumps([base()]))
    bad_json = tmp_path / "bad.json"
    bad_json.write_text('{"periods": [{"id": "Q1"}, ]')
    empty = tmp_path / "no_projects"
    empty.mkdir()
    (empty / "periods.csv").write_text("id\nQ1\n")
    return [("corrupt", corrupt), ("list", as_list), ("bad-json", bad_json),
            ("missing", tmp_path / "missing.json"), ("folder", empty)]


def test_file_level_failures_give_one_clear_problem(tmp_path):
    for label, path in _bad_files(tmp_path):
        with pytest.raises(InvalidPortfolio) as info:
            validate(read_portfolio(path))
        problems = info.value.problems
        assert len(problems) == 1, (label, [str(p) for p in problems])
        assert problems[0].message, label
        if label in ("corrupt", "missing", "bad-json"):
            assert path.name in problems[0].message, (label, problems[0].message)
        if label == "folder":
            assert "projects.csv" in problems[0].message


def _spmo(*commands, timeout=120) -> list[subprocess.CompletedProcess]:
    """Run CLI commands as a user does, side by side; a wide terminal so that
    rich tables do not wrap."""
    env = dict(os.environ, COLUMNS="240", NO_COLOR="1")
    procs = [subprocess.Popen([sys.executable, "-m", "spmo", *map(str, args)], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for args in commands]
    out = []
    for args, proc in zip(commands, procs, strict=True):
        stdout, stderr = proc.communicate(timeout=timeout)
        out.append(subprocess.CompletedProcess(args, proc.returncode, stdout, stderr))
    return out


def test_cli_validate_exits_2_without_traceback_on_bad_files(tmp_path):
    files = _bad_files(tmp_path)
    runs = _spmo(*[("validate", path) for _, path in files])
    for (label, _), out in zip(files, runs, strict=True):
        assert out.returncode == 2, (label, out.stdout, out.stderr)
        assert "Traceback" not in out.stderr + out.stdout, label
        assert "1 problem" in out.stdout + out.stderr, (label, out.stdout, out.stderr)


def test_cli_refuses_a_solver_no_backend_has_naming_settings_solver(tmp_path):
    doc = json.loads((EXAMPLES / "northwind.json").read_text())
    doc["settings"]["solver"] = "gurobi"
    path = tmp_path / "gurobi.json"
    path.write_text(json.dumps(doc))
    for out in _spmo(("validate", path, "--json"), ("solve", path, "--json")):
        assert out.returncode == 2, (out.args, out.stdout, out.stderr)
        problems = json.loads(out.stdout)["problems"]
        assert [(p["table"], p["column"]) for p in problems] == [("settings", "solver")]
        assert "gurobi" in problems[0]["message"]


def _northwind_broken() -> tuple[dict, set[tuple]]:
    """The issue's acceptance case: a negative cost, an unknown skill, a duplicate id."""
    doc = json.loads((EXAMPLES / "northwind.json").read_text())
    skills = {r["skill"] for r in doc["capacity"]}
    assert "quantum" not in skills
    doc["costs"][5]["amount"] = -3.0
    doc["demands"][7]["skill"] = "quantum"
    doc["projects"].append(dict(doc["projects"][3]))
    expected = {("costs", 5, "amount"), ("demands", 7, "skill"),
                ("projects", len(doc["projects"]) - 1, "id")}
    return doc, expected


def _printed_problems(text: str) -> set[tuple]:
    """(table, row, column) of the rows of the CLI's problem table."""
    out = set()
    for line in text.splitlines():
        cells = [c.strip() for c in re.split(r"[│┃|]", line)]
        cells = [c for c in cells if c != ""]
        if len(cells) >= 4 and cells[1].isdigit():
            out.add((cells[0], int(cells[1]), cells[2]))
    return out


def test_acceptance_broken_northwind_json(tmp_path):
    doc, expected = _northwind_broken()
    path = tmp_path / "northwind_broken.json"
    path.write_text(json.dumps(doc))
    assert where(problems_of(read_portfolio(path))) == expected
    out, as_json = _spmo(("solve", path), ("solve", path, "--json"))
    assert out.returncode == 2, out.stdout + out.stderr
    assert "Traceback" not in out.stderr
    assert _printed_problems(out.stdout + out.stderr) == expected, out.stdout + out.stderr
    out = as_json
    assert out.returncode == 2, out.stderr
    assert "Traceback" not in out.stderr
    report = json.loads(out.stdout)
    assert report["status"] == "invalid" and set(report) == {"status", "problems"}
    assert {(p["table"], p["row"], p["column"]) for p in report["problems"]} == expected
    assert all(p["message"] for p in report["problems"])


def test_acceptance_broken_northwind_excel_uses_sheet_rows(tmp_path):
    doc, expected = _northwind_broken()
    path = tmp_path / "northwind_broken.xlsx"
    write_workbook(doc, path)
    sheet_rows = {(t, r + 2, c) for t, r, c in expected}  # header is row 1, records from 2
    (out,) = _spmo(("solve", path, "--json"))
    assert out.returncode == 2, out.stderr
    assert "Traceback" not in out.stderr
    report = json.loads(out.stdout)
    assert report["status"] == "invalid"
    assert {(p["table"], p["row"], p["column"]) for p in report["problems"]} == sheet_rows
