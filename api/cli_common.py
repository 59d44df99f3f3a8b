"""What every `spmo` command shares: the Typer app, the exit codes, and the
steps around the work (read and validate, fail with every problem, write the
files after the work, print the answer). Command modules (`cli`,
`cli_*`) import `app` from here and add their commands to it.

Exit codes: 0 a plan was found, 2 invalid input (the portfolio's problems,
and also a bad option or a file that cannot be written, found before any
work), 3 infeasible, 4 no plan within the time limit, 1 a fault of spmo or
of its surroundings.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from spmo.engine.errors import InvalidPortfolio, Problem, UnknownSolver

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="spmo: the provably optimal, aligned project portfolio.")
EXIT = {"optimal": 0, "feasible": 0, "infeasible": 3, "no_solution": 4}
ForceOption = Annotated[bool, typer.Option("--force", help="overwrite files that exist")]


def print_version(value: bool) -> None:
    if value:
        import spmo

        print(f"spmo {spmo.__version__}")
        raise typer.Exit()


@app.callback()
def root(_version_flag: Annotated[bool, typer.Option(
        "--version", callback=print_version, is_eager=True, help="print the version and exit")
        ] = False) -> None:
    """Before any command (not for --help): the settings from the environment
    (exit 2 naming a bad variable), the batch settings handed down."""
    settings = settings_or_exit()
    if settings.workers is not None or settings.dask_scheduler is not None:
        from .settings import configure_batches  # loads the solvers: only when set

        configure_batches(settings)


def load_portfolio(path: Path, as_json: bool):
    """Read and validate, or print every problem and exit 2."""
    from spmo.engine.io import read_portfolio
    from spmo.engine.validate import validate

    try:
        portfolio = validate(read_portfolio(path))
    except InvalidPortfolio as exc:
        fail(exc.problems, as_json)
    check_solver_named(portfolio.settings.solver, as_json)
    return portfolio


def check_solver_named(name: str | None, as_json: bool) -> None:
    """Exit 2 naming settings.solver unless it is auto or an installed backend (the
    engine checks only the name's shape; the names are the registry's, asked
    through planning, and only when one is named: the CLI imports the solvers
    only when it solves, so `spmo validate` stays light)."""
    if (name or "auto").lower() == "auto":
        return
    from spmo.planning.pipeline import check_solver

    try:
        check_solver(name)
    except UnknownSolver as exc:
        fail([Problem("settings", None, "solver", str(exc))], as_json)


def fail(problems: list[Problem], as_json: bool, code: int = 2):
    from .render import print_problems

    if as_json:
        print(json.dumps({"status": "invalid", "problems": [p.as_dict() for p in problems]},
                         indent=1))
    else:
        print_problems(Console(stderr=True), problems)
    raise typer.Exit(code)


def check_options(problems: list[Problem], as_json: bool) -> None:
    """Exit 2 with the options' problems, if any, before any work."""
    if problems:
        fail(problems, as_json)


def write_files(console: Console, paths: list[Path], write) -> int:
    """write(path) for each path, after the work: a failure (a disk full, a
    folder removed meanwhile) is said and gives exit 1, the others are still
    written and the result is still printed."""
    failed = 0
    for path in paths:
        try:
            write(path)
        except Exception as exc:  # OSError, openpyxl's IllegalCharacterError, ...
            console.print(f"[red]error:[/] could not write {escape(str(path))}: "
                          f"{escape(str(exc) or type(exc).__name__)}")
            failed = 1
    return failed


def computed(as_json: bool, compute):
    """compute()'s result; invalid input (a scenario's, an unknown solver) exits 2."""
    try:
        return compute()
    except InvalidPortfolio as exc:
        fail(exc.problems, as_json)
    except UnknownSolver as exc:
        fail([Problem("settings", None, "solver", str(exc))], as_json)


def answer(result, as_json: bool, render) -> None:
    """The result as JSON on standard output, or rendered for people."""
    if as_json:
        sys.stdout.write(result.model_dump_json(indent=1) + "\n")
    else:
        render(Console(), result)


def exit_if(code: int) -> None:
    if code:
        raise typer.Exit(code)


def settings_or_exit(**values):
    """Settings from the environment (and `values`), or every problem and exit 2."""
    from pydantic import ValidationError

    from .settings import Settings, environment_problems

    try:
        return Settings(**values)
    except ValidationError as exc:
        fail(environment_problems(exc), as_json=False)

