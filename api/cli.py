"""The `spmo` command line (Typer). Thin: parse, call scenarios/engine, render.

Exit codes: 0 a plan was found, 2 invalid input (the portfolio's problems,
and also a bad option or a file that cannot be written, found before any
work), 3 infeasible, 4 no plan within the time limit, 1 a fault of spmo or
of its surroundings.

Only light modules are imported here: the solvers, pandas and the rest load
when a command runs, so that `spmo --help` answers at once.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from spmo.engine.errors import (
    CheckFailed,
    ClusterUnavailable,
    InvalidPortfolio,
    Problem,
    SpmoError,
    UnknownSolver,
)

from . import (
    cli_decide,  # noqa: F401  (adds its commands to app)
    cli_funding,  # noqa: F401  (adds spmo replan to app)
    cli_keys,  # noqa: F401  (spmo keys, spmo db)
)
from .cli_common import (
    EXIT,
    ForceOption,
    app,
    check_options,
    exit_if,
    fail,
    load_portfolio,
    settings_or_exit,
    write_files,
)
from .options import count_problem, solve_problems, target_problems


@app.command()
def solve(
    path: Annotated[Path, typer.Argument(help=".json, .xlsx or a folder of CSVs")],
    as_json: Annotated[bool, typer.Option("--json", help="print only the plan as JSON")] = False,
    solver: Annotated[str | None, typer.Option(
        help="auto, highs, cpsat, cbc, lagrange, pulp:NAME")] = None,
    time_limit: Annotated[float | None, typer.Option("--time-limit", help="seconds")] = None,
    gap: Annotated[float | None, typer.Option(
        help="relative gap to stop at, in [0, 1): |bound - objective| / max(|objective|, 1e-9)"
        )] = None,
    out: Annotated[list[Path] | None, typer.Option(
        "--out", help="also write the plan: .json, .xlsx (a sheet per part) or .html "
        "(charts); repeat to write several")] = None,
    force: ForceOption = False,
    explain: Annotated[str, typer.Option(
        help="cost_to_include: auto (exact up to 300 projects), exact, estimate, none")] = "auto",
    scenario: Annotated[Path | None, typer.Option(
        help="a scenario (.json or .yaml) applied to the portfolio first")] = None,
):
    """Solve a portfolio: the optimal plan, checked independently, explained."""
    from .plan_files import PLAN_SUFFIXES, write_plan
    from .render import print_plan

    outs = out or []
    check_options(solve_problems(time_limit, gap, explain)
           + target_problems(outs, PLAN_SUFFIXES, force), as_json)
    portfolio = load_portfolio(path, as_json)
    if scenario is not None:
        portfolio = _scenario_applied(portfolio, scenario, as_json)
    result = _solve(portfolio, as_json, solver=solver, time_limit_s=time_limit,
                    relative_gap=gap, explain=explain)
    title = f"{portfolio.name or path.stem}: {result.status} plan"
    failed = write_files(Console(stderr=True), outs,
                         lambda p: write_plan(result, p, title, portfolio))
    if as_json:
        sys.stdout.write(result.model_dump_json(indent=1) + "\n")
    else:
        print_plan(Console(), portfolio, result)
    raise typer.Exit(failed or EXIT[result.status])


def _scenario_applied(portfolio, path: Path, as_json: bool):
    """The portfolio with the scenario's changes, or every problem and exit 2."""
    from spmo.scenarios.spec import apply, read_scenario

    try:
        return apply(portfolio, read_scenario(path))
    except InvalidPortfolio as exc:
        fail(exc.problems, as_json)


