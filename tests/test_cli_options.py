"""The CLI refuses bad options before any work, exit 2, each problem naming
the option (as the portfolio's problems name table, row and column); files
to write are checked first too; `spmo --help` loads no solver."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
from spmo.api.cli import app
from typer.testing import CliRunner

from .conftest import EXAMPLES

MISSING = "no-such-portfolio.json"  # had the options passed, reading it would be a problem


def spmo(*args, env: dict | None = None):
    return CliRunner().invoke(app, [str(a) for a in args],
                              env={"COLUMNS": "1000", "NO_COLOR": "1", **(env or {})})


def problems(result) -> list[tuple[str, str, str]]:
    """(table, column, message) of the --json problems of an exit-2 run."""
    assert result.exit_code == 2, (result.exit_code, result.output)
    body = json.loads(result.stdout)
    assert body["status"] == "invalid"
    return [(p["table"], p["column"], p["message"]) for p in body["problems"]]


@pytest.mark.parametrize(("args", "column", "words"), [
    (["--explain", "bogus"], "--explain", "one of auto, exact, estimate, none"),
    (["--time-limit", "0"], "--time-limit", "positive, finite"),
    (["--time-limit", "-1"], "--time-limit", "positive, finite"),
    (["--time-limit", "nan"], "--time-limit", "positive, finite"),
    (["--time-limit", "inf"], "--time-limit", "positive, finite"),
    (["--gap", "2"], "--gap", "[0, 1)"),
    (["--gap", "-0.1"], "--gap", "[0, 1)"),
    (["--gap", "1"], "--gap", "[0, 1)"),
])
def test_solve_refuses_a_bad_option_before_reading(args, column, words):
    found = problems(spmo("solve", MISSING, "--json", *args))
    assert found == [("options", column, found[0][2])]  # not the missing file: no work done
    assert words in found[0][2]


def test_every_bad_option_at_once():
    found = problems(spmo("solve", MISSING, "--json", "--explain", "x", "--time-limit", "0",
                          "--gap", "5", "--out", "plan.docx"))
    assert [c for _, c, _ in found] == ["--time-limit", "--gap", "--explain", "--out"]


@pytest.mark.parametrize("command", [
    ["compare", MISSING, "--scenario", "s.json", "--json"],
    ["frontier", MISSING, "--json"],
    ["montecarlo", MISSING, "--json"],
    ["explain", MISSING, "--json"],
])
def test_every_solving_command_checks_the_time_limit(command):
    assert problems(spmo(*command, "--time-limit", "-1"))[0][1] == "--time-limit"


def test_compare_checks_explain_and_frontier_the_factors():
    assert problems(spmo("compare", MISSING, "--scenario", "s.json", "--json",
                         "--explain", "bogus"))[0][1] == "--explain"
    assert problems(spmo("frontier", MISSING, "--json", "--factors", "a,b"))[0][:2] == (
        "frontier", "factors")


def test_an_unknown_suffix_is_refused_in_every_command(tmp_path):
    for args in (["solve", MISSING, "--json", "--out", tmp_path / "p.docx"],
                 ["frontier", MISSING, "--json", "--out", tmp_path / "f.docx"],
                 ["compare", MISSING, "--scenario", "s.json", "--json", "--out",
                  tmp_path / "c.csv"],
                 ["montecarlo", MISSING, "--json", "--out", tmp_path / "m.pdf"]):
        found = problems(spmo(*args))
        assert found[0][1] == "--out" and "can be written as" in found[0][2], args
    for args, column in ((["template", tmp_path / "t.docx"], "file"),
                         (["generate", "--out", tmp_path / "g.csv"], "--out")):
        result = spmo(*args)
        assert result.exit_code == 2 and column in result.stderr, (args, result.output)
        assert "can be written as" in result.stderr
    assert list(tmp_path.iterdir()) == []  # nothing written


def test_a_missing_folder_is_named_before_any_work(tmp_path):
    target = tmp_path / "missing" / "plan.xlsx"
    found = problems(spmo("solve", MISSING, "--json", "--out", target))
    assert found == [("options", "--out", f"'{target}': the folder "
                      f"'{target.parent}' does not exist")]
    for args in (["template", tmp_path / "missing" / "t.xlsx"],
                 ["generate", "--projects", "3", "--out", tmp_path / "missing" / "g.json"]):
        result = spmo(*args)
        assert result.exit_code == 2, result.output
        assert "does not exist" in result.stderr and "Traceback" not in result.output


def test_an_existing_file_is_kept_without_force(tmp_path):
    source = tmp_path / "p.json"
    source.write_text(json.dumps({"name": "t", "periods": [{"id": "T1"}],
                                  "projects": [{"id": "A", "value": 1}]}))
    target = tmp_path / "plan.json"
    target.write_text("keep me")
    found = problems(spmo("solve", source, "--json", "--explain", "none", "--out", target))
    assert found == [("options", "--out", f"'{target}' exists: add --force to overwrite it")]
    assert target.read_text() == "keep me"
    done = spmo("solve", source, "--json", "--explain", "none", "--out", target, "--force")
    assert done.exit_code == 0, done.output
    assert json.loads(target.read_text())["status"] == "optimal"


def test_the_same_file_twice_is_refused(tmp_path):
    target = tmp_path / "plan.json"
    found = problems(spmo("solve", MISSING, "--json", "--out", target, "--out", target))
    assert [m for _, _, m in found] == [f"'{target}' is named twice"]


def test_template_and_generate_keep_existing_files(tmp_path):
    book = tmp_path / "t.xlsx"
    assert spmo("template", book).exit_code == 0 and book.stat().st_size > 0
    again = spmo("template", book)
    assert again.exit_code == 2 and "--force" in again.stderr
    assert spmo("template", book, "--force").exit_code == 0
    out = tmp_path / "g.json"
    out.write_text("{}")
    kept = spmo("generate", "--projects", "3", "--periods", "2", "--skills", "1", "--out", out)
    assert kept.exit_code == 2 and out.read_text() == "{}"


@pytest.mark.parametrize(("option", "value"), [("--projects", 0), ("--periods", 0),
                                               ("--skills", 0), ("--projects", -3)])
def test_generate_refuses_counts_below_one(tmp_path, option, value):
    result = spmo("generate", option, value, "--out", tmp_path / "g.json")
    assert result.exit_code == 2 and option in result.stderr, result.output
    assert "Traceback" not in result.output and not (tmp_path / "g.json").exists()


def test_generate_writes_a_workbook_that_reads_back(tmp_path):
    from spmo.engine.io import read_portfolio
    from spmo.engine.validate import validate

    out = tmp_path / "g.xlsx"
    result = spmo("generate", "--projects", "4", "--periods", "3", "--skills", "2", "--out", out)
    assert result.exit_code == 0, result.output
    assert len(validate(read_portfolio(out)).projects) == 4


def test_schema_refuses_an_unknown_kind():
    result = spmo("schema", "foo")
    assert result.exit_code == 2 and "must be one of portfolio, plan" in result.stderr
    assert json.loads(spmo("schema", "plan").stdout)["title"] == "Plan"


@pytest.mark.parametrize(("args", "option", "words"), [
    (["--port", "0"], "--port", "from 1 to 65535"),
    (["--port", "70000"], "--port", "from 1 to 65535"),
    (["--host", "nosuch.invalid"], "--host", "cannot listen on 'nosuch.invalid'"),
    (["--database", "notaurl"], "--database", "not a database URL"),
    (["--database", "foo://x"], "--database", "cannot open foo://x"),
])
def test_serve_refuses_bad_arguments_without_starting(args, option, words):
    result = spmo("serve", *args)
    assert result.exit_code == 2, result.output
    assert option in result.stderr and words in re.sub(r"\s*│\s*", " ", result.stderr)
    assert "Traceback" not in result.output


def test_serve_never_shows_a_database_password():
    result = spmo("serve", "--database", "postgresql+psycopg://u:s3cret@127.0.0.1:1/db")
    assert result.exit_code == 2 and "--database" in result.stderr
    assert "s3cret" not in result.output


def test_version():
    from importlib.metadata import version

    result = spmo("--version")
    assert result.exit_code == 0 and result.stdout == f"spmo {version('spmo')}\n"


def test_bad_environment_is_exit_2_naming_the_variable():
    result = spmo("validate", EXAMPLES / "northwind.json", env={"SPMO_WORKERS": "0"})
    assert result.exit_code == 2 and "SPMO_WORKERS" in result.stderr


HEAVY = ("pandas", "numpy", "scipy", "highspy", "ortools", "pulp", "pydantic_settings",
         "spmo.solvers", "spmo.planning", "spmo.scenarios")


def _imported(*args: str) -> set[str]:
    """Modules `python -X importtime` saw imported by a command."""
    done = subprocess.run([sys.executable, "-X", "importtime", *args], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return {line.split("|")[-1].strip() for line in done.stderr.splitlines()
            if line.startswith("import time:")}


def test_help_loads_no_solver_nor_pandas():
    heavy = {m for m in _imported("-m", "spmo", "--help") if m.startswith(HEAVY)}
    assert heavy == set()


def test_import_spmo_is_light():
    heavy = {m for m in _imported("-c", "import spmo; spmo.solve; spmo.InvalidPortfolio")
             if m.startswith(HEAVY)}
    assert heavy == set()
