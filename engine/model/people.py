"""People: skill capacity with purchasable extra FTE."""

from __future__ import annotations

import numpy as np

from .variables import Context

INF = np.inf


def add_skill_capacity(ctx: Context) -> None:
    """capacity[k,t]: sum_{p,s,o: s+o = t} fte_pko x[p,s] - e[k,t] <= fte_kt
    (e[k,t] in [0, extra_fte_kt] only where extra is offered)."""
    capacity = ctx.portfolio.table("capacity")
    demands = ctx.portfolio.table("demands")
    if capacity.empty or demands.empty:
        return
    index_of = {p: i for i, p in enumerate(ctx.portfolio.periods)}
    cap = capacity[["skill", "period", "fte"]].copy()
    cap["t"] = cap["period"].map(index_of).astype("int64")
    cap["k"] = np.arange(len(cap))
    use = ctx.starts[["project", "start", "var"]].merge(
        demands[["project", "skill", "offset", "fte"]], on="project")
    use["t"] = use["start"] + use["offset"]
    use = use.groupby(["skill", "t", "var"], as_index=False)["fte"].sum()
    entries = use.merge(cap[["skill", "t", "k"]], on=["skill", "t"])
    extra = ctx.extra.merge(cap[["skill", "t", "k"]], left_on=["skill", "period"],
                            right_on=["skill", "t"])
    names = [f"capacity[{s},{p}]" for s, p in zip(cap["skill"], cap["period"], strict=True)]
    ctx.builder.add_rows(
        "capacity", names, -INF, cap["fte"].to_numpy(dtype=float),
        np.r_[entries["k"].to_numpy(), extra["k"].to_numpy()],
        np.r_[entries["var"].to_numpy(), extra["var"].to_numpy()],
        np.r_[entries["fte"].to_numpy(dtype=float), -np.ones(len(extra))])
