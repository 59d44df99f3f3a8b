"""The `spmo` command line (Typer). Thin: parse, call scenarios/engine, render.

Exit codes: 0 a plan was found, 2 invalid input, 3 infeasible, 4 no plan
within the time limit.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from spmo.engine.errors import CheckFailed, InvalidPortfolio, Problem
from spmo.engine.io import read_portfolio
from spmo.engine.validate import validate
from spmo.solvers.registry import UnknownSolver

from .render import print_plan, print_problems

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="spmo: the provably optimal, aligned project portfolio.")
EXIT = {"optimal": 0, "feasible": 0, "infeasible": 3, "no_solution": 4}


def _load(path: Path, as_json: bool):
    """Read and validate, or print every problem and exit 2."""
    try:
        return validate(read_portfolio(path))
    except InvalidPortfolio as exc:
        _fail(exc.problems, as_json)


def _fail(problems: list[Problem], as_json: bool, code: int = 2):
    if as_json:
        print(json.dumps({"status": "invalid", "problems": [p.as_dict() for p in problems]},
                         indent=1))
    else:
        print_problems(Console(stderr=True), problems)
    raise typer.Exit(code)


@app.command()
def solve(
    path: Annotated[Path, typer.Argument(help=".json, .xlsx or a folder of CSVs")],
    as_json: Annotated[bool, typer.Option("--json", help="print only the plan as JSON")] = False,
    solver: Annotated[str | None, typer.Option(help="auto, highs, cpsat, cbc")] = None,
    time_limit: Annotated[float | None, typer.Option("--time-limit", help="seconds")] = None,
    gap: Annotated[float | None, typer.Option(help="relative gap to stop at")] = None,
    out: Annotated[Path | None, typer.Option(help="also write the plan: .json")] = None,
):
    """Solve a portfolio: the optimal plan, checked independently."""
    from spmo.scenarios.run import plan as make_plan

    portfolio = _load(path, as_json)
    try:
        result = make_plan(portfolio, solver=solver, time_limit_s=time_limit, relative_gap=gap)
    except UnknownSolver as exc:
        _fail([Problem("settings", None, "solver", str(exc))], as_json)
    except CheckFailed as exc:
        Console(stderr=True).print(f"[red]internal error:[/] {exc}")
        raise typer.Exit(1) from exc
    text = result.model_dump_json(indent=1)
    if out is not None:
        out.write_text(text, encoding="utf-8")
    if as_json:
        sys.stdout.write(text + "\n")
    else:
        print_plan(Console(), portfolio, result)
    raise typer.Exit(EXIT[result.status])


@app.command("validate")
def validate_cmd(path: Annotated[Path, typer.Argument(help=".json, .xlsx or CSV folder")],
                 as_json: Annotated[bool, typer.Option("--json")] = False):
    """Check a portfolio: every problem at once, or "valid"."""
    portfolio = _load(path, as_json)
    if as_json:
        print(json.dumps({"status": "valid", "warnings": list(portfolio.warnings)}, indent=1))
        return
    console = Console()
    for w in portfolio.warnings:
        console.print(f"[yellow]warning:[/] {w}")
    console.print(f"valid: {len(portfolio.projects)} projects, {len(portfolio.periods)} periods")


def main() -> None:
    """Console entry point; never a traceback for a user's mistake."""
    app()
