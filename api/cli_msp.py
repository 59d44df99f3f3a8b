"""`spmo import-msp PATH --out portfolio.json`: a Microsoft Project Online
Portfolio Analysis (its ProjectData entity sets, saved as JSON feeds or as a
workbook) as a contract portfolio (`engine.msp`, `engine.msp_map`;
docs/msp.md gives the mapping)."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.text import Text
from spmo.engine.errors import InvalidPortfolio, Problem

from .cli_common import ForceOption, app, check_options, exit_if, fail, write_files
from .options import target_problems

PORTFOLIO_SUFFIXES = (".json", ".xlsx")


@app.command("import-msp")
def import_msp(
    path: Annotated[Path, typer.Argument(help="a folder of <EntitySet>.json OData feeds, or "
                                         "an .xlsx workbook with a sheet per entity set")],
    out: Annotated[Path, typer.Option(help="the portfolio to write: .json or .xlsx")],
    force: ForceOption = False,
    analysis: Annotated[str | None, typer.Option(
        help="the analysis (AnalysisName or AnalysisId) when the feeds hold several")] = None,
    scenario: Annotated[str | None, typer.Option(
        help="its cost constraint scenario (ScenarioName or ScenarioId) when it has several")
        ] = None,
    budget: Annotated[float | None, typer.Option(
        help="the cost limit over the horizon (default: the scenario's SelectedProjectsCost; "
        "ProjectData does not publish the limit typed in Project Online)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the summary as JSON")] = False,
):
    """Import a Project Online Portfolio Analysis: drivers become objectives,
    their pairwise relations `pairwise`, impact ratings alignment, costs,
    the cost scenario's budget and forced projects."""
    problems = target_problems([out], PORTFOLIO_SUFFIXES, force)
    if budget is not None and not (math.isfinite(budget) and budget >= 0):
        problems.append(Problem("options", None, "--budget",
                                f"must be a finite number >= 0, got {budget}"))
    check_options(problems, as_json)
    from spmo.engine.io import write_json, write_workbook
    from spmo.engine.msp import read_feeds
    from spmo.engine.msp_map import to_document
    from spmo.engine.validate import validate_document

    try:
        doc, warnings = to_document(read_feeds(path), analysis, scenario, budget)
        portfolio = validate_document(doc)
    except InvalidPortfolio as exc:
        fail(exc.problems, as_json)
    write = write_workbook if out.suffix.lower() == ".xlsx" else write_json
    exit_if(write_files(Console(stderr=True), [out], lambda p: write(doc, p)))
    summary = {"status": "imported", "out": str(out), "name": portfolio.name,
               "projects": len(portfolio.projects), "periods": len(portfolio.periods),
               "objectives": len(portfolio.table("objectives")),
               "pairwise": len(portfolio.table("pairwise")),
               "budgets": len(portfolio.table("budgets")),
               "warnings": [*warnings, *portfolio.warnings]}
    if as_json:
        print(json.dumps(summary, indent=1))
        return
    console = Console()
    console.print(Text(f"wrote {out}: '{portfolio.name}', {summary['projects']} projects over "
                       f"{summary['periods']} quarters, {summary['objectives']} objectives "
                       f"({summary['pairwise']} pairwise judgements), "
                       f"{summary['budgets']} budget(s)"))
    for w in summary["warnings"]:
        console.print(Text.assemble(("warning:", "yellow"), " ", str(w)))
