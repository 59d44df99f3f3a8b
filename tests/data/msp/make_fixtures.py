"""Writes the Project Online fixtures of tests/test_msp.py (run from the repo root:
`.venv/bin/python tests/data/msp/make_fixtures.py`).

A small Portfolio Analysis as ProjectData publishes it: the entity sets and
property names of the ProjectData reference (Project Server 2013 / Project
Online, "EntityType ... (ProjectData service)"), with made-up values: 4
business drivers prioritised pairwise, 8 projects, one cost constraint
scenario with a project forced in and one forced out, and the impact ratings
(ProjectDriverImpacts, spmo's entity set: ProjectData does not publish them).

- `feeds/`: one <EntitySet>.json per set, OData v4 JSON (`{"value": [...]}`),
  two of them in the v3 verbose shape (`{"d": {"results": [...]}}`, dates as
  `/Date(ms)/`);
- `analysis.xlsx`: the same entity sets, a sheet each.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

HERE = Path(__file__).parent
ANALYSIS = "6f1c0a52-0000-4000-8000-000000000001"
OTHER = "6f1c0a52-0000-4000-8000-000000000002"
PRIORITIZATION = "7a2d0b63-0000-4000-8000-000000000001"
SCENARIO = "8b3e0c74-0000-4000-8000-000000000001"
DRIVERS = [(f"9c4f0d85-0000-4000-8000-{i + 1:012d}", name, priority)
           for i, (name, priority) in enumerate([
               ("Increase revenue", 64.29), ("Reduce operating cost", 21.43),
               ("Improve customer satisfaction", 7.14), ("Meet regulations", 7.14)])]
# driver 1 <relation> driver 2: consistent with weights 9 : 3 : 1 : 1
RELATIONS = [(0, 1, "is moderately more important than"),
             (0, 2, "is extremely more important than"),
             (0, 3, "is extremely more important than"),
             (2, 1, "is moderately less important than"),
             (1, 3, "is moderately more important than"),
             (2, 3, "is equally important as")]
# name, proposal cost, ProjectCost, start, end, locked, SNET, FNLT, force, impacts (4 drivers)
PROJECTS = [
    ("CRM upgrade", 900_000, 950_000, "2027-01-04", "2027-09-30", 0, None, None, 2,
     ("Strong", "Low", "Extreme", "None")),
    ("ERP consolidation", 1_400_000, 1_500_000, "2027-04-01", "2028-03-31", 1, None, None, 2,
     ("Moderate", "Extreme", "None", "Low")),
    ("Mobile app", 600_000, 640_000, "2027-07-01", "2027-12-31", 0, "2027-07-01", "2028-06-30",
     2, ("Extreme", "None", "Strong", "None")),
    ("Data warehouse", 1_100_000, 1_000_000, "2027-01-04", "2027-12-31", 0, None, None, 2,
     ("Moderate", "Strong", "Low", "Moderate")),
    ("Compliance reporting", 500_000, 520_000, "2027-04-01", "2027-06-30", 0, None, None, 0,
     ("None", "Low", "None", "Extreme")),
    ("Website redesign", 400_000, 410_000, "2027-10-01", "2028-03-31", 0, None, None, 1,
     ("Strong", "None", "Strong", "None")),
    ("Call centre automation", 700_000, 720_000, "2027-01-04", "2027-06-30", 0, None, None, 2,
     ("Low", "Strong", "Moderate", "No rating")),
    ("Cloud migration", 1_200_000, 1_250_000, "2027-07-01", "2028-06-30", 0, None, None, 2,
     ("Low", "Extreme", "None", "Moderate")),
]
BUDGET = 3_600_000


def pid(i: int) -> str:
    return f"a1b2c3d4-0000-4000-8000-{i + 1:012d}"


def iso(day: str | None) -> str | None:
    return None if day is None else f"{day}T00:00:00Z"


def ms(day: str | None) -> str | None:
    if day is None:
        return None
    when = dt.datetime.fromisoformat(day) - dt.datetime(1970, 1, 1)
    return f"/Date({int(when.total_seconds() * 1000)})/"


def feeds() -> dict[str, list[dict]]:
    analyses = [{
        "AnalysisId": a, "AnalysisName": name, "AnalysisDescription": "fixture",
        "AnalysisType": 0, "BookingType": 0, "CreatedDate": iso("2026-10-01"),
        "ModifiedDate": iso("2026-10-02"), "DepartmentId": None, "DepartmentName": None,
        "HardConstraintCustomFieldId": "0d5e0f96-0000-4000-8000-000000000001",
        "HardConstraintCustomFieldName": "Sample Proposal Cost",
        "PlanningHorizonStartDate": iso("2027-01-01"), "PlanningHorizonEndDate": iso("2028-12-31"),
        "PrioritizationId": PRIORITIZATION, "PrioritizationName": "FY2027 drivers",
        "PrioritizationType": 0, "TimeScale": 2, "ForcedInAliasLookupTableId": None,
        "ForcedOutAliasLookupTableId": None, "RoleCustomFieldName": None}
        for a, name in ((ANALYSIS, "FY2027 portfolio"), (OTHER, "Archived 2025 analysis"))]
    drivers = [{"BusinessDriverId": g, "BusinessDriverName": n, "BusinessDriverDescription": n,
                "BusinessDriverIsActive": True, "BusinessDriverCreatedDate": iso("2026-01-05"),
                "BusinessDriverModifiedDate": iso("2026-01-05"),
                "ImpactDescriptionNone": "no effect", "ImpactDescriptionLow": "some",
                "ImpactDescriptionModerate": "clear", "ImpactDescriptionStrong": "large",
                "ImpactDescriptionExtreme": "decisive"} for g, n, _ in DRIVERS]
    prioritization_drivers = [{"PrioritizationId": PRIORITIZATION, "PrioritizationName":
                               "FY2027 drivers", "BusinessDriverId": g, "BusinessDriverName": n,
                               "BusinessDriverPriority": p} for g, n, p in DRIVERS]
    relations = [{"PrioritizationId": PRIORITIZATION, "PrioritizationName": "FY2027 drivers",
                  "BusinessDriver1Id": DRIVERS[a][0], "BusinessDriver1Name": DRIVERS[a][1],
                  "BusinessDriver2Id": DRIVERS[b][0], "BusinessDriver2Name": DRIVERS[b][1],
                  "RelationValue": text} for a, b, text in RELATIONS]
    analysis_projects = [{
        "AnalysisId": ANALYSIS, "AnalysisName": "FY2027 portfolio", "ProjectId": pid(i),
        "ProjectName": p[0], "AbsolutePriority": 0.0, "Priority": 0.0, "Duration": None,
        "StartDate": ms(p[3]), "OriginalStartDate": ms(p[3]), "OriginalEndDate": ms(p[4]),
        "Locked": p[5], "StartNoEarlierThan": ms(p[6]), "FinishNoLaterThan": ms(p[7])}
        for i, p in enumerate(PROJECTS)]
    projects = [{"ProjectId": pid(i), "ProjectName": p[0], "ProjectCost": p[2],
                 "SampleProposalCost": p[1], "ProjectStartDate": iso(p[3]),
                 "ProjectFinishDate": iso(p[4])} for i, p in enumerate(PROJECTS)]
    scenarios = [{"AnalysisId": ANALYSIS, "AnalysisName": "FY2027 portfolio",
                  "ScenarioId": SCENARIO, "ScenarioName": "Budget 3.6M",
                  "ScenarioDescription": "the board's envelope", "CreatedDate": iso("2026-10-03"),
                  "ModifiedDate": iso("2026-10-03"), "SelectedProjectsCost": BUDGET,
                  "SelectedProjectsPriority": 0.0, "UnselectedProjectsCost": 0.0,
                  "UnselectedProjectsPriority": 0.0, "UseDependencies": False}]
    scenario_projects = [{"AnalysisId": ANALYSIS, "AnalysisName": "FY2027 portfolio",
                          "ScenarioId": SCENARIO, "ScenarioName": "Budget 3.6M",
                          "ProjectId": pid(i), "ProjectName": p[0], "AbsolutePriority": 0.0,
                          "Priority": 0.0, "ForceStatus": p[8], "HardConstraintValue": p[1],
                          "Status": 0, "ForceAliasLookupTableId": None}
                         for i, p in enumerate(PROJECTS)]
    impacts = [{"AnalysisId": ANALYSIS, "ProjectId": pid(i), "ProjectName": p[0],
                "BusinessDriverId": DRIVERS[d][0], "BusinessDriverName": DRIVERS[d][1],
                "Impact": rating} for i, p in enumerate(PROJECTS)
               for d, rating in enumerate(p[9])]
    return {"PortfolioAnalyses": analyses, "BusinessDrivers": drivers,
            "PrioritizationDrivers": prioritization_drivers,
            "PrioritizationDriverRelations": relations,
            "PortfolioAnalysisProjects": analysis_projects, "Projects": projects,
            "CostConstraintScenarios": scenarios, "CostScenarioProjects": scenario_projects,
            "ProjectDriverImpacts": impacts}


V3 = ("PortfolioAnalysisProjects", "PrioritizationDriverRelations")


def main() -> None:
    sets = feeds()
    folder = HERE / "feeds"
    folder.mkdir(exist_ok=True)
    for name, rows in sets.items():
        body = {"d": {"results": rows}} if name in V3 else {
            "@odata.context": f"https://contoso.sharepoint.com/sites/pwa/_api/ProjectData/"
                              f"$metadata#{name}", "value": rows}
        (folder / f"{name}.json").write_text(json.dumps(body, indent=1) + "\n")
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sets.items():
        sheet = book.create_sheet(name)
        header = list(rows[0])
        sheet.append(header)
        for row in rows:
            sheet.append([_cell(row.get(h)) for h in header])
    book.save(HERE / "analysis.xlsx")


def _cell(value):
    """Dates as workbook dates, as Excel's OData query gives them."""
    if isinstance(value, str) and value.startswith("/Date("):
        return dt.datetime(1970, 1, 1) + dt.timedelta(milliseconds=int(value[6:-2]))
    if isinstance(value, str) and value.endswith("T00:00:00Z"):
        return dt.datetime.fromisoformat(value[:-1])
    return value


if __name__ == "__main__":
    main()
