"""Re-planning mid-cycle: the rest of the horizon from `settings.now`, with
sunk costs sunk.

From the portfolio (with `actuals` and `settings.now`) and the plan it was
following, the re-plan portfolio covers the periods from now on:

- running projects (planned start before now, not finished; see
  scenarios.drift) become `in_flight`, e = now - planned start periods in:
  their cost, demand and benefit rows at offsets >= e, shifted to start at
  now; what was spent is sunk and no part of any decision. With
  actuals.progress p the remaining cost is re-estimated as total x (1 - p)
  (total at the plan's share): the remaining cost rows are scaled to it (and
  the demand rows by the same factor); a project past its planned finish gets
  one cost row of total x (1 - p) now, its last period's demands and its
  benefits not yet due;
- finished projects (progress 1, or no progress and a planned finish before
  now) leave the decision: they are fixed, their rows (dependencies, groups,
  synergies, eligibility) dropped; a requirement on them is met;
- projects not started keep their rows, their windows clipped to start at now
  or later; a candidate whose latest start has passed is dropped (a mandatory
  one may start now);
- period rows of budgets, capacity and funding sources before now are
  dropped; a whole-horizon budget keeps what is left after the spend to date
  (actuals.spent, else the plan's spend before now); a whole-horizon source
  keeps what is left after the plan's funding before now.

The re-plan is solved like any portfolio; engine.report's recommendations
give continue / stall / stop (kill) for every running project, with the
value delta of the action against its alternative (continue: against
stopping now; stall or stop: against continuing now as the original plan
did). Each decision states its sunk cost and, judged on its whole cost, the
value a fresh plan would see.
"""

from __future__ import annotations

import math
from typing import Literal

import pandas as pd
from pydantic import BaseModel, Field
from spmo.engine.derive import derive
from spmo.engine.plan import Plan
from spmo.engine.portfolio import Portfolio
from spmo.engine.validate import validate_document

from .drift import Drift, drift, now_index, planned


class Decision(BaseModel):
    """What to do with a running project now."""

    project: str
    action: Literal["continue", "stall", "stop"]
    restart: str | None = None
    sunk: float = Field(description="spent before now (actuals.spent, else the plan's)")
    remaining_cost: float
    value_delta: float = Field(description=(
        "objective terms under the action minus under its alternative (continue: stopping)"))
    whole_value: float = Field(description=(
        "its financial value judged on its whole cost, sunk included (a fresh plan's view)"))
    remaining_value: float = Field(description="its financial value on what is left")
    reason: str


class Replan(BaseModel):
    """Drift, the decisions on running projects, and the re-plan of the rest."""

    now: str
    drift: list[Drift]
    finished: list[str]
    dropped: list[str] = Field(description="candidates whose latest start has passed")
    decisions: list[Decision]
    plan: Plan


def _frame(doc: dict, table: str) -> pd.DataFrame:
    return pd.DataFrame(doc.get(table, []))


def _records(frame: pd.DataFrame) -> list[dict]:
    return [{k: v for k, v in row.items() if not (isinstance(v, float) and math.isnan(v))
             and v is not None} for row in frame.to_dict("records")]


def _shift(frame: pd.DataFrame, pid: str, elapsed: int, factor: float = 1.0) -> pd.DataFrame:
    """A project's rows at offsets >= elapsed, shifted by -elapsed, amounts x factor."""
    if frame.empty:
        return frame
    mine = frame[(frame["project"] == pid) & (frame["offset"] >= elapsed)].copy()
    mine["offset"] -= elapsed
    column = "fte" if "fte" in mine.columns else "amount"
    mine[column] = mine[column] * factor
    return mine


def _running_rows(doc: dict, pid: str, elapsed: int, progress: float | None, share: float):
    """(costs, demands, benefits) of a running project from now on."""
    costs, demands, benefits = (_frame(doc, t) for t in ("costs", "demands", "benefits"))
    mine = costs[costs["project"] == pid] if len(costs) else costs
    total = float(mine["amount"].sum()) * share if len(mine) else 0.0
    rest = _shift(costs, pid, elapsed, share)
    left = float(rest["amount"].sum()) if len(rest) else 0.0
    factor = 1.0
    if progress is not None and left > 0:
        factor = total * (1 - progress) / left
    elif progress is not None and len(mine):  # past its planned finish
        last = mine.iloc[[-1]].copy()
        rest = last.assign(offset=0, amount=total * (1 - progress))
        dem = demands[demands["project"] == pid] if len(demands) else demands
        tail = dem[dem["offset"] == dem["offset"].max()].assign(offset=0) if len(dem) else dem
        return rest, tail, _shift(benefits, pid, elapsed, share)
    rest = rest.assign(amount=rest["amount"] * factor) if len(rest) else rest
    return rest, _shift(demands, pid, elapsed, share * factor), \
        _shift(benefits, pid, elapsed, share)


