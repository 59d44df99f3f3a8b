"""Funding sources with eligibility.

A project is *source-funded* when an eligibility row names it or its
category (a project row wins over its category's row for the same source).
For each such project p, eligible source s and period t where s has money
(a row for t, or a whole-horizon row) and p may spend, the model decides
f[p,s,t] >= 0, the money s pays of p's spend in t, where
spend[p,t] = sum_{start s', offset k: s'+k = t} cost_pk * (x or share)[p,s'].

- funding[p,t]:        spend[p,t] - sum_s f[p,s,t] = 0 (its sources pay all of it;
                       a period where none of them has money admits no spend);
- eligibility[p,s]:    f[p,s,t] - max_share_ps * spend[p,t] <= 0 per t (max_share < 1);
- source[s,period]:    sum_{p, t in period} f[p,s,t] <= amount (a blank period:
                       the whole horizon).

Projects no source may pay are untouched (paid from the general budgets).
Budgets keep counting every project's whole spend: sources say who pays,
budgets how much the organisation spends.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..portfolio import Portfolio
from ..rows import Family, row_name
from .variables import Context

INF = np.inf


def eligible_pairs(portfolio: Portfolio) -> pd.DataFrame:
    """project, source, max_share: who may pay whom (a project row wins over its
    category's row for the same source); sorted by project, source."""
    elig = portfolio.table("eligibility")
    cols = ["project", "source", "max_share"]
    if elig.empty:
        return pd.DataFrame(columns=cols)
    projects = portfolio.projects
    by_project = elig[elig["project"].notna()][cols]
    by_cat = elig[elig["category"].notna()]
    members = pd.DataFrame({"project": projects.index.to_numpy(dtype=object),
                            "category": projects["category"].to_numpy(dtype=object)})
    from_cat = members.merge(by_cat[["category", "source", "max_share"]], on="category")[cols]
    both = pd.concat([by_project, from_cat], ignore_index=True)
    both = both.drop_duplicates(["project", "source"], keep="first")
    return both.sort_values(["project", "source"], kind="stable").reset_index(drop=True)


def source_periods(portfolio: Portfolio) -> dict[str, set[int]]:
    """The periods (0-based) in which each source has money."""
    index_of = {p: i for i, p in enumerate(portfolio.periods)}
    out: dict[str, set[int]] = {}
    for source, period in portfolio.table("funding_sources")[["source", "period"]].itertuples(
            index=False):
        have = out.setdefault(source, set())
        have |= set(range(len(index_of))) if period is None else {index_of[period]}
    return out


def _spend_entries(ctx: Context, ids: set) -> pd.DataFrame:
    """project, t, col, val: the entries of spend[p,t] of the given projects."""
    costs = ctx.portfolio.table("costs")
    costs = costs[costs["project"].isin(ids)]
    at, var, start = ctx.expand(costs)
    col, val = ctx.scaled(var, costs["amount"].to_numpy(dtype=float)[at])
    t = start + costs["offset"].to_numpy(dtype=np.int64)[at]
    frame = pd.DataFrame({"project": costs["project"].to_numpy(dtype=object)[at], "t": t,
                          "col": col, "val": val})
    frame = frame[frame["t"] < len(ctx.portfolio.periods)]
    return frame.groupby(["project", "t", "col"], as_index=False, sort=True)["val"].sum()


def add_funding(ctx: Context) -> None:
    """funding, eligibility and source rows (see the module)."""
    pairs = eligible_pairs(ctx.portfolio)
    if pairs.empty:
        return
    spend = _spend_entries(ctx, set(pairs["project"]))
    money = source_periods(ctx.portfolio)
    slots = spend[["project", "t"]].drop_duplicates().merge(pairs, on="project")
    slots = slots[[t in money.get(s, ()) for s, t in zip(slots["source"], slots["t"],
                                                          strict=True)]]
    slots = slots.sort_values(["project", "source", "t"], kind="stable").reset_index(drop=True)
    total = ctx.derived.total_cost.reindex(slots["project"]).to_numpy(dtype=float)
    slots["var"] = ctx.builder.add_vars(np.zeros(len(slots)), np.maximum(total, 0.0),
                                        integer=False)
    ctx.funding = slots[["project", "source", "t", "var"]].rename(columns={"t": "period"})
    _coverage(ctx, spend, slots)
    _shares(ctx, spend, slots)
    _limits(ctx, slots)


def _coverage(ctx: Context, spend: pd.DataFrame, slots: pd.DataFrame) -> None:
    """funding[p,t]: spend - sum_s f = 0."""
    keys = spend[["project", "t"]].drop_duplicates().reset_index(drop=True)
    row_of = pd.Series(np.arange(len(keys)), index=pd.MultiIndex.from_frame(keys))
    r_spend = row_of.reindex(pd.MultiIndex.from_frame(spend[["project", "t"]])).to_numpy()
    r_f = row_of.reindex(pd.MultiIndex.from_frame(slots[["project", "t"]])).to_numpy()
    periods = ctx.portfolio.periods
    names = [row_name(Family.FUNDING, p, periods[t]) for p, t in
             zip(keys["project"], keys["t"], strict=True)]
    ctx.builder.add_rows(Family.FUNDING, names, 0.0, 0.0,
                         (np.r_[r_spend, r_f], np.r_[spend["col"].to_numpy(), slots["var"]],
                          np.r_[spend["val"].to_numpy(), -np.ones(len(slots))]))


def _shares(ctx: Context, spend: pd.DataFrame, slots: pd.DataFrame) -> None:
    """eligibility[p,s]: f[p,s,t] - max_share spend[p,t] <= 0 where max_share < 1."""
    capped = slots[slots["max_share"] < 1.0].reset_index(drop=True)
    if capped.empty:
        return
    entries = capped.reset_index().merge(spend, on=["project", "t"])
    rows = np.r_[np.arange(len(capped)), entries["index"].to_numpy()]
    cols = np.r_[capped["var"].to_numpy(), entries["col"].to_numpy()]
    vals = np.r_[np.ones(len(capped)),
                 -entries["max_share"].to_numpy(dtype=float) * entries["val"].to_numpy()]
    names = [row_name(Family.ELIGIBILITY, p, s) for p, s in
             zip(capped["project"], capped["source"], strict=True)]
    ctx.builder.add_rows(Family.ELIGIBILITY, names, -INF, 0.0, (rows, cols, vals),
                         projects=capped["project"].to_numpy(dtype=object))


def _limits(ctx: Context, slots: pd.DataFrame) -> None:
    """source[s,period]: sum of what s pays in its period (or horizon) <= amount."""
    index_of = {p: i for i, p in enumerate(ctx.portfolio.periods)}
    sources = ctx.portfolio.table("funding_sources")
    names, rows, cols = [], [], []
    for k, (source, period) in enumerate(zip(sources["source"], sources["period"],
                                             strict=True)):
        mine = slots["source"] == source
        if period is not None:
            mine &= slots["t"] == index_of[period]
        names.append(row_name(Family.SOURCE, source, period))
        cols.append(slots["var"][mine].to_numpy(dtype=np.int64))
        rows.append(np.full(len(cols[-1]), k))
    ctx.builder.add_rows(Family.SOURCE, names, -INF, sources["amount"].to_numpy(dtype=float),
                         (np.concatenate(rows), np.concatenate(cols),
                          np.ones(sum(len(c) for c in cols))))
