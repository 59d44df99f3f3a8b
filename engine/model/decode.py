"""The model's answer read back as the plan's decisions.

A solver assignment x gives the starts (x[p,s] = 1) and the bought FTE. The
bought FTE reported is the least the selection needs,
e[k,t] = min(extra_fte[k,t], max(0, demand[k,t] - fte[k,t])): a solver may buy
more where buying is free under the objective, a plan never does.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..check import Assignment
from ..portfolio import Portfolio
from .linear import LinearModel


def minimal_purchase(portfolio: Portfolio, model: LinearModel, x: np.ndarray) -> pd.DataFrame:
    """Bought FTE = max(0, demand - fte) per (skill, period), at most extra_fte:
    a plan buys no more than its selection needs."""
    extra = model.extra
    if extra.empty:
        return pd.DataFrame(columns=["skill", "period", "fte"])
    chosen = model.starts[x[: len(model.starts)] > 0.5]
    demands = portfolio.table("demands").merge(chosen[["project", "start"]], on="project")
    demands["fte"] = demands["fte"] * demands["project"].map(shares_of(model, x)).fillna(1.0)
    demands["t"] = demands["start"] + demands["offset"]
    need = demands.groupby(["skill", "t"])["fte"].sum()
    cap = portfolio.table("capacity")
    index_of = {p: i for i, p in enumerate(portfolio.periods)}
    fte = cap.set_index([cap["skill"], cap["period"].map(index_of)])["fte"]
    rows = []
    for skill, t, offered in zip(extra["skill"], extra["period"], extra["extra_fte"],
                                 strict=True):
        short = float(need.get((skill, t), 0.0)) - float(fte[(skill, t)])
        if short > 1e-12:
            rows.append({"skill": skill, "period": portfolio.periods[t],
                         "fte": min(short, float(offered))})
    return pd.DataFrame(rows, columns=["skill", "period", "fte"])


def shares_of(model: LinearModel, x: np.ndarray) -> dict[str, float]:
    """The share of each selected partially fundable project: unit * n at its
    chosen start (n rounded to a whole step where the share is stepped)."""
    shares = model.shares
    if shares is None or shares.empty:
        return {}
    on = x[shares["x"].to_numpy(dtype=np.int64)] > 0.5
    var = shares["var"].to_numpy(dtype=np.int64)
    units = np.where(model.integer[var], np.round(x[var]), x[var])
    share = np.clip(units * shares["unit"].to_numpy(dtype=float), 0.0, 1.0)
    return {p: float(s) for p, s in zip(shares["project"][on], share[on], strict=True)}


def funding_of(portfolio: Portfolio, model: LinearModel, x: np.ndarray) -> pd.DataFrame:
    """project, source, period, amount: what each source pays (amounts above 1e-9)."""
    funding = model.funding
    columns = ["project", "source", "period", "amount"]
    if funding is None or funding.empty:
        return pd.DataFrame(columns=columns)
    amount = x[funding["var"].to_numpy(dtype=np.int64)]
    keep = amount > 1e-9  # amounts are rounded to 9 decimals: the solver's float noise
    return pd.DataFrame({"project": funding["project"][keep].to_numpy(dtype=object),
                         "source": funding["source"][keep].to_numpy(dtype=object),
                         "period": [portfolio.periods[t] for t in funding["period"][keep]],
                         "amount": np.round(amount[keep], 9)}, columns=columns)


def assignment_of(portfolio: Portfolio, model: LinearModel, x: np.ndarray) -> Assignment:
    """The plan's decisions read off a solver assignment: starts, the least
    purchase, the shares and the funding split."""
    chosen = model.starts[x[: len(model.starts)] > 0.5]
    starts = dict(zip(chosen["project"], chosen["start"].astype(int), strict=True))
    return Assignment(starts, minimal_purchase(portfolio, model, x), shares_of(model, x),
                      funding_of(portfolio, model, x))


def selected_projects(model: LinearModel, x: np.ndarray) -> list[str]:
    """The selected projects of an assignment, sorted."""
    chosen = x[: len(model.starts)] > 0.5
    return sorted(set(model.starts["project"][chosen]))