def _projects(doc: dict, periods: tuple[str, ...], now: int, states: dict[str, str]):
    """The projects from now on: (records, dropped ids); running ones in_flight."""
    index_of = {p: i for i, p in enumerate(periods)}
    out, dropped = [], []
    for rec in doc["projects"]:
        pid, state = rec["id"], states.get(rec["id"])
        if state == "finished":
            continue
        rec = dict(rec)
        if state == "running":
            rec["status"] = "in_flight"
            for key in ("earliest_start", "latest_start", "duration"):
                rec.pop(key, None)
            out.append(rec)
            continue
        must = rec.get("status") == "mandatory" or rec.get("force") == "in"
        if "latest_start" in rec and index_of[rec["latest_start"]] < now:
            if not must:
                dropped.append(pid)
                continue
            rec["latest_start"] = periods[now]
        if "earliest_start" in rec and index_of[rec["earliest_start"]] < now:
            rec.pop("earliest_start")
        out.append(rec)
    return out, dropped


def _sunk_lines(portfolio: Portfolio, rows: list[Drift], starts: dict) -> pd.DataFrame:
    """Cost lines before now (at the plan's share), scaled per project to
    actuals.spent where given: project, pool, category, amount."""
    costs = portfolio.table("costs")
    now = now_index(portfolio)
    parts = []
    for d in rows:
        start, share = starts.get(d.project, (now, 1.0))
        mine = costs[(costs["project"] == d.project) & (costs["offset"] < now - start)].copy()
        mine["amount"] *= share
        if d.spent is not None:
            planned_spend = float(mine["amount"].sum())
            if planned_spend > 0:
                mine["amount"] *= d.spent / planned_spend
            else:
                mine = pd.DataFrame([{"project": d.project, "pool": "total",
                                      "amount": d.spent}])
        parts.append(mine)
    lines = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(
        columns=["project", "pool", "amount"])
    lines["category"] = lines["project"].map(portfolio.projects["category"])
    return lines


def _budgets(doc: dict, periods: tuple[str, ...], now: int, sunk: pd.DataFrame) -> list[dict]:
    """Period budgets from now on; whole-horizon ones less the spend to date in scope."""
    out = []
    for rec in doc.get("budgets", []):
        if "period" in rec:
            if periods.index(rec["period"]) >= now:
                out.append(rec)
            continue
        scope = sunk
        for key in ("pool", "category"):
            if key in rec:
                scope = scope[scope[key] == rec[key]]
        out.append({**rec, "limit": max(0.0, rec["limit"] - float(scope["amount"].sum()))})
    return out


def _sources(doc: dict, periods: tuple[str, ...], now: int, plan: Plan) -> list[dict]:
    """Source rows from now on; whole-horizon ones less what the plan drew before now."""
    past = set(periods[:now])
    drawn: dict[str, float] = {}
    for f in plan.funding:
        if f.period in past:
            drawn[f.source] = drawn.get(f.source, 0.0) + f.amount
    out = []
    for rec in doc.get("funding_sources", []):
        if "period" not in rec:
            out.append({**rec, "amount": max(0.0, rec["amount"] - drawn.get(rec["source"], 0.0))})
        elif rec["period"] not in past:
            out.append(rec)
    return out


def _links(doc: dict, keep: set[str], finished: set[str]) -> dict:
    """Rows naming projects: those of projects gone dropped; a requirement on
    a finished project met; a project excluded by a finished one forced out."""
    out: dict = {}
    forced_out = set()
    deps = []
    for rec in doc.get("dependencies", []):
        a, b = rec["project"], rec["other"]
        if rec["kind"] == "excludes" and (a in finished) != (b in finished):
            forced_out.add(b if a in finished else a)
        if a in keep and b in keep:
            deps.append(rec)
    out["dependencies"] = deps
    for table, columns in (("alignment", ("project",)), ("groups", ("project",)),
                           ("synergies", ("project_a", "project_b")),
                           ("eligibility", ("project",)), ("actuals", ())):
        out[table] = [r for r in doc.get(table, []) if columns and
                      all(r.get(c) is None or r[c] in keep for c in columns)]
    groups = {r["group"] for r in out["groups"]}
    out["group_limits"] = [r for r in doc.get("group_limits", []) if r["group"] in groups]
    out["forced_out"] = forced_out
    return out


