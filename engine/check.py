"""The independent checker: is a plan correct, judged from the input alone?

It knows nothing of the model or the solvers. From the portfolio tables, the
chosen starts and the bought FTE it recomputes every constraint of the
contract with the original floats, the KPIs and the objective. A row holds
when `activity <= limit + tol(limit)`, tol(v) = 1e-6 * max(1, |v|).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .check_funding import FUNDING_COLUMNS, check_funding, check_scope, value_gain
from .derive import Derived, blend_normalisers
from .portfolio import Portfolio
from .rows import Family, row_name
from .uncertainty import cvar, risk_outcomes
from .violations import TOLERANCE, Violation, tol

__all__ = ["TOLERANCE", "Assignment", "CheckReport", "Violation", "check", "tol"]

@dataclass
class Assignment:
    """What a plan decides: a start (0-based) per selected project, bought FTE,
    the share of each selected project (absent: 1) and the money each funding
    source pays (project, source, period id, amount)."""

    starts: dict[str, int]
    bought: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        columns=["skill", "period", "fte"]))
    shares: dict[str, float] = field(default_factory=dict)
    funding: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        columns=FUNDING_COLUMNS))

    def share(self, project: str) -> float:
        """The project's share (1 unless partially funded)."""
        return float(self.shares.get(project, 1.0))

    @classmethod
    def of_plan(cls, portfolio: Portfolio, plan) -> Assignment:
        """What a reported plan (engine.plan.Plan) decides: its selected starts
        and the extra FTE its utilisation rows bought."""
        index_of = {p: i for i, p in enumerate(portfolio.periods)}
        bought = pd.DataFrame([{"skill": u.skill, "period": u.period, "fte": u.extra}
                               for u in plan.utilisation if u.extra > 0],
                              columns=["skill", "period", "fte"])
        funding = pd.DataFrame([f.model_dump() for f in plan.funding], columns=FUNDING_COLUMNS)
        return cls({s.project: index_of[s.start] for s in plan.selected}, bought,
                   {s.project: s.share for s in plan.selected}, funding)


@dataclass
class CheckReport:
    """The verdict: violations (empty = correct), KPIs, objective, spend, use."""

    violations: list[Violation]
    kpis: dict
    objective: float
    spend: pd.DataFrame
    usage: pd.DataFrame
    sources: pd.DataFrame = field(default_factory=pd.DataFrame)
    """Each funding_sources row: constraint, source, period, amount, used, unused."""

    @property
    def ok(self) -> bool:
        return not self.violations


def schedule(portfolio: Portfolio, derived: Derived, a: Assignment) -> pd.DataFrame:
    """Selected projects with start, duration, finish, cost, value, score, share.
    Costs scale with the share; value and score with the share, or for a
    concave project (scope_value) its benefits and score with G(share)."""
    ids = list(a.starts)
    projects = portfolio.projects.loc[ids]
    rate = portfolio.settings.discount_rate
    start = pd.Series(a.starts, dtype="int64").reindex(ids)
    duration = derived.windows["duration"].reindex(ids)
    benefits = portfolio.table("benefits")
    costs = portfolio.table("costs")
    share = pd.Series({p: a.share(p) for p in ids}, dtype=float).reindex(ids)
    gained = pd.Series({p: value_gain(projects, p, a.share(p)) for p in ids},
                       dtype=float).reindex(ids)
    q = projects["success_probability"]
    value = projects["value"].fillna(0.0) * q * gained
    dependent = benefits["project"][benefits["project"].isin(ids)].unique()
    if len(dependent):
        disc_b = _discounted_sum(benefits, dependent, start, rate)
        disc_c = _discounted_sum(costs, dependent, start, rate)
        value[dependent] = q[dependent] * disc_b * gained[dependent] - \
            disc_c * share[dependent]
    return pd.DataFrame({"start": start, "duration": duration,
                         "finish": start + duration - 1,
                         "cost": derived.total_cost.reindex(ids) * share, "value": value,
                         "score": derived.scores.reindex(ids) * gained, "share": share,
                         "risk": projects["risk"]}, index=pd.Index(ids, dtype=object))


def _discounted_sum(table: pd.DataFrame, ids, start: pd.Series, rate: float) -> pd.Series:
    """sum_k amount_k / (1+r)^(s+k) per project in ids, s its chosen start."""
    rows = table[table["project"].isin(ids)]
    when = rows["project"].map(start) + rows["offset"]
    disc = rows["amount"] / (1.0 + rate) ** when
    return disc.groupby(rows["project"]).sum().reindex(ids).fillna(0.0)


