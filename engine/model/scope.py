"""Partial funding: a selected project's share between its min_scope and 1.

scope[p]: for every start s of a project with a share variable (see
variables.py; share = unit * n[p,s]),
    min_units x[p,s] - n[p,s] <= 0   and   n[p,s] - x[p,s] / unit <= 0,
so a project not started has share 0 and a started one a share in
[min_scope, 1] (with scope_step h: a multiple of h, at least ceil(min_scope / h)
steps). Its costs, demands, value and score are carried by n (Context.scaled):
linear in the share.
"""

from __future__ import annotations

import numpy as np

from ..rows import Family, row_name
from .variables import Context

INF = np.inf


def add_scope_limits(ctx: Context) -> None:
    """scope[p] rows: min_scope x <= share <= x per start option."""
    shares = ctx.shares
    if shares.empty:
        return
    k = len(shares)
    names = [row_name(Family.SCOPE, p) for p in shares["project"]]
    x = shares["x"].to_numpy(dtype=np.int64)
    var = shares["var"].to_numpy(dtype=np.int64)
    rows = np.r_[np.arange(k), np.arange(k), np.arange(k, 2 * k), np.arange(k, 2 * k)]
    cols = np.r_[x, var, var, x]
    vals = np.r_[shares["min_units"].to_numpy(dtype=float), -np.ones(k), np.ones(k),
                 -1.0 / shares["unit"].to_numpy(dtype=float)]
    projects = np.r_[shares["project"].to_numpy(dtype=object),
                     shares["project"].to_numpy(dtype=object)]
    ctx.builder.add_rows(Family.SCOPE, names + names, -INF, 0.0, (rows, cols, vals),
                         projects=projects)
