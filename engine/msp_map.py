"""A Project Online Portfolio Analysis (`engine.msp` feeds) as a contract
portfolio document (docs/msp.md has the mapping and its sources):

- periods: quarters over the analysis' planning horizon (stretched to hold
  every project's dates);
- objectives: the business drivers of the analysis' prioritization, named
  as in Project Online, `weight` = BusinessDriverPriority;
- pairwise: each PrioritizationDriverRelation, RelationValue read on Saaty's
  scale (RELATIONS): extremely / strongly / moderately more important = 9 /
  5 / 3, equally = 1, "less important" the reciprocal; when present they
  define the weights (AHP), and a warning says where they disagree with
  Project Online's own priorities by more than 1 percentage point;
- alignment: each project's impact rating on each driver (IMPACTS);
- projects: the analysis' projects, by name; duration and start window from
  the analysis dates (Locked: the start is fixed; StartNoEarlierThan and
  FinishNoLaterThan bound it); cost from the analysis' primary cost field
  (else ProjectCost), spread evenly over the duration;
- budgets: the cost scenario's SelectedProjectsCost over the whole horizon;
- force: the scenario's ForceStatus (0 in, 1 out, 2 the optimizer's choice);
- settings: strategic objective, alignment not required (Project Online
  selects unrated projects too).
"""

from __future__ import annotations

import datetime as dt
import re

from .errors import InvalidPortfolio, Problem
from .msp import Feeds, date_of, key, number_of, read_numbers, rows_of
from .msp_strategy import strategy

FORCE = {0: "in", 1: "out"}
"""CostScenarioProjects.ForceStatus (Optimizer.ForceStatus: 0 ForceIn, 1 ForceOut, 2 Auto)."""


def to_document(feeds: Feeds, analysis: str | None = None, scenario: str | None = None,
                budget: float | None = None) -> tuple[dict, list[str]]:
    """The portfolio document of one analysis (by AnalysisName or AnalysisId;
    the only one when not named) and its cost scenario (likewise; none when
    the analysis has none: no force), and the mapping's warnings. The budget
    is `budget` when given (ProjectData does not publish the limit typed in
    Project Online), else the scenario's SelectedProjectsCost.
    InvalidPortfolio names entity set, row and property of every problem."""
    problems: list[Problem] = read_numbers(feeds)
    warnings: list[str] = []
    chosen = _pick(feeds, "PortfolioAnalyses", "Analysis", analysis, {}, problems)
    if chosen is None:
        raise InvalidPortfolio(problems)
    cost_scenario = _pick(feeds, "CostConstraintScenarios", "Scenario", scenario,
                          {"AnalysisId": chosen["AnalysisId"]}, problems)
    projects = _projects(feeds, chosen, problems, warnings)
    objectives, pairwise, alignment = strategy(feeds, chosen, projects, problems, warnings)
    if problems:
        raise InvalidPortfolio(problems)
    periods = _periods(chosen, projects)
    doc = {"name": str(chosen.get("AnalysisName") or "Project Online analysis"),
           "periods": [{"id": p} for p in periods],
           "projects": [], "costs": [], "objectives": objectives, "pairwise": pairwise,
           "alignment": alignment,
           "settings": {"objective": "strategic", "require_alignment": False}}
    force = _forces(feeds, cost_scenario)
    for p in projects:
        _add_project(doc, p, periods, force.get(key(p["guid"])))
    spent = None if cost_scenario is None else cost_scenario.get("SelectedProjectsCost")
    if budget is not None or spent is not None:
        doc["budgets"] = [{"limit": budget if budget is not None else spent}]
    if feeds.get("ResourceConstraintScenarios"):
        warnings.append("resource constraint scenarios are not imported: ProjectData gives "
                        "each project's total ResourceWork, not the timephased role demand "
                        "and capacity the analysis uses")
    return {k: v for k, v in doc.items() if v != []}, warnings


def _pick(feeds, name, prefix, wanted, match, problems) -> dict | None:
    """The entity of `name` whose <prefix>Name or <prefix>Id is `wanted`, or
    the only one; a problem listing them when there are several and none is
    named (no guess), or none is named `wanted`."""
    rows = sorted((e for _, e in rows_of(feeds, name, **match)),
                  key=lambda e: str(e.get(f"{prefix}Name") or ""))
    found = rows if wanted is None else [
        e for e in rows if key(wanted) in (key(e.get(f"{prefix}Name")),
                                           key(e.get(f"{prefix}Id")))]
    if len(found) == 1:
        return found[0]
    option = "--analysis" if prefix == "Analysis" else "--scenario"
    names = ", ".join(repr(str(e.get(f"{prefix}Name"))) for e in rows) or "none"
    if wanted is not None:
        problems.append(Problem(name, None, f"{prefix}Name",
                                f"no {prefix.lower()} named '{wanted}' (found: {names})"))
    elif len(rows) > 1:
        problems.append(Problem(name, None, f"{prefix}Name",
                                f"{len(rows)} to choose from, name one with {option}: {names}"))
    elif prefix == "Analysis":
        problems.append(Problem(name, None, None, "the feed holds no analysis"))
    return None


