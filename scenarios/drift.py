"""Drift between a plan and the actuals of a portfolio at `settings.now`.

For every project the plan started before `now` (or that has an actuals
row), with e = now - planned start (periods elapsed) and d its duration:

- planned spend to date: its cost rows with offset < e, at the plan's share;
  spent: actuals.spent; spend drift = spent - planned;
- planned benefits to date: its benefit rows with offset < e (undiscounted,
  at its share); realised: actuals.benefits_realised;
- planned progress min(1, e/d); progress: actuals.progress;
- forecast finish: progress p in (0, 1): at the pace so far, the remaining
  work takes ceil(e (1 - p) / p) periods from now; p = 1: finished; p = 0 or no
  actuals: the planned finish. slip = forecast - planned finish, in periods.

State: finished (progress 1, or no progress given and the planned finish is
before now), running, or not_started (no actuals and a planned start at or
after now: only listed when it has an actuals row).
"""

from __future__ import annotations

import math
from typing import Literal

import pandas as pd
from pydantic import BaseModel, Field
from spmo.engine.errors import InvalidPortfolio, Problem
from spmo.engine.plan import Plan
from spmo.engine.portfolio import Portfolio


class Drift(BaseModel):
    """One project's plan against its actuals at `now`."""

    project: str
    state: Literal["finished", "running", "not_started"]
    planned_start: str | None
    planned_finish: str | None
    planned_spend: float = Field(description="spend the plan foresaw before now")
    spent: float | None = Field(None, description="actuals.spent (sunk)")
    spend_drift: float | None = None
    planned_benefits: float = Field(description="benefits the plan foresaw before now")
    benefits_realised: float | None = None
    benefits_drift: float | None = None
    planned_progress: float
    progress: float | None = None
    forecast_finish: str | None = Field(None, description=(
        "at the pace so far; a period past the horizon reads LAST+k"))
    slip: int | None = Field(None, description="periods late (negative: early)")


def now_index(portfolio: Portfolio) -> int:
    """The index of settings.now; InvalidPortfolio when it is not set."""
    now = portfolio.settings.now
    if now is None:
        raise InvalidPortfolio([Problem("settings", None, "now",
                                        "re-planning needs settings.now (the current period)")])
    return portfolio.periods.index(now)


def planned(portfolio: Portfolio, plan: Plan) -> dict[str, tuple[int, float]]:
    """project -> (start index, share) of the plan; InvalidPortfolio naming the
    plan's `selected` rows that this portfolio does not know."""
    index_of = {p: i for i, p in enumerate(portfolio.periods)}
    problems = [Problem("plan", k, "project", f"unknown project '{s.project}'")
                for k, s in enumerate(plan.selected) if s.project not in portfolio.projects.index]
    problems += [Problem("plan", k, "start", f"unknown period '{s.start}'")
                 for k, s in enumerate(plan.selected) if s.start not in index_of]
    if problems:
        raise InvalidPortfolio(problems)
    return {s.project: (index_of[s.start], s.share) for s in plan.selected}


def label(periods: tuple[str, ...], t: int) -> str:
    """A period id, or LAST+k past the horizon."""
    return periods[t] if t < len(periods) else f"{periods[-1]}+{t - len(periods) + 1}"


def _to_date(table: pd.DataFrame, pid: str, elapsed: int, share: float) -> float:
    rows = table[(table["project"] == pid) & (table["offset"] < elapsed)]
    return float(rows["amount"].sum()) * share


def _forecast(start: int, duration: int, now: int, progress: float | None) -> int:
    """The forecast finish index (see the module)."""
    elapsed = now - start
    if progress is None or progress <= 0 or elapsed <= 0:
        return start + duration - 1
    if progress >= 1:
        return min(start + duration - 1, now - 1)
    return now + math.ceil(elapsed * (1 - progress) / progress - 1e-9) - 1


def _actual(actuals: pd.DataFrame, pid: str, column: str) -> float | None:
    rows = actuals[actuals["project"] == pid]
    if rows.empty or pd.isna(rows[column].iloc[0]):
        return None
    return float(rows[column].iloc[0])


def drift(portfolio: Portfolio, plan: Plan) -> list[Drift]:
    """Drift of every project started before now or with actuals, by project id."""
    now = now_index(portfolio)
    starts = planned(portfolio, plan)
    actuals = portfolio.table("actuals")
    durations = portfolio.projects["duration"]
    from spmo.engine.derive import derive

    windows = derive(portfolio).windows
    ids = sorted({p for p, (s, _) in starts.items() if s < now} | set(actuals["project"]))
    return [_one(portfolio, pid, starts.get(pid), now, actuals,
                 int(windows.at[pid, "duration"]) if pd.isna(durations[pid])
                 else int(durations[pid])) for pid in ids]


def _one(portfolio: Portfolio, pid: str, start_share, now: int, actuals: pd.DataFrame,
         duration: int) -> Drift:
    """The Drift row of one project."""
    periods = portfolio.periods
    start, share = start_share if start_share is not None else (None, 1.0)
    elapsed = 0 if start is None else max(0, now - start)
    progress = _actual(actuals, pid, "progress")
    spent = _actual(actuals, pid, "spent")
    realised = _actual(actuals, pid, "benefits_realised")
    plan_spend = _to_date(portfolio.table("costs"), pid, elapsed, share)
    plan_benefit = _to_date(portfolio.table("benefits"), pid, elapsed, share)
    finish = None if start is None else start + duration - 1
    forecast = None if start is None else _forecast(start, duration, now, progress)
    if progress is not None and progress >= 1 or progress is None and finish is not None \
            and finish < now:
        state = "finished"
    else:
        state = "running" if start is not None and start < now or progress else "not_started"
    return Drift(
        project=pid, state=state,
        planned_start=None if start is None else periods[start],
        planned_finish=None if finish is None else label(periods, finish),
        planned_spend=plan_spend, spent=spent,
        spend_drift=None if spent is None else spent - plan_spend,
        planned_benefits=plan_benefit, benefits_realised=realised,
        benefits_drift=None if realised is None else realised - plan_benefit,
        planned_progress=min(1.0, elapsed / duration) if duration else 1.0, progress=progress,
        forecast_finish=None if forecast is None else label(periods, forecast),
        slip=None if forecast is None else forecast - finish)
