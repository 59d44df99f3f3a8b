"""People: skill capacity with purchasable extra FTE."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..rows import Family, row_name
from .linear import summed
from .variables import Context

INF = np.inf


def add_skill_capacity(ctx: Context) -> None:
    """capacity[k,t]: sum_{p,s,o: s+o = t} fte_pko x[p,s] - e[k,t] <= fte_kt
    (e[k,t] in [0, extra_fte_kt] only where extra is offered)."""
    capacity = ctx.portfolio.table("capacity")
    demands = ctx.portfolio.table("demands")
    if capacity.empty or demands.empty:
        return
    periods = ctx.portfolio.periods
    index_of = {p: i for i, p in enumerate(periods)}
    skills = pd.Index(pd.unique(capacity["skill"]))
    row_of = np.full((len(skills), len(periods)), -1, dtype=np.int64)  # (skill, t) -> row
    row_of[skills.get_indexer(capacity["skill"]),
           capacity["period"].map(index_of).to_numpy(dtype=np.int64)] = np.arange(len(capacity))
    extra = ctx.extra
    extra_row = row_of[skills.get_indexer(extra["skill"]), extra["period"].to_numpy()]
    names = [row_name(Family.CAPACITY, s, p)
             for s, p in zip(capacity["skill"], capacity["period"], strict=True)]
    row, col, val = summed(*_demand_entries(ctx, demands, skills, row_of))
    ctx.builder.add_rows(
        Family.CAPACITY, names, -INF, capacity["fte"].to_numpy(dtype=float),
        (np.r_[row, extra_row], np.r_[col, extra["var"].to_numpy()],
         np.r_[val, -np.ones(len(extra))]))


def _demand_entries(ctx: Context, demands: pd.DataFrame, skills: pd.Index,
                    row_of: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(capacity row, column, fte) of every demand at every start of its
    project that falls in a capacity row (its temporaries freed on return)."""
    periods = len(ctx.portfolio.periods)
    at, var, start = ctx.expand(demands)
    skill = skills.get_indexer(demands["skill"])[at]
    t = start + demands["offset"].to_numpy(dtype=np.int64)[at]
    del start
    inside = (skill >= 0) & (t < periods)
    k = np.where(inside, row_of[np.maximum(skill, 0), np.minimum(t, periods - 1)], -1)
    del skill, t, inside
    keep = k >= 0
    col, val = ctx.scaled(var[keep], demands["fte"].to_numpy(dtype=float)[at][keep])
    return k[keep], col, val
