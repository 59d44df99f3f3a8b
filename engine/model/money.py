"""Money: budget limits and balance shares."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..names import row_name
from .variables import Context

INF = np.inf


def budget_scope_mask(spend: pd.DataFrame, period: int | None, pool, category) -> np.ndarray:
    """Rows of an expanded spend table inside a budget's scope (None = all)."""
    mask = np.ones(len(spend), dtype=bool)
    if period is not None:
        mask &= spend["period"].to_numpy() == period
    if pool is not None:
        mask &= spend["pool"].to_numpy() == pool
    if category is not None:
        mask &= spend["category"].to_numpy() == category
    return mask


def add_budget_limits(ctx: Context) -> None:
    """budget[t,pool,cat]: sum_{p,s,k: s+k in t, pool, cat} cost_pk x[p,s]
    + [pool, cat blank] sum_{k, t' in t} extra_cost_kt' e[k,t'] <= limit."""
    budgets = ctx.portfolio.table("budgets")
    if budgets.empty:
        return
    spend = ctx.spend().groupby(["var", "period", "pool", "category"], dropna=False,
                                as_index=False)["amount"].sum()
    index_of = {p: i for i, p in enumerate(ctx.portfolio.periods)}
    extra = ctx.extra
    names, rows, cols, vals = [], [], [], []
    for k, (period, pool, category) in enumerate(
            zip(budgets["period"], budgets["pool"], budgets["category"], strict=True)):
        names.append(row_name("budget", period, pool, category))
        t = None if period is None else index_of[period]
        inside = spend[budget_scope_mask(spend, t, pool, category)]
        per_var = inside.groupby("var")["amount"].sum()
        cols.append(per_var.index.to_numpy())
        vals.append(per_var.to_numpy())
        if pool is None and category is None and len(extra):
            e = extra if t is None else extra[extra["period"] == t]
            cols.append(e["var"].to_numpy())
            vals.append(e["extra_cost"].to_numpy(dtype=float))
        rows.append(np.full(sum(len(c) for c in cols) - sum(len(r) for r in rows), k))
    ctx.builder.add_rows("budget", names, -INF, budgets["limit"].to_numpy(dtype=float),
                         np.concatenate(rows), np.concatenate(cols), np.concatenate(vals))


def add_balance_shares(ctx: Context) -> None:
    """balance[dim,v,max]: sum_p (1[p_dim = v] - max_share) C_p y_p <= 0, and
    balance[dim,v,min]: sum_p (1[p_dim = v] - min_share) C_p y_p >= 0
    (shares of the selected projects' total cost; bought capacity is no part)."""
    balance = ctx.portfolio.table("balance")
    if balance.empty:
        return
    projects = ctx.portfolio.projects
    cost = ctx.derived.total_cost
    ids = projects.index.to_numpy(dtype=object)
    for bound in ("min_share", "max_share"):
        rows_b = balance[balance[bound].notna()]
        names, rows, cols, vals = [], [], [], []
        for k, (dim, value, share) in enumerate(
                zip(rows_b["dimension"], rows_b["value"], rows_b[bound], strict=True)):
            names.append(f"balance[{dim},{value},{bound[:3]}]")
            member = (projects[dim] == value).to_numpy(dtype=float)
            r, c, v = ctx.selected(np.full(len(ids), k), ids,
                                   (member - share) * cost.to_numpy())
            rows.append(r)
            cols.append(c)
            vals.append(v)
        if names:
            lo, hi = (0.0, INF) if bound == "min_share" else (-INF, 0.0)
            ctx.builder.add_rows("balance", names, lo, hi, np.concatenate(rows),
                                 np.concatenate(cols), np.concatenate(vals))
