"""The decision commands: `spmo sensitivity` (and the Pareto frontier and the
fixed-plan Monte Carlo, beside `frontier` and `montecarlo` in `cli`). They are
added to the shared Typer app (api/cli_common.py); only light modules are
imported at the top."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

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

JSON_SUFFIXES = (".json",)


def progress_bar(as_json: bool):
    """A Rich progress bar on standard error (only on a terminal) and a
    `progress(done, total, stage)` callback that drives it."""
    from rich.progress import Progress

    bar = Progress(console=Console(stderr=True), transient=True,
                   disable=as_json or not sys.stderr.isatty())
    tasks: dict[str, int] = {}

    def progress(done: int, total: int, stage: str = "solves") -> None:
        if stage not in tasks:
            tasks[stage] = bar.add_task(stage, total=total)
        bar.update(tasks[stage], completed=done, total=total)

    return bar, progress


@app.command("sensitivity")
def sensitivity_cmd(
    path: Annotated[Path, typer.Argument(help=".json, .xlsx or a folder of CSVs")],
    as_json: Annotated[bool, typer.Option("--json", help="print only the result")] = False,
    out: Annotated[list[Path] | None, typer.Option(
        "--out", help="also write the result (.json)")] = None,
    force: ForceOption = False,
    samples: Annotated[int, typer.Option(
        help="weight samples (0: none); each is one solve")] = 30,
    radius: Annotated[float, typer.Option(
        help="each weight moves by a factor in [1 - radius, 1 + radius]")] = 0.1,
    seed: Annotated[int, typer.Option(help="random seed of the weight samples")] = 1,
    weights: Annotated[bool, typer.Option(
        "--weights/--no-weights", help="also the weight samples and ranges")] = True,
    solver: Annotated[str | None, typer.Option(help="as for solve")] = None,
    time_limit: Annotated[float | None, typer.Option(
        "--time-limit", help="seconds of each solve (default: the per-project re-solves "
        "bounded by deterministic work, the weight solves by the portfolio's time limit)"
        )] = None,
):
    """How far each project's value or score, and each objective weight, may
    move before the optimal selection changes (one re-solve per project,
    batched)."""
    from spmo.scenarios.sensitivity import SensitivityOptions, sensitivity

    from .render_decide import print_sensitivity

    outs = out or []
    check_options(solve_problems(time_limit) + target_problems(outs, JSON_SUFFIXES, force),
                  as_json)
    portfolio = load_portfolio(path, as_json)
    bar, progress = progress_bar(as_json)
    options = SensitivityOptions(samples=samples, radius=radius, seed=seed, solver=solver,
                                 time_limit_s=time_limit, weights=weights)
    with bar:
        result = computed(as_json, lambda: sensitivity(portfolio, options, progress))
    failed = write_files(Console(stderr=True), outs, lambda p: p.write_text(
        result.model_dump_json(indent=1), encoding="utf-8"))
    answer(result, as_json, print_sensitivity)
    raise typer.Exit(failed)


def pareto_frontier(path: Path, kinds: str, steps: int, exact: bool, output: tuple,
                    **options) -> None:
    """`spmo frontier --pareto A,B`: the non-dominated plans of two objectives
    (scenarios.pareto); `output`: (as_json, --out paths, --force)."""
    from spmo.scenarios.pareto import pareto

    from .render_decide import print_pareto

    as_json, outs, force = output
    check_options(solve_problems(options.get("time_limit_s"), names={
        "time_limit": "--time-limit"}) + target_problems(outs, JSON_SUFFIXES, force), as_json)
    portfolio = load_portfolio(path, as_json)
    bar, progress = progress_bar(as_json)
    with bar:
        result = computed(as_json, lambda: pareto(
            portfolio, tuple(k.strip() for k in kinds.split(",")), steps=steps, exact=exact,
            progress=lambda done, total: progress(done, total, "frontier points"),
            **options))
    failed = write_files(Console(stderr=True), outs, lambda p: p.write_text(
        result.model_dump_json(indent=1), encoding="utf-8"))
    answer(result, as_json, print_pareto)
    raise typer.Exit(failed)


def fixed_plan_outcomes(path: Path, as_json: bool, samples: int | None, seed: int,
                        target: float | None, **options) -> None:
    """`spmo montecarlo --fixed`: the optimal plan's realised value (scenarios.outcomes)."""
    from spmo.planning.pipeline import plan
    from spmo.scenarios.outcomes import check_samples, plan_outcomes

    from .render_decide import print_outcomes

    check_options(solve_problems(options.get("time_limit_s")), as_json)
    samples = 10_000 if samples is None else samples
    computed(as_json, lambda: check_samples(samples))
    portfolio = load_portfolio(path, as_json)
    base = computed(as_json, lambda: plan(portfolio, explain="none", **options))
    result = computed(as_json, lambda: plan_outcomes(portfolio, base, samples, seed, target))
    answer(result, as_json, print_outcomes)
