"""Money: budget limits and balance shares."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..rows import Family, row_name
from .linear import summed
from .variables import Context

INF = np.inf


def add_budget_limits(ctx: Context) -> None:
    """budget[t,pool,cat]: sum_{p,s,k: s+k in t, pool, cat} cost_pk x[p,s]
    + [pool, cat blank] sum_{k, t' in t} extra_cost_kt' e[k,t'] <= limit.

    A blank period, pool or category in a budget row means "all". Every cost
    entry is matched to the budget rows whose scope contains it with one
    integer key per scope pattern (which of period, pool, category are set):
    key = ((t+1) B_pool + pool+1) B_cat + cat+1 over the set fields (0 for
    the others), so matching is a sorted search, not a scan per budget."""
    budgets = ctx.portfolio.table("budgets")
    if budgets.empty:
        return
    is_set = {f: budgets[f].notna().to_numpy() for f in ("period", "pool", "category")}
    rows, cols, vals = _cost_entries(ctx, budgets, is_set)  # its temporaries are gone
    extra = ctx.extra
    index_of = {p: i for i, p in enumerate(ctx.portfolio.periods)}
    whole = np.flatnonzero(~is_set["pool"] & ~is_set["category"]) if len(extra) else []
    for k in whole:  # bought capacity is paid from budgets without pool or category
        t = budgets["period"].iloc[k]
        e = extra if pd.isna(t) else extra[extra["period"] == index_of[t]]
        rows.append(np.full(len(e), k))
        cols.append(e["var"].to_numpy())
        vals.append(e["extra_cost"].to_numpy(dtype=float))
    names = [row_name(Family.BUDGET, *key) for key in
             zip(budgets["period"], budgets["pool"], budgets["category"], strict=True)]
    ctx.builder.add_rows(Family.BUDGET, names, -INF, budgets["limit"].to_numpy(dtype=float),
                         summed(*(_joined(parts) for parts in (rows, cols, vals))))


def _joined(parts: list[np.ndarray]) -> np.ndarray:
    """The parts end to end; the list is emptied (its arrays freed) on the way."""
    out = np.concatenate(parts)
    parts.clear()
    return out


def _cost_entries(ctx: Context, budgets: pd.DataFrame, is_set: dict) -> tuple[list, list, list]:
    """(rows, cols, vals) parts: every cost entry matched to the budget rows
    whose scope contains it, one part per scope pattern."""
    costs = ctx.portfolio.table("costs")
    at, var, start = ctx.expand(costs)
    index_of = {p: i for i, p in enumerate(ctx.portfolio.periods)}
    pool, pool_limit = _codes(costs["pool"], budgets["pool"])
    category, category_limit = _codes(
        costs["project"].map(ctx.portfolio.projects["category"]), budgets["category"])
    fields = {
        "period": (start + costs["offset"].to_numpy(dtype=np.int64)[at],
                   budgets["period"].map(index_of).to_numpy(dtype=float)),
        "pool": (pool[at], pool_limit),
        "category": (category[at], category_limit),
    }
    amount = costs["amount"].to_numpy(dtype=float)[at]
    del at, start
    pattern = sum(is_set[f].astype(int) << i for i, f in enumerate(fields))
    rows, cols, vals = [], [], []
    for shape in np.unique(pattern):
        chosen = np.flatnonzero(pattern == shape)
        spend_key, budget_key = np.zeros(len(var), np.int64), np.zeros(len(chosen), np.int64)
        for f, (spent, limit) in fields.items():
            width = int(max(spent.max(initial=0), np.max(limit, initial=0, where=limit >= 0)))
            width += 2
            if is_set[f][chosen[0]]:
                spend_key = spend_key * width + spent + 1
                budget_key = budget_key * width + limit[chosen] + 1
            else:
                spend_key, budget_key = spend_key * width, budget_key * width
        order = np.argsort(budget_key)
        sorted_key = budget_key[order].astype(np.int64)
        pos = np.minimum(np.searchsorted(sorted_key, spend_key), len(sorted_key) - 1)
        hit = sorted_key[pos] == spend_key
        del spend_key
        rows.append(chosen[order][pos[hit]])
        col, val = ctx.scaled(var[hit], amount[hit])
        cols.append(col)
        vals.append(val)
    return rows, cols, vals


def _codes(spent: pd.Series, limits: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes of a text field in the cost rows and the budget rows (one
    code book; a blank cost cell gets -1, which no budget value matches; a
    blank budget cell gets NaN, "all")."""
    book = pd.Index(pd.unique(pd.concat([limits.dropna(), spent.dropna()])))
    limit_code = np.where(limits.notna(), book.get_indexer(limits.fillna("")), np.nan)
    return book.get_indexer(spent), limit_code


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
            names.append(row_name(Family.BALANCE, dim, value, bound[:3]))
            member = (projects[dim] == value).to_numpy(dtype=float)
            r, c, v = ctx.selected_amounts(np.full(len(ids), k), ids,
                                           (member - share) * cost.to_numpy())
            rows.append(r)
            cols.append(c)
            vals.append(v)
        if names:
            lo, hi = (0.0, INF) if bound == "min_share" else (-INF, 0.0)
            ctx.builder.add_rows(Family.BALANCE, names, lo, hi, (np.concatenate(rows),
                                 np.concatenate(cols), np.concatenate(vals)))
