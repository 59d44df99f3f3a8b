"""`spmo replan`: drift between a plan and the actuals, and the re-plan from
`settings.now` (scenarios.replan)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from spmo.engine.errors import Problem

from .cli_common import EXIT, answer, app, check_options, computed, exit_if, fail, load_portfolio
from .options import solve_problems


def read_plan(path: Path, as_json: bool):
    """The Plan in a JSON file (spmo solve --json or --out plan.json), or exit 2."""
    from pydantic import ValidationError
    from spmo.engine.plan import Plan

    try:
        return Plan.model_validate_json(path.read_text(encoding="utf-8"))
    except OSError as exc:
        fail([Problem("plan", None, None, f"cannot read {path}: {exc.strerror or exc}")],
             as_json)
    except ValidationError as exc:
        fail([Problem("plan", None, ".".join(str(p) for p in err["loc"]) or None,
                      err["msg"]) for err in exc.errors()[:20]], as_json)


@app.command()
def replan(
    plan_path: Annotated[Path, typer.Argument(
        metavar="PLAN.json", help="the plan being followed (spmo solve --json)")],
    actuals: Annotated[Path, typer.Argument(
        metavar="ACTUALS", help="the portfolio (.json, .xlsx or CSV folder) with an actuals "
        "table and settings.now")],
    as_json: Annotated[bool, typer.Option("--json", help="print only the re-plan as JSON")
                       ] = False,
    solver: Annotated[str | None, typer.Option(help="as for solve")] = None,
    time_limit: Annotated[float | None, typer.Option("--time-limit", help="seconds")] = None,
    explain: Annotated[str, typer.Option(help="as for solve; default none")] = "none",
):
    """Drift between a plan and the actuals (spend, benefits, dates) and the re-plan
    from settings.now: sunk costs sunk, continue / stall / stop per running project."""
    from spmo.scenarios.replan import replan as replan_from

    from .render import print_replan

    check_options(solve_problems(time_limit, None, explain), as_json)
    plan = read_plan(plan_path, as_json)
    portfolio = load_portfolio(actuals, as_json)
    result = computed(as_json, lambda: replan_from(
        portfolio, plan, solver=solver, time_limit_s=time_limit, explain=explain))
    answer(result, as_json, print_replan)
    exit_if(EXIT[result.plan.status])
