"""Rules of the contract's extensions: partial funding, funding sources with
eligibility, and re-planning (actuals, settings.now).

- projects.min_scope: 0 < min_scope <= 1; scope_step: 0 < step <= 1 with
  1/step whole (the shares k * step, k = 1..1/step, include 1), and min_scope
  at most 1; a step without min_scope starts at one step; scope_value concave
  only with one of them, and with a value >= 0 (a concave gain of a loss
  would be a convex objective).
- eligibility: its source is declared in funding_sources; exactly one of
  project and category; a category no project has is a warning.
- funding_sources: a source's rows are a whole-horizon total (period blank)
  and/or one row per period.
- actuals: progress 0..1 (the cell types say so); any project may have them
  (re-planning reads those of every project the plan started before now,
  candidates included: scenarios.drift).
- settings.now: a period id of the periods table.
"""

from __future__ import annotations

import pandas as pd

from .errors import Problem

STEP_TOL = 1e-9


def funding_rules(typed: dict[str, pd.DataFrame],
                  warnings: list[str]) -> list[Problem]:
    """Every problem of the extension tables and columns; warnings appended."""
    return _scope(typed["projects"]) + _eligibility(typed, warnings)


def _scope(projects: pd.DataFrame) -> list[Problem]:
    """min_scope in (0, 1]; scope_step in (0, 1] with 1/step whole; concave with either."""
    out = []
    scope, step = projects["min_scope"], projects["scope_step"]
    for row in projects.index[(scope <= 0).to_numpy()]:
        out.append(Problem("projects", int(row), "min_scope",
                           f"must be > 0 (blank means all or nothing), got {scope[row]:g}"))
    for row in projects.index[(step <= 0).to_numpy()]:
        out.append(Problem("projects", int(row), "scope_step", f"must be > 0, got {step[row]:g}"))
    concave = projects["scope_value"] == "concave"
    for row in projects.index[(concave & scope.isna() & step.isna()).to_numpy()]:
        out.append(Problem("projects", int(row), "scope_value",
                           "concave needs partial funding: give min_scope or scope_step"))
    for row in projects.index[(concave & (projects["value"] < 0)).to_numpy()]:
        out.append(Problem("projects", int(row), "scope_value",
                           f"concave needs a value >= 0, got {projects.at[row, 'value']:g}"))
    for row, value in step[step > 0].items():
        count = 1.0 / value
        if abs(count - round(count)) > STEP_TOL * count:
            out.append(Problem("projects", int(row), "scope_step",
                               f"1/scope_step must be a whole number (the steps reach a share "
                               f"of 1), got {value:g}"))
    return out


def _eligibility(typed: dict[str, pd.DataFrame], warnings: list[str]) -> list[Problem]:
    """Known sources; one of project and category per eligibility row."""
    out = []
    elig = typed["eligibility"]
    known = set(typed["funding_sources"]["source"].dropna())
    for row in elig.index[(elig["source"].notna() & ~elig["source"].isin(known)).to_numpy()]:
        out.append(Problem("eligibility", int(row), "source",
                           f"unknown source '{elig.at[row, 'source']}' (not in funding_sources)"))
    both = elig["project"].notna() & elig["category"].notna()
    neither = elig["project"].isna() & elig["category"].isna()
    for row in elig.index[both.to_numpy()]:
        out.append(Problem("eligibility", int(row), "category",
                           "give a project or a category, not both"))
    for row in elig.index[neither.to_numpy()]:
        out.append(Problem("eligibility", int(row), "project",
                           "give the project (or the category) this source may pay"))
    categories = set(typed["projects"]["category"].dropna())
    for cat in sorted(set(elig["category"].dropna()) - categories):
        warnings.append(f"eligibility: no project has category '{cat}'")
    return out


def now_rule(typed: dict[str, pd.DataFrame], settings, row: int | None) -> list[Problem]:
    """settings.now names a period of the periods table."""
    now = getattr(settings, "now", None)
    periods = set(typed["periods"]["id"].dropna())
    if now is None or not periods or now in periods:
        return []
    return [Problem("settings", row, "now", f"unknown period '{now}'")]