def _selection_rules(portfolio, derived, sched, out: list[Violation]) -> None:
    """window, mandatory, force and alignment rows."""
    p = portfolio.projects
    win = derived.windows
    w = win.loc[sched.index]
    start = sched["start"]
    outside = ~w["fits"].astype(bool) | (start < w["earliest"]) | (start > w["latest"])
    for pid in sched.index[outside.to_numpy()]:
        out.append(Violation(row_name(Family.WINDOW, pid),
                             f"starts at index {start[pid]}, outside its window"))
    chosen = set(sched.index)
    for pid in p.index[(p["status"] == "mandatory").to_numpy()]:
        if pid not in chosen:
            out.append(Violation(row_name(Family.MANDATORY, pid), "mandatory project not selected"))
    for pid, force in p["force"].dropna().items():
        if (force == "in") != (pid in chosen):
            out.append(Violation(row_name(Family.FORCE, pid), f"forced {force} but "
                                 f"{'not ' if force == 'in' else ''}selected"))
    if portfolio.require_alignment:
        sel = p.loc[sched.index]
        unaligned = ~derived.aligned[sched.index].astype(bool).to_numpy() & \
            (sel["status"] != "mandatory").to_numpy() & (sel["force"] != "in").to_numpy()
        for pid in sched.index[unaligned]:
            out.append(Violation(row_name(Family.ALIGNMENT, pid),
                                 "selected but serves no objective"))


def _spend_lines(portfolio, sched) -> pd.DataFrame:
    """Every cost of the selection in its calendar period: period, pool, category."""
    costs = portfolio.table("costs")
    costs = costs[costs["project"].isin(sched.index)].copy()
    costs["period"] = costs["project"].map(sched["start"]) + costs["offset"]
    costs["category"] = costs["project"].map(portfolio.projects["category"])
    costs["amount"] = costs["amount"] * costs["project"].map(sched["share"])
    return costs


def _budgets(portfolio, lines, bought, out, rows) -> None:
    """budget rows: spend in scope (+ bought capacity when no pool/category) <= limit."""
    index_of = {p: i for i, p in enumerate(portfolio.periods)}
    for period, pool, cat, limit in portfolio.table("budgets")[
            ["period", "pool", "category", "limit"]].itertuples(index=False):
        mask = pd.Series(True, index=lines.index)
        if period is not None:
            mask &= lines["period"] == index_of[period]
        if pool is not None:
            mask &= lines["pool"] == pool
        if cat is not None:
            mask &= lines["category"] == cat
        amount = float(lines.loc[mask, "amount"].sum())
        if pool is None and cat is None and len(bought):
            b = bought if period is None else bought[bought["period"] == period]
            amount += float((b["fte"] * b["extra_cost"]).sum())
        name = row_name(Family.BUDGET, period, pool, cat)
        rows.append({"constraint": name, "period": period, "pool": pool, "category": cat,
                     "amount": amount, "limit": float(limit)})
        if amount > limit + tol(limit):
            out.append(Violation(name, f"spends {amount:g}, limit {limit:g}"))


def _capacity(portfolio, sched, bought, out) -> pd.DataFrame:
    """capacity rows: demand <= fte + bought, bought <= extra_fte, and no more
    bought than the selection needs."""
    periods = portfolio.periods
    demands = portfolio.table("demands")
    demands = demands[demands["project"].isin(sched.index)].copy()
    demands["t"] = demands["project"].map(sched["start"]) + demands["offset"]
    demands["period"] = [periods[t] for t in demands["t"]]
    demands["fte"] = demands["fte"] * demands["project"].map(sched["share"])
    need = demands.groupby(["skill", "period"])["fte"].sum().rename("demand")
    cap = portfolio.table("capacity").set_index(["skill", "period"])
    got = bought.set_index(["skill", "period"])["fte"] if len(bought) else pd.Series(
        dtype=float)
    keys = need.index.union(cap.index) if len(cap) else need.index
    usage = pd.DataFrame(index=keys)
    usage["demand"] = need.reindex(keys).fillna(0.0)
    usage["capacity"] = cap["fte"].reindex(keys) if len(cap) else np.nan
    usage["extra"] = got.reindex(keys).fillna(0.0) if len(got) else 0.0
    for (skill, period), row in usage.iterrows():
        name = row_name(Family.CAPACITY, skill, period)
        if np.isnan(row["capacity"]):
            continue
        limit = row["capacity"] + row["extra"]
        if row["demand"] > limit + tol(limit):
            out.append(Violation(name, f"needs {row['demand']:g} FTE, has {limit:g}"))
        offered = float(cap.at[(skill, period), "extra_fte"])
        if row["extra"] > offered + tol(offered) or row["extra"] < -tol(0):
            out.append(Violation(name, f"buys {row['extra']:g} FTE, {offered:g} offered"))
        surplus = row["extra"] - max(0.0, row["demand"] - row["capacity"])
        if surplus > tol(row["extra"]):
            out.append(Violation(name, f"buys {surplus:g} FTE more than the selection needs"))
    for key in got.index.difference(cap.index if len(cap) else pd.Index([])):
        out.append(Violation(row_name(Family.CAPACITY, *key), "buys FTE where none is offered"))
    return usage.reset_index().rename(columns={"level_0": "skill", "level_1": "period"})


