"""A plan the caller already has, as the model's assignment: the solve's first plan.

`PlanOptions.first` gives a plan by its starts (project id -> period id), as
a reported Plan lists them, e.g. the plan of a lower budget level on the
frontier, which keeps every row of a higher level because only budget limits
grew. `first_x` turns it into the model's x: x[p,s] = 1 for each start, the
least bought FTE the selection needs (engine.model.decode.minimal_purchase),
z = y_a AND y_b for every synergy pair. It is used only when every row holds
(within FIRST_TOL, tighter than the checker's tolerance), so the solve's
answer of last resort (solvers.strategy.last_resort) is always a valid plan.

`PlanOptions.warm` gives a plan that may break rows of this portfolio, e.g.
the base plan before a scenario's change: `repaired_x` keeps its starts
where they still fit, in the greedy's repair (solvers.large.greedy,
`prefer`: must-select projects first, then the plan's starts, then the
others by density) and returns a plan that keeps every row, or None.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from spmo.engine.model.decode import minimal_purchase
from spmo.solvers.large.greedy import greedy_plan

from .instance import Instance

FIRST_TOL = 1e-9
"""Relative slack a row of the given plan may show (the greedy's tolerance)."""


def first_x(instance: Instance, starts: Mapping[str, str]
            ) -> tuple[np.ndarray | None, list[str]]:
    """(x, []) for a plan that keeps every row of the instance's model, else
    (None, [a warning saying why it is not used])."""
    model, portfolio = instance.model, instance.portfolio
    index_of = {str(p): i for i, p in enumerate(portfolio.periods)}
    wanted = {str(p): index_of.get(str(s)) for p, s in starts.items()}
    table = model.starts
    chosen = np.fromiter((wanted.get(str(p), -1) == s for p, s in
                          zip(table["project"], table["start"], strict=True)),
                         dtype=bool, count=len(table))
    if int(chosen.sum()) != len(wanted):
        return None, ["the given first plan is not used: one of its starts is not a start "
                      "option of this portfolio"]
    x = np.zeros(model.n_vars)
    x[table["var"].to_numpy(dtype=np.int64)[chosen]] = 1.0
    _buy(instance, x)
    pairs = model.pairs
    if len(pairs):
        both = pairs["project_a"].astype(str).isin(wanted) & \
            pairs["project_b"].astype(str).isin(wanted)
        x[pairs["var"].to_numpy(dtype=np.int64)] = both.to_numpy(dtype=float)
    activity = model.activity(x)
    slack = FIRST_TOL * np.maximum(1.0, np.abs(np.nan_to_num(activity)))
    broken = (activity > model.row_hi + slack) | (activity < model.row_lo - slack)
    if broken.any():
        return None, ["the given first plan is not used: it breaks "
                      f"{model.row_name[np.argmax(broken)]}"]
    return x, []


def repaired_x(instance: Instance, starts: Mapping[str, str]) -> np.ndarray | None:
    """The greedy's repair of a plan given by its starts (module docstring):
    starts that are no start option here are left out; None when the greedy
    finds no plan that keeps every row."""
    model = instance.model
    index_of = {str(p): i for i, p in enumerate(instance.portfolio.periods)}
    wanted = {str(p): index_of.get(str(s)) for p, s in starts.items()}
    table = model.starts
    prefer = np.zeros(model.n_vars)
    prefer[:len(table)] = [wanted.get(str(p), -1) == s for p, s in
                           zip(table["project"], table["start"], strict=True)]
    return greedy_plan(model, prefer=prefer)


def _buy(instance: Instance, x: np.ndarray) -> None:
    """The bought-FTE variables of x: the least the selection needs."""
    extra = instance.model.extra
    if extra.empty:
        return
    bought = minimal_purchase(instance.portfolio, instance.model, x)
    index_of = {p: i for i, p in enumerate(instance.portfolio.periods)}
    amount = {(skill, index_of[period]): fte for skill, period, fte in
              zip(bought["skill"], bought["period"], bought["fte"], strict=True)}
    for skill, t, var in zip(extra["skill"], extra["period"], extra["var"], strict=True):
        x[int(var)] = amount.get((skill, int(t)), 0.0)
