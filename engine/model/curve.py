"""Concave value of partially funded projects (projects.scope_value = concave).

For a start option (p, s) of such a project, with C = w_S S_p + w_F B_p(s) >= 0
its benefit side in the objective (B_p(s) = q_p value_p, or q_p sum_k b_pk /
(1+r)^(s+k) with benefits), a hypograph variable w[p,s] in [0, C] with the
objective coefficient 1, below every chord i of the curve G
(engine/scope_curve.py; breakpoints b_i, G(b_i) = sqrt(b_i), slope m_i):

    scope[p]:  w - C (G(b_i) x[p,s] + m_i (share[p,s] - b_i x[p,s])) <= 0,

and the share's own objective coefficient keeps only its cost side
(-w_F sum_k c_pk / (1+r)^(s+k) per unit of share): objective.py adds w_S S_p +
w_F F_p(s) to it, this module takes C back off. Not started (x = share = 0),
every chord gives w <= 0; started, the least chord at the share is G(share).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..derive import objective_term_weights
from ..rows import Family, row_name
from ..scope_curve import breakpoints
from .variables import Context

INF = np.inf


def _benefit_side(ctx: Context, rows: pd.DataFrame) -> np.ndarray:
    """B_p(s) per share row: q value, or q times the discounted benefits at s."""
    projects = ctx.portfolio.projects
    rate = ctx.portfolio.settings.discount_rate
    benefits = ctx.portfolio.table("benefits")
    out = []
    for pid, start in zip(rows["project"], rows["start"], strict=True):
        q = float(projects.at[pid, "success_probability"])
        mine = benefits[benefits["project"] == pid]
        if mine.empty:
            value = projects.at[pid, "value"]
            out.append(q * (0.0 if pd.isna(value) else float(value)))
            continue
        when = start + mine["offset"].to_numpy(dtype=float)
        out.append(q * float((mine["amount"].to_numpy() * (1.0 + rate) ** -when).sum()))
    return np.asarray(out, dtype=float)


def add_value_curves(ctx: Context) -> None:
    """scope[p] chord rows and the hypograph variables of concave projects."""
    shares = ctx.shares
    ctx.shares = shares.assign(curve=-1)
    if shares.empty:
        return
    projects = ctx.portfolio.projects
    concave = shares["project"].map(projects["scope_value"]).eq("concave").to_numpy()
    rows = shares[concave]
    if rows.empty:
        return
    ws, wf = objective_term_weights(ctx.portfolio, ctx.derived)
    top = ws * rows["project"].map(ctx.derived.scores).to_numpy(dtype=float) + \
        wf * _benefit_side(ctx, rows)
    w = ctx.builder.add_vars(np.zeros(len(rows)), np.maximum(top, 0.0), integer=False,
                             c=np.ones(len(rows)))
    ctx.builder.set_objective(rows["var"].to_numpy(), -top * rows["unit"].to_numpy())
    ctx.shares.loc[rows.index, "curve"] = w
    names, pids, r, c, v = [], [], [], [], []
    for k, (pid, x, n, unit, C) in enumerate(zip(rows["project"], rows["x"], rows["var"],
                                                  rows["unit"], top, strict=True)):
        points = breakpoints(projects.at[pid, "min_scope"], projects.at[pid, "scope_step"])
        g = np.sqrt(points)
        slopes = np.diff(g) / np.diff(points) if len(points) > 1 else np.zeros(1)
        anchors = points[:-1] if len(points) > 1 else points
        for b, gb, m in zip(anchors, g[: len(anchors)], slopes, strict=True):
            i = len(names)
            names.append(row_name(Family.SCOPE, pid))
            pids.append(pid)
            r += [i, i, i]
            c += [int(w[k]), int(x), int(n)]
            v += [1.0, -C * (gb - m * b), -C * m * unit]
    ctx.builder.add_rows(Family.SCOPE, names, -INF, 0.0,
                         (np.array(r), np.array(c), np.array(v)), projects=pids)