def _logic(portfolio, sched, out) -> None:
    """requires, after, excludes and group limits."""
    chosen = set(sched.index)
    start, finish = sched["start"].to_dict(), sched["finish"].to_dict()
    for a, kind, b, lag in portfolio.table("dependencies")[
            ["project", "kind", "other", "lag"]].itertuples(index=False):
        if kind == "excludes" and a in chosen and b in chosen:
            out.append(Violation(row_name(Family.EXCLUDES, a, b), "both selected"))
        if kind in ("requires", "after") and a in chosen and b not in chosen:
            out.append(Violation(row_name(kind, a, b), f"{a} selected without {b}"))
        if kind == "after" and a in chosen and b in chosen:
            ready = finish[b] + 1 + lag
            if start[a] < ready:
                out.append(Violation(row_name(Family.AFTER, a, b), f"{a} starts at index "
                                     f"{start[a]}, before index {ready}"))
    groups = portfolio.table("groups")
    counts = groups["project"].isin(chosen).groupby(groups["group"]).sum()
    for g, lo, hi in portfolio.table("group_limits")[["group", "min", "max"]].itertuples(
            index=False):
        count = int(counts.get(g, 0))
        if not np.isnan(lo) and count < lo:
            out.append(Violation(row_name(Family.GROUP, g, "min"), f"{count} selected, min {lo:g}"))
        if not np.isnan(hi) and count > hi:
            out.append(Violation(row_name(Family.GROUP, g, "max"), f"{count} selected, max {hi:g}"))


def _shares(portfolio, sched, out) -> None:
    """balance shares and the three risk-appetite limits."""
    total = float(sched["cost"].sum())
    projects = portfolio.projects
    for dim, value, lo, hi in portfolio.table("balance")[
            ["dimension", "value", "min_share", "max_share"]].itertuples(index=False):
        member = float(sched["cost"][projects.loc[sched.index, dim] == value].sum())
        if not np.isnan(hi) and member > hi * total + tol(total):
            out.append(Violation(row_name(Family.BALANCE, dim, value, "max"),
                                 f"{member:g} of {total:g} is over {hi:g}"))
        if not np.isnan(lo) and member < lo * total - tol(total):
            out.append(Violation(row_name(Family.BALANCE, dim, value, "min"),
                                 f"{member:g} of {total:g} is under {lo:g}"))
    app = portfolio.risk_appetite
    exposure = float((sched["risk"] * sched["cost"]).sum())
    if app.max_exposure is not None and exposure > app.max_exposure + tol(app.max_exposure):
        out.append(Violation(row_name(Family.RISK, "exposure"),
                             f"{exposure:g} over {app.max_exposure:g}"))
    high = float(sched["cost"][sched["risk"] >= app.high_risk_threshold].sum())
    if app.max_high_risk_share is not None and high > app.max_high_risk_share * total + tol(total):
        out.append(Violation(row_name(Family.RISK, "high_share"),
                             f"{high:g} of {total:g} is high risk"))
    if app.max_average_risk is not None and exposure > app.max_average_risk * total + tol(total):
        out.append(Violation(row_name(Family.RISK, "average"), f"average risk {exposure / total:g} "
                             f"over {app.max_average_risk:g}"))


