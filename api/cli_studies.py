"""`spmo compare`, `spmo frontier` and `spmo montecarlo`: studies that plan
many variants of one portfolio. Each checks its options and its `--out`
files (suffix, folder, an existing file without `--force`) before any work,
shows a progress bar on a terminal (standard error; none with `--json` or
when standard error is not a terminal), writes every `--out` after the work
(`study_files`: .json, .xlsx or .html) and prints the result (terminal tables
show their first rows and say how many more the files hold).
"""

from __future__ import annotations

import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from spmo.engine.errors import Problem

from .cli_common import (
    ForceOption,
    answer,
    app,
    check_options,
    computed,
    load_portfolio,
    write_files,
)
from .options import solve_problems, target_problems

OutOption = Annotated[list[Path] | None, typer.Option(
    "--out", help="also write the result: .json, .xlsx (tables) or .html (charts and "
    "tables); repeat to write several")]


@contextmanager
def progress_bar(as_json: bool, label: str):
    """A Rich progress bar on standard error; yields progress(done, total)."""
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True,
                  disable=as_json or not sys.stderr.isatty()) as bar:
        task = bar.add_task(label, total=None)
        yield lambda done, total: bar.update(task, completed=done, total=total)


def _finish(kind: str, result, outs: list[Path], portfolio, as_json: bool, render) -> None:
    """Write every --out, print the result, exit 1 if a file could not be written."""
    from .study_files import write_study

    title = f"{portfolio.name}: " + {"compare": "scenarios compared",
                                      "frontier": "budget frontier",
                                      "montecarlo": "Monte Carlo"}[kind]
    failed = write_files(Console(stderr=True), outs,
                         lambda p: write_study(kind, result, p, title, portfolio))
    answer(result, as_json, render)
    raise typer.Exit(failed)


@app.command()
def compare(
    path: Annotated[Path, typer.Argument(help=".json, .xlsx or a folder of CSVs")],
    scenario: Annotated[list[Path], typer.Option(
        help="a scenario file (.json or .yaml); repeat for several")],
    as_json: Annotated[bool, typer.Option("--json", help="print only the comparison")] = False,
    out: OutOption = None,
    force: ForceOption = False,
    solver: Annotated[str | None, typer.Option(help="as for solve")] = None,
    time_limit: Annotated[float | None, typer.Option("--time-limit", help="seconds each")] = None,
    explain: Annotated[str, typer.Option(help="as for solve; default none")] = "none",
):
    """The base portfolio and each scenario side by side: KPIs, what came in,
    went out or moved start against the base."""
    from spmo.scenarios.compare import compare as compare_scenarios
    from spmo.scenarios.spec import read_scenario

    from .render import print_comparison
    from .study_files import STUDY_SUFFIXES

    outs = out or []
    check_options(solve_problems(time_limit, None, explain)
                  + target_problems(outs, STUDY_SUFFIXES, force), as_json)
    portfolio = load_portfolio(path, as_json)
    with progress_bar(as_json, "scenarios") as progress:
        result = computed(as_json, lambda: compare_scenarios(
            portfolio, [read_scenario(p) for p in scenario], progress=progress,
            solver=solver, time_limit_s=time_limit, explain=explain))
    _finish("compare", result, outs, portfolio, as_json, print_comparison)