def _quarter(day: dt.date) -> str:
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def _quarters(first: dt.date, last: dt.date) -> list[str]:
    out, year, q = [], first.year, (first.month - 1) // 3
    while (year, q) <= (last.year, (last.month - 1) // 3):
        out.append(f"{year}Q{q + 1}")
        year, q = (year + 1, 0) if q == 3 else (year, q + 1)
    return out


def _date(entity: dict, names: tuple[str, ...], where: tuple, problems) -> dt.date | None:
    """The first of the properties `names` holding a date."""
    for name in names:
        try:
            day = date_of(entity.get(name))
        except ValueError:
            problems.append(Problem(where[0], where[1], name,
                                    f"not a date: {entity.get(name)!r}"))
            return None
        if day is not None:
            return day
    return None


def _projects(feeds, analysis, problems, warnings) -> list[dict]:
    """The analysis' projects with name, dates, window, cost and priority."""
    info = {key(e.get("ProjectId")): e for e in feeds.get("Projects", [])}
    field = re.sub(r"[^0-9A-Za-z_]", "", str(analysis.get("HardConstraintCustomFieldName") or ""))
    rows = rows_of(feeds, "PortfolioAnalysisProjects", AnalysisId=analysis["AnalysisId"])
    if not rows:
        problems.append(Problem("PortfolioAnalysisProjects", None, "AnalysisId",
                                f"no project of the analysis '{analysis.get('AnalysisName')}'"))
    out, costless = [], []
    for row, e in rows:
        where = ("PortfolioAnalysisProjects", row)
        extra = info.get(key(e.get("ProjectId")), {})
        start = _date(e, ("StartDate", "OriginalStartDate"), where, problems) \
            or _date(extra, ("ProjectStartDate",), ("Projects", None), problems)
        finish = _date(e, ("OriginalEndDate",), where, problems) \
            or _date(extra, ("ProjectFinishDate",), ("Projects", None), problems)
        if start is None:
            problems.append(Problem(*where, "StartDate", "the project has no start date"))
            continue
        if finish is None or finish < start:
            days = number_of(e.get("Duration")) or 0.0
            finish = start + dt.timedelta(days=max(0.0, days))
        cost = _cost(extra, field, problems)
        if cost is None:
            costless.append(str(e.get("ProjectName") or e.get("ProjectId")))
        out.append({"guid": e.get("ProjectId"), "name": str(e.get("ProjectName")
                                                          or extra.get("ProjectName") or ""),
                    "start": start, "finish": finish, "cost": cost or 0.0,
                    "locked": bool(number_of(e.get("Locked")) or 0),
                    "snet": _date(e, ("StartNoEarlierThan",), where, problems),
                    "fnlt": _date(e, ("FinishNoLaterThan",), where, problems),
                    "priority": number_of(e.get("Priority")) or 0.0})
    if costless:
        warnings.append(f"no cost for {', '.join(costless)} (Projects: {field or 'ProjectCost'}"
                        "): cost 0")
    _name_ids(out)
    return out


def _cost(project: dict, field: str, problems: list[Problem]) -> float | None:
    """The analysis' primary cost field of the project (its OData property
    name is the field's name without spaces), else ProjectCost."""
    if not field or project.get(field) is None:
        return project.get("ProjectCost")
    try:
        return number_of(project.get(field))
    except (TypeError, ValueError):
        problems.append(Problem("Projects", None, field, f"{project.get('ProjectName')}: not a "
                                f"number: {project.get(field)!r}"))
        return None


def _name_ids(projects: list[dict]) -> None:
    """Each project's id: its name, or name (first 8 of its GUID) when the
    name is blank or shared."""
    counts: dict[str, int] = {}
    for p in projects:
        counts[p["name"]] = counts.get(p["name"], 0) + 1
    for p in projects:
        unique = p["name"] and counts[p["name"]] == 1
        p["id"] = p["name"] if unique else f"{p['name']} ({str(p['guid'])[:8]})".strip()


def _periods(analysis: dict, projects: list[dict]) -> list[str]:
    days = [p["start"] for p in projects] + [p["finish"] for p in projects]
    for name in ("PlanningHorizonStartDate", "PlanningHorizonEndDate"):
        day = date_of(analysis.get(name))
        if day is not None:
            days.append(day)
    return _quarters(min(days), max(days))


def _add_project(doc: dict, p: dict, periods: list[str], force: str | None) -> None:
    """The project's row (window from Locked, SNET, FNLT) and its cost rows."""
    index = {q: i for i, q in enumerate(periods)}
    first, duration = index[_quarter(p["start"])], \
        index[_quarter(p["finish"])] - index[_quarter(p["start"])] + 1
    earliest = max(first, index.get(_quarter(p["snet"]), 0)) if p["snet"] else first
    row = {"id": p["id"], "name": p["name"], "duration": duration,
           "earliest_start": periods[earliest]}
    if p["locked"]:
        row["latest_start"] = periods[earliest]
    elif p["fnlt"] is not None and _quarter(p["fnlt"]) in index:
        row["latest_start"] = periods[max(earliest, index[_quarter(p["fnlt"])] - duration + 1)]
    if force:
        row["force"] = force
    doc["projects"].append(row)
    doc["costs"] += [{"project": p["id"], "offset": k, "amount": p["cost"] / duration}
                     for k in range(duration) if p["cost"]]


def _forces(feeds, scenario) -> dict[str, str]:
    """project GUID -> in / out from the cost scenario's ForceStatus (blank: 2, Auto)."""
    if scenario is None:
        return {}
    out = {}
    for _, e in rows_of(feeds, "CostScenarioProjects", ScenarioId=scenario["ScenarioId"]):
        status = number_of(e.get("ForceStatus"))
        if status is not None and int(status) in FORCE:
            out[key(e.get("ProjectId"))] = FORCE[int(status)]
    return out
