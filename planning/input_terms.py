"""A relaxation in the input's own terms: the table, row key and column of a
stretched limit row and the value to type there. Budgets, capacities, group
limits and risk exposure are already in input units (limit + s, or limit - s;
group counts rounded outwards to whole projects); shares and averages (balance
min/max_share, max_high_risk_share, max_average_risk) are read off the relaxed
plan x itself and rounded outwards, so that typing them admits that plan."""

from __future__ import annotations

import math

import numpy as np
from spmo.engine.plan import Relaxation
from spmo.engine.portfolio import Portfolio
from spmo.engine.rows import Family, parse

from .instance import Instance

SHARE_COLUMN = {("risk", "high_share"): ("risk_appetite", "max_high_risk_share"),
                ("risk", "average"): ("risk_appetite", "max_average_risk"),
                ("balance", "max"): ("balance", "max_share"),
                ("balance", "min"): ("balance", "min_share")}
LIMIT_COLUMN = {"budget": ("budgets", "limit"), "capacity": ("capacity", "fte"),
                "risk": ("risk_appetite", "max_exposure"),
                "source": ("funding_sources", "amount")}


def _key(row, table: str) -> dict[str, str | None] | None:
    """The input row a limit row names, by the table's key columns."""
    keys = [None if k == "*" else k for k in row.keys]
    if table == "budgets":
        keys += [None] * (3 - len(keys))
        return dict(zip(("period", "pool", "category"), keys, strict=True))
    if table == "capacity":
        return {"skill": keys[0], "period": keys[1]}
    if table == "balance":
        return {"dimension": keys[0], "value": keys[1]}
    if table == "group_limits":
        return {"group": keys[0]}
    if table == "funding_sources":
        return {"source": keys[0], "period": keys[1] if len(keys) > 1 else None}
    return None


def new_limit(instance: Instance, name: str, i: int, upper: bool, slack: float,
               x: np.ndarray) -> Relaxation:
    """The value to type in the input's own column so the relaxed plan fits."""
    model, row = instance.model, parse(name)
    share = SHARE_COLUMN.get((str(row.family), row.keys[-1]))
    if share is not None:
        table, column = share
        limit = input_share(instance.portfolio, row)
        needed = _outward(_plan_share(instance, row, x), up=upper)
    elif row.family == Family.GROUP:
        table, column = "group_limits", row.keys[-1]
        limit = model.row_hi[i] if upper else model.row_lo[i]
        needed = math.ceil(limit + slack - 1e-9) if upper else math.floor(limit - slack + 1e-9)
    else:
        table, column = LIMIT_COLUMN.get(str(row.family), (str(row.family), "limit"))
        limit = model.row_hi[i] if upper else model.row_lo[i]
        needed = _outward(limit + slack if upper else limit - slack, up=upper)
    verb = "raise" if upper else "lower"
    return Relaxation(constraint=name, limit=float(limit), needed=float(needed),
                      table=table, column=column, key=_key(row, table),
                      sentence=f"{verb} {column} of {name} ({table}) from {limit:.10g} to "
                               f"{needed:.10g}")


def input_share(portfolio: Portfolio, row) -> float:
    """The share or average the input states for a share row."""
    appetite = portfolio.risk_appetite
    if row.family == Family.RISK:
        value = appetite.max_high_risk_share if row.keys[-1] == "high_share" \
            else appetite.max_average_risk
        return float(value)
    balance = portfolio.table("balance")
    match = balance[(balance["dimension"].astype(str) == row.keys[0])
                    & (balance["value"].astype(str) == row.keys[1])]
    return float(match[f"{row.keys[-1]}_share"].iloc[0])


def _plan_share(instance: Instance, row, x: np.ndarray) -> float:
    """The relaxed plan's own share (of cost) or average risk for a share row."""
    model, portfolio = instance.model, instance.portfolio
    chosen = set(model.starts["project"][x[: len(model.starts)] > 0.5])
    projects = portfolio.projects
    cost = instance.derived.total_cost.reindex(projects.index).fillna(0.0)
    picked = projects.index.isin(list(chosen))
    total = float(cost[picked].sum())
    if total <= 0:
        return 0.0
    if row.family == Family.RISK and row.keys[-1] == "average":
        part = float((projects["risk"] * cost)[picked].sum())
    elif row.family == Family.RISK:
        high = projects["risk"] >= portfolio.risk_appetite.high_risk_threshold
        part = float(cost[picked & high.to_numpy()].sum())
    else:
        member = (projects[row.keys[0]].astype(str) == row.keys[1]).to_numpy()
        part = float(cost[picked & member].sum())
    return part / total


def _outward(value: float, up: bool, digits: int = 6) -> float:
    """`value` rounded to `digits` significant digits away from the violated
    side (and clear of float noise: 6, not 6.000000000000001)."""
    if value == 0 or not math.isfinite(value):
        return value
    exponent = math.floor(math.log10(abs(value))) - digits + 1
    step = 10.0 ** exponent
    steps = math.ceil(value / step - 1e-9) if up else math.floor(value / step + 1e-9)
    return round(steps * step, max(0, -exponent))