@app.command()
def frontier(
    path: Annotated[Path, typer.Argument(help=".json, .xlsx or a folder of CSVs")],
    as_json: Annotated[bool, typer.Option("--json", help="print only the frontier")] = False,
    out: OutOption = None,
    force: ForceOption = False,
    factors: Annotated[str | None, typer.Option(
        help="budget factors, comma-separated (default 0.5,0.6,...,1.5)")] = None,
    solver: Annotated[str | None, typer.Option(help="as for solve")] = None,
    time_limit: Annotated[float | None, typer.Option("--time-limit", help="seconds each")] = None,
    pareto: Annotated[str | None, typer.Option(
        help="instead: the Pareto frontier of two objectives, e.g. strategic,financial")
        ] = None,
    steps: Annotated[int, typer.Option(help="--pareto: epsilon steps between the ends")] = 10,
    exact: Annotated[bool, typer.Option(
        "--exact", help="--pareto: every non-dominated plan, one floor after another")] = False,
):
    """The best objective as every budget scales: one solve per budget level
    (with --pareto: the non-dominated plans of two objectives)."""
    from .study_files import STUDY_SUFFIXES

    if pareto is not None:
        from .cli_decide import pareto_frontier

        pareto_frontier(path, pareto, steps, exact, (as_json, out or [], force),
                        solver=solver, time_limit_s=time_limit)
        return
    outs = out or []
    problems = solve_problems(time_limit) + target_problems(outs, STUDY_SUFFIXES, force)
    try:
        levels = None if factors is None else [float(f) for f in factors.split(",")]
    except ValueError:
        problems.append(Problem("frontier", None, "factors", f"not numbers: '{factors}'"))
    check_options(problems, as_json)
    from spmo.scenarios.frontier import DEFAULT_FACTORS
    from spmo.scenarios.frontier import frontier as trace

    from .render import print_frontier

    portfolio = load_portfolio(path, as_json)
    with progress_bar(as_json, "budget levels") as progress:
        result = computed(as_json, lambda: trace(portfolio, levels or DEFAULT_FACTORS,
                                                  progress=progress, solver=solver,
                                                  time_limit_s=time_limit))
    _finish("frontier", result, outs, portfolio, as_json, print_frontier)


@app.command()
def montecarlo(
    path: Annotated[Path, typer.Argument(help=".json, .xlsx or a folder of CSVs")],
    samples: Annotated[int | None, typer.Option(
        help="number of samples (default 100; --fixed: 10,000)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print only the result")] = False,
    out: OutOption = None,
    force: ForceOption = False,
    seed: Annotated[int, typer.Option(help="random seed")] = 1,
    value_spread: Annotated[float, typer.Option(
        help="lognormal sigma of each project's value and benefits")] = 0.2,
    cost_spread: Annotated[float, typer.Option(help="lognormal sigma of its costs")] = 0.1,
    solver: Annotated[str | None, typer.Option(help="as for solve")] = None,
    time_limit: Annotated[float | None, typer.Option("--time-limit", help="seconds each")] = None,
    fixed: Annotated[bool, typer.Option(
        "--fixed", help="instead: the optimal plan held fixed, its realised value over "
        "value_low/value_high and success_probability (vectorised; default 10,000 samples)"
        )] = False,
    target: Annotated[float | None, typer.Option(
        help="--fixed: the probability of reaching this financial value")] = None,
):
    """How robust the optimum is: sampled values and costs, the base plan
    re-checked and the portfolio re-optimised in each sample (the value of
    perfect information); with --fixed, the optimal plan's realised value."""
    if fixed:
        from .cli_decide import fixed_plan_outcomes

        fixed_plan_outcomes(path, as_json, samples, seed, target, solver=solver,
                            time_limit_s=time_limit)
        return
    samples = 100 if samples is None else samples
    from spmo.scenarios.montecarlo import Sampling
    from spmo.scenarios.montecarlo import montecarlo as simulate

    from .render import print_montecarlo
    from .study_files import STUDY_SUFFIXES

    outs = out or []
    # samples and spreads: montecarlo's own checks, before any solve
    check_options(solve_problems(time_limit) + target_problems(outs, STUDY_SUFFIXES, force),
                  as_json)
    portfolio = load_portfolio(path, as_json)
    with progress_bar(as_json, "samples") as progress:
        result = computed(as_json, lambda: simulate(
            portfolio, Sampling(samples, seed, value_spread, cost_spread),
            progress=progress, solver=solver, time_limit_s=time_limit))
    _finish("montecarlo", result, outs, portfolio, as_json, print_montecarlo)
