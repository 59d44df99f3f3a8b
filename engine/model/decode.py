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


def assignment_of(portfolio: Portfolio, model: LinearModel, x: np.ndarray) -> Assignment:
    """The plan's decisions read off a solver assignment."""
    chosen = model.starts[x[: len(model.starts)] > 0.5]
    starts = dict(zip(chosen["project"], chosen["start"].astype(int), strict=True))
    return Assignment(starts, minimal_purchase(portfolio, model, x))


def selected_projects(model: LinearModel, x: np.ndarray) -> list[str]:
    """The selected projects of an assignment, sorted."""
    chosen = x[: len(model.starts)] > 0.5
    return sorted(set(model.starts["project"][chosen]))
