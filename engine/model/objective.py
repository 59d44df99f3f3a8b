"""The objective: strategic, financial or a normalised blend (maximised).

A partially fundable project's terms multiply its share instead of x[p,s]
(Context.scaled); the sums below then read share_p S_p and share_p F_p(s).

- strategic: S = sum_p S_p y_p + sum_(a,b) score_ab z_ab;
- financial: F = sum_(p,s) F_p(s) x[p,s] + sum_(a,b) value_ab z_ab
  - sum_(k,t) extra_cost_kt e[k,t];
- blend: beta S / S_all + (1 - beta) F / F_all, S_all and F_all the sums of
  the positive scores and best-start values of every project row (a term
  whose normaliser is 0 is left out).
"""

from __future__ import annotations

import numpy as np

from ..derive import objective_term_weights
from .variables import Context


def set_objective(ctx: Context) -> None:
    """Objective coefficients of x, z and e (none under settings.objective_risk
    cvar, whose objective is the CVaR's: engine.model.robust)."""
    if ctx.portfolio.settings.objective_risk == "cvar":
        return
    ws, wf = objective_term_weights(ctx.portfolio, ctx.derived)
    starts, pairs, extra = ctx.starts, ctx.pairs, ctx.extra
    own = ws * starts["score"].to_numpy() + wf * starts["value"].to_numpy()
    ctx.builder.set_objective(*ctx.scaled(starts["var"].to_numpy(), own))
    ctx.builder.set_objective(pairs["var"].to_numpy(),
                              ws * pairs["score"].to_numpy(dtype=float)
                              + wf * pairs["value"].to_numpy(dtype=float))
    ctx.builder.set_objective(extra["var"].to_numpy(),
                              -wf * extra["extra_cost"].to_numpy(dtype=float) * np.ones(len(extra)))
