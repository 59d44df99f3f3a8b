"""Scenarios side by side: the base portfolio (the baseline, always first)
and each scenario applied to it, each solved and checked like any portfolio,
with its KPIs and, against the baseline, the projects that came in, went out
or moved start.

Every problem of every scenario is reported at once before anything is
solved: table `scenarios`, row the scenario's 0-based position, column
`changes/K/ARGUMENT` for a change's problem (K its position) or the
portfolio table's `TABLE/ROW/COLUMN` for a problem the changed portfolio has.
"""

from __future__ import annotations

from pydantic import BaseModel
from spmo.engine.errors import InvalidPortfolio, Problem
from spmo.engine.plan import Kpis, Plan
from spmo.engine.portfolio import Portfolio

from .spec import Scenario, apply, parse_scenario, scenario_name

BASELINE = "base"


class Moved(BaseModel):
    project: str
    baseline_start: str
    start: str


class ScenarioResult(BaseModel):
    name: str
    status: str
    objective: float | None
    gap: float | None
    selected: int
    kpis: Kpis
    came_in: list[str]
    went_out: list[str]
    moved: list[Moved]
    plan: Plan


class Comparison(BaseModel):
    baseline: str
    scenarios: list[ScenarioResult]


def scenarios_of(values: list) -> list[Scenario]:
    """Scenarios from their wire forms (a request's); InvalidPortfolio (table
    `scenarios`) for those that are not `{"name": ..., "changes": [...]}`.
    A change's own problems are reported by `compare`, with the rest."""
    out, problems = [], []
    for position, value in enumerate(values):
        try:
            out.append(parse_scenario(value))
        except InvalidPortfolio as exc:
            problems += [_within(position, f"scenario {position + 1}", p) for p in exc.problems]
    if problems:
        raise InvalidPortfolio(problems)
    return out


def scenario_portfolios(portfolio: Portfolio, scenarios: list[Scenario]
                        ) -> list[tuple[str, Portfolio]]:
    """[(name, Portfolio)]: the base first, then each scenario applied to it;
    InvalidPortfolio with every problem of every scenario."""
    problems: list[Problem] = []
    out = [(BASELINE, portfolio)]
    for position, scenario in enumerate(scenarios):
        name = scenario_name(scenario, position)
        try:
            out.append((name, apply(portfolio, scenario)))
        except InvalidPortfolio as exc:
            problems += [_within(position, name, p) for p in exc.problems]
    if problems:
        raise InvalidPortfolio(problems)
    return out


def _within(position: int, name: str, problem: Problem) -> Problem:
    """A scenario's problem as a problem of the list of scenarios."""
    if problem.table == "scenario":
        parts = ("changes", problem.row, problem.column) if problem.row is not None \
            else (problem.column or "changes",)
    else:
        parts = (problem.table, problem.row, problem.column)
    column = "/".join(str(part) for part in parts if part is not None)
    return Problem("scenarios", position, column, f"{name}: {problem.message}")


def compare(portfolio: Portfolio, scenarios: list[Scenario], progress=None,
            **options) -> Comparison:
    """Solve the base and every scenario (planning.pipeline.plan with `options`,
    one after the other: each solve has the machine's cores) and set them
    side by side; `progress(done, total)` after each."""
    from spmo.planning.pipeline import plan

    named = scenario_portfolios(portfolio, scenarios)
    plans = []
    for done, (name, changed) in enumerate(named, start=1):
        plans.append((name, plan(changed, **options)))
        if progress:
            progress(done, len(named))
    base = _starts(plans[0][1])
    results = []
    for name, result in plans:
        starts = _starts(result)
        results.append(ScenarioResult(
            name=name, status=result.status, objective=result.objective, gap=result.gap,
            selected=len(result.selected), kpis=result.kpis,
            came_in=sorted(set(starts) - set(base)), went_out=sorted(set(base) - set(starts)),
            moved=[Moved(project=p, baseline_start=base[p], start=s)
                   for p, s in sorted(starts.items()) if p in base and base[p] != s],
            plan=result))
    return Comparison(baseline=BASELINE, scenarios=results)


def _starts(result: Plan) -> dict[str, str]:
    return {s.project: s.start for s in result.selected}