def _solve(portfolio, as_json: bool, **kwargs):
    """plan() with a progress bar for the explanations; errors as exit codes."""
    from rich.progress import Progress
    from spmo.planning.pipeline import plan as make_plan

    with Progress(console=Console(stderr=True), transient=True,
                  disable=as_json or not sys.stderr.isatty()) as bar:
        task = bar.add_task("explaining", total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        try:
            return make_plan(portfolio, progress=progress, **kwargs)
        except UnknownSolver as exc:
            fail([Problem("settings", None, "solver", str(exc))], as_json)
        except CheckFailed as exc:
            Console(stderr=True).print(f"[red]internal error:[/] {escape(str(exc))}")
            raise typer.Exit(1) from exc


@app.command("explain")
def explain_cmd(
    path: Annotated[Path, typer.Argument(help=".json, .xlsx or CSV folder")],
    project: Annotated[list[str] | None, typer.Option(
        help="explain only these projects (exact re-solves)")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
    time_limit: Annotated[float | None, typer.Option("--time-limit")] = None,
):
    """Every decision in sentences: why in, why out, what to do with running work."""
    from .sentences import explain_sentences

    check_options(solve_problems(time_limit), as_json)
    portfolio = load_portfolio(path, as_json)
    unknown = [p for p in project or [] if p not in portfolio.projects.index]
    if unknown:
        fail([Problem("projects", None, "id", f"unknown project '{p}'") for p in unknown],
              as_json)
    result = _solve(portfolio, as_json, time_limit_s=time_limit,
                    explain="exact" if project else "auto", explain_only=project or None,
                    limit_explanations=time_limit is not None)
    lines = explain_sentences(portfolio, result, project)
    if as_json:
        print(json.dumps({"status": result.status, "sentences": lines}, indent=1))
    else:
        for line in lines:
            print(line)
    raise typer.Exit(EXIT[result.status])


@app.command()
def template(out: Annotated[Path, typer.Argument(help="workbook to write (.xlsx)")],
             force: ForceOption = False):
    """An empty, documented workbook to fill in: one sheet per table."""
    check_options(target_problems([out], (".xlsx",), force, option="file"), False)
    from .workbook import write_template

    exit_if(write_files(Console(stderr=True), [out], write_template))
    Console().print(f"wrote {escape(str(out))}")


GENERATE_SUFFIXES = (".json", ".xlsx")


@app.command()
def generate(
    projects: Annotated[int, typer.Option(help="number of projects")] = 100,
    periods: Annotated[int, typer.Option(help="number of quarters")] = 12,
    seed: Annotated[int, typer.Option(help="random seed")] = 1,
    skills: Annotated[int, typer.Option(help="number of skills")] = 30,
    out: Annotated[Path, typer.Option(help="file to write: .json or .xlsx")
                   ] = Path("portfolio.json"),
    force: ForceOption = False,
):
    """A realistic synthetic portfolio for trials and benchmarks."""
    check_options(count_problem("--projects", projects) + count_problem("--periods", periods)
           + count_problem("--skills", skills)
           + target_problems([out], GENERATE_SUFFIXES, force), False)
    from spmo.engine.io import write_json, write_workbook
    from spmo.engine.synthetic.generate import generate_portfolio

    doc = generate_portfolio(projects, periods, seed, skills=skills)
    write = write_workbook if out.suffix.lower() == ".xlsx" else write_json
    exit_if(write_files(Console(stderr=True), [out], lambda p: write(doc, p)))
    Console().print(f"wrote {escape(str(out))}")


@app.command()
def schema(kind: Annotated[str, typer.Argument(help="portfolio or plan")] = "portfolio"):
    """Print the JSON Schema of a portfolio or of a plan."""
    from .options import SCHEMAS

    if kind not in SCHEMAS:
        fail([Problem("options", None, "kind",
                       f"must be one of {', '.join(SCHEMAS)}, got {kind!r}")], False)
    from spmo.engine.jsonschema import plan_schema, portfolio_schema

    print(json.dumps(portfolio_schema() if kind == "portfolio" else plan_schema(), indent=1))


@app.command("validate")
def validate_cmd(path: Annotated[Path, typer.Argument(help=".json, .xlsx or CSV folder")],
                 as_json: Annotated[bool, typer.Option("--json")] = False):
    """Check a portfolio: every problem at once, or "valid"."""
    from .render import warn

    portfolio = load_portfolio(path, as_json)
    if as_json:
        print(json.dumps({"status": "valid", "warnings": list(portfolio.warnings)}, indent=1))
        return
    console = Console()
    for w in portfolio.warnings:
        warn(console, w)
    console.print(f"valid: {len(portfolio.projects)} projects, {len(portfolio.periods)} periods")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port, 1 to 65535")] = 8000,
    database: Annotated[str | None, typer.Option(
        help="SQLAlchemy URL (default SPMO_DATABASE_URL, else sqlite:///spmo.db)")] = None,
):
    """The HTTP API (see docs/http.md), OpenAPI document at /openapi.json."""
    from .options import server_problems

    settings = settings_or_exit(**({"database_url": database} if database else {}))
    check_options(server_problems(host, port, settings.database_url), False)
    import uvicorn

    from .http import create_app, validation
    from .jobs.cluster import close_local, reachable

    if settings.dask_scheduler:
        problem = reachable(settings.dask_scheduler, settings.dask_connect_s)
        if problem:
            raise ClusterUnavailable(problem)
    console = Console(stderr=True)
    console.print(f"spmo serve: jobs on {settings.dask_scheduler or 'a local Dask cluster'} "
                  f"({settings.job_workers} at once), store {settings.database_url}; "
                  f"SIGTERM stops within {settings.shutdown_grace_s:g} s")
    try:
        uvicorn.run(create_app(settings), host=host, port=port,
                    timeout_graceful_shutdown=settings.shutdown_grace_s)
    finally:
        close_local()
        validation.shutdown()


# the commands of the other modules, listed after these
from . import cli_msp, cli_studies  # noqa: E402, F401


def main() -> None:
    """Console entry point; never a traceback for a user's mistake."""
    try:
        app()
    except ClusterUnavailable as exc:  # the set-up: one sentence, exit 2
        Console(stderr=True).print(f"[red]error:[/] {escape(str(exc))}")
        sys.exit(2)
    except SpmoError as exc:  # a fault outside the input
        Console(stderr=True).print(f"[red]error:[/] {escape(str(exc))}")
        sys.exit(1)
