"""Risk appetite: exposure, high-risk share and average risk."""

from __future__ import annotations

import numpy as np

from ..rows import Family, row_name
from .variables import Context

INF = np.inf


def add_risk_appetite(ctx: Context) -> None:
    """risk[exposure]: sum_p r_p C_p y_p <= max_exposure;
    risk[high_share]: sum_p (1[r_p >= threshold] - share) C_p y_p <= 0;
    risk[average]: sum_p (r_p - max_average) C_p y_p <= 0."""
    appetite = ctx.portfolio.risk_appetite
    projects = ctx.portfolio.projects
    ids = projects.index.to_numpy(dtype=object)
    risk = projects["risk"].to_numpy(dtype=float)
    cost = ctx.derived.total_cost.to_numpy(dtype=float)
    rows = []
    if appetite.max_exposure is not None:
        rows.append((row_name(Family.RISK, "exposure"), risk * cost, appetite.max_exposure))
    if appetite.max_high_risk_share is not None:
        high = (risk >= appetite.high_risk_threshold).astype(float)
        rows.append((row_name(Family.RISK, "high_share"),
                     (high - appetite.max_high_risk_share) * cost, 0.0))
    if appetite.max_average_risk is not None:
        rows.append((row_name(Family.RISK, "average"),
                     (risk - appetite.max_average_risk) * cost, 0.0))
    for name, coef, limit in rows:
        r, c, v = ctx.selected_amounts(np.zeros(len(ids), dtype=np.int64), ids, coef)
        ctx.builder.add_rows(Family.RISK, [name], -INF, limit, (r, c, v))