def check(portfolio: Portfolio, derived: Derived, a: Assignment) -> CheckReport:
    """Every violated row of the contract, the KPIs and the objective of a plan."""
    out: list[Violation] = []
    unknown = [p for p in a.starts if p not in portfolio.projects.index]
    if unknown:
        return CheckReport([Violation(row_name(Family.WINDOW, p), "unknown project")
                            for p in unknown],
                           {}, float("nan"), pd.DataFrame(), pd.DataFrame())
    sched = schedule(portfolio, derived, a)
    _selection_rules(portfolio, derived, sched, out)
    cap = portfolio.table("capacity")
    bought = a.bought.merge(cap[["skill", "period", "extra_cost"]], on=["skill", "period"],
                            how="left").fillna({"extra_cost": 0.0})
    lines = _spend_lines(portfolio, sched)
    rows: list[dict] = []
    _budgets(portfolio, lines, bought, out, rows)
    usage = _capacity(portfolio, sched, bought, out)
    _logic(portfolio, sched, out)
    _shares(portfolio, sched, out)
    check_scope(portfolio, sched["share"], out)
    sources = check_funding(portfolio, lines, a.funding, out)
    kpis, objective = _kpis(portfolio, derived, sched, bought, out)
    return CheckReport(out, kpis, objective, _spend_table(portfolio, lines, bought, rows), usage,
                       sources)


def _risk(portfolio, derived, sched, s: float, f: float, out: list) -> float | None:
    """settings.objective_risk over its samples (engine.uncertainty): cvar: the
    objective is the CVaR of the plan's outcomes; chance: a robust[chance]
    violation when fewer than ceil((1 - cvar_level) N) samples reach the target
    (the objective stays the expected one: None)."""
    settings = portfolio.settings
    if settings.objective_risk == "expected":
        return None
    outcomes = risk_outcomes(portfolio, derived, sched["start"].to_dict(), s, f,
                             float(sched["value"].sum()))
    if settings.objective_risk == "cvar":
        return cvar(outcomes, settings.cvar_level)
    need = math.ceil((1 - settings.cvar_level) * len(outcomes) - 1e-9)
    reached = int((outcomes >= settings.target - tol(settings.target)).sum())
    if reached < need:
        out.append(Violation(row_name(Family.ROBUST, "chance"), f"{reached} of "
                             f"{len(outcomes)} samples reach {settings.target:g}, {need} must"))
    return None


def _kpis(portfolio, derived, sched, bought, out) -> tuple[dict, float]:
    """The contract's KPIs and the objective value in force."""
    chosen = set(sched.index)
    syn = portfolio.table("synergies")
    both = syn["project_a"].isin(chosen) & syn["project_b"].isin(chosen)
    bought_cost = float((bought["fte"] * bought["extra_cost"]).sum()) if len(bought) else 0.0
    s = float(sched["score"].sum() + syn.loc[both, "score"].sum())
    f = float(sched["value"].sum() + syn.loc[both, "value"].sum()) - bought_cost
    unaligned = int((~derived.aligned.reindex(sched.index).astype(bool)).sum()) \
        if portfolio.objectives_given else 0
    kpis = {"strategic_score": s, "financial_value": f,
            "total_cost": float(sched["cost"].sum()) + bought_cost,
            "risk_exposure": float((sched["risk"] * sched["cost"]).sum()),
            "unaligned_selected": unaligned}
    risk = _risk(portfolio, derived, sched, s, f, out)
    if risk is not None:
        return kpis, risk
    kind = portfolio.objective_kind
    if kind == "strategic":
        return kpis, s
    if kind == "financial":
        return kpis, f
    beta = portfolio.settings.blend
    s_all, f_all = blend_normalisers(portfolio, derived)
    return kpis, (beta * s / s_all if s_all > 0 else 0.0) + \
        ((1 - beta) * f / f_all if f_all > 0 else 0.0)


def _spend_table(portfolio, lines, bought, rows) -> pd.DataFrame:
    """Budget rows first, then spend per period and pool (bought capacity last)."""
    periods = portfolio.periods
    per = lines.groupby(["period", "pool"], as_index=False)["amount"].sum()
    extra = []
    for t, pool, amount in per.itertuples(index=False):
        extra.append({"constraint": None, "period": periods[t], "pool": pool,
                      "category": None, "amount": float(amount), "limit": None})
    if len(bought):
        b = bought.assign(cost=bought["fte"] * bought["extra_cost"])
        for period, amount in b.groupby("period", sort=False)["cost"].sum().items():
            extra.append({"constraint": None, "period": period, "pool": "bought_capacity",
                          "category": None, "amount": float(amount), "limit": None})
    return pd.DataFrame(rows + extra, columns=["constraint", "period", "pool", "category",
                                               "amount", "limit"])