def replan_portfolio(portfolio: Portfolio, plan: Plan) -> tuple[Portfolio, list[Drift],
                                                                 list[str], list[str]]:
    """(the re-plan portfolio, the drift, finished ids, dropped ids): see the module."""
    now = now_index(portfolio)
    periods = portfolio.periods
    starts = planned(portfolio, plan)
    rows = drift(portfolio, plan)
    states = {d.project: d.state for d in rows}
    doc = portfolio.to_document()
    projects, dropped = _projects(doc, periods, now, states)
    finished = {p for p, s in states.items() if s == "finished"}
    keep = {r["id"] for r in projects}
    new = {k: v for k, v in doc.items() if k not in ("settings",)}
    new["settings"] = {k: v for k, v in doc.get("settings", {}).items() if k != "now"}
    new["periods"] = [{"id": p} for p in periods[now:]]
    links = _links(doc, keep, finished)
    forced_out = links.pop("forced_out")
    for rec in projects:
        if rec["id"] in forced_out and rec.get("status") != "mandatory":
            rec["force"] = "out"
    new["projects"] = projects
    new.update(links)
    tables = {t: _frame(doc, t) for t in ("costs", "demands", "benefits")}
    for t, frame in tables.items():
        tables[t] = frame[frame["project"].isin(keep - {d.project for d in rows
                                                           if d.state == "running"})] \
            if len(frame) else frame
    for d in rows:
        if d.state != "running":
            continue
        start, share = starts.get(d.project, (now, 1.0))
        costs, demands, benefits = _running_rows(doc, d.project, now - start, d.progress,
                                                 share)
        for t, part in (("costs", costs), ("demands", demands), ("benefits", benefits)):
            tables[t] = pd.concat([tables[t], part], ignore_index=True) if len(part) \
                else tables[t]
    for t, frame in tables.items():
        new[t] = _records(frame)
    new["capacity"] = [r for r in doc.get("capacity", []) if periods.index(r["period"]) >= now]
    new["budgets"] = _budgets(doc, periods, now, _sunk_lines(portfolio, rows, starts))
    new["funding_sources"] = _sources(doc, periods, now, plan)
    return validate_document(new), rows, sorted(finished), dropped


ACTION = {"continue": "continue", "stall": "stall", "kill": "stop"}


FIRST_ORDER = ("; the value delta counts only its own objective terms (first order: not "
               "what the money and people it frees or takes would buy elsewhere; "
               "--explain exact re-solves for that)")


def _decision(old: Portfolio, new: Portfolio, rec, sunk: float, start_share,
              first_order: bool) -> Decision:
    """A recommendation on a running project, with its sunk cost in words;
    `first_order`: its value_delta is engine.report's own-terms figure (no
    counterfactual re-solve replaced it), which the reason says."""
    derived_old, derived_new = derive(old), derive(new)
    start, share = start_share
    whole = derived_old.value_at(rec.project, start) * share
    remaining = derived_new.value_at(rec.project, 0)
    left = float(derived_new.total_cost[rec.project])
    total = float(derived_old.total_cost[rec.project]) * share
    fresh = (f"; judged on its whole cost ({total:g}, sunk included) its value would be "
             f"{whole:g}" + (", so a fresh plan would drop it"
                             if whole < 0 <= remaining and rec.action != "kill" else ""))
    reason = (f"{rec.reason}: {sunk:g} already spent is sunk and left out of the decision; "
              f"what is left costs {left:g} for a value of {remaining:g}{fresh}"
              + (FIRST_ORDER if first_order else ""))
    return Decision(project=rec.project, action=ACTION[rec.action], restart=rec.restart,
                    sunk=sunk, remaining_cost=left, value_delta=rec.value_delta,
                    whole_value=whole, remaining_value=remaining, reason=reason)


def replan(portfolio: Portfolio, plan: Plan, **options) -> Replan:
    """Drift, the re-plan from now (planning.pipeline.plan with `options`) and a
    decision for every running project."""
    from spmo.planning.pipeline import plan as solve

    new, rows, finished, dropped = replan_portfolio(portfolio, plan)
    result = solve(new, **options)
    starts = planned(portfolio, plan)
    running = {d.project: d for d in rows if d.state == "running"}
    decisions = [_decision(portfolio, new, rec, _sunk(running[rec.project]),
                           starts.get(rec.project, (now_index(portfolio), 1.0)),
                           first_order=result.explanations is None)
                 for rec in result.recommendations if rec.project in running]
    return Replan(now=portfolio.settings.now, drift=rows, finished=finished, dropped=dropped,
                  decisions=decisions, plan=result)


def _sunk(d: Drift) -> float:
    """actuals.spent, else the plan's spend to date."""
    return d.spent if d.spent is not None else d.planned_spend
