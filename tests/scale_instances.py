"""Seeded portfolios whose amounts span many orders of magnitude.

`choice_knapsack(seed)` is the shape of issue 13: projects in groups of which
at most one may be chosen (a multiple-choice knapsack), one budget row over
the whole horizon, costs spread log-uniformly over `cost_range` and values
with three decimals. `money` multiplies every amount (costs, values, the
budget) by one factor, so the same selection problem is posed in units from
1e-4 to 1e12; `fte` adds a skill whose demands and capacity are tiny
fractions, with purchasable extra capacity, so continuous variables enter the
budget and the objective.
"""

from __future__ import annotations

import numpy as np


def choice_knapsack(seed: int, *, projects: int = 28, group_size: int = 2,
                    cost_range: tuple[float, float] = (4.6e6, 9.0e9), budget: float = 1.5e10,
                    money: float = 1.0, fte: float | None = None) -> dict:
    """A multiple-choice knapsack portfolio (one period, financial objective).

    Costs are whole units drawn log-uniformly in `cost_range`, values uniform in
    [1, 1000] with three decimals (unrelated to the costs: the optimum is no
    greedy pick); `money` scales every amount after drawing, so rounding happens
    in one unit system and the optimal selection is the same for every `money`.
    `fte`: a skill `s` with capacity 3 * fte, demands of 0.5..2 * fte per
    project and up to 1.5 * fte extra at a cost of 2% of the budget per fte."""
    rng = np.random.default_rng(seed)
    lo, hi = np.log(cost_range[0]), np.log(cost_range[1])
    cost = np.round(np.exp(rng.uniform(lo, hi, projects)))
    value = np.round(rng.uniform(1.0, 1000.0, projects), 3)
    ids = [f"P{i:02d}" for i in range(projects)]
    doc = {
        "name": f"choice-knapsack-s{seed}",
        "periods": [{"id": "Y1"}],
        "settings": {"objective": "financial", "workers": 1, "time_limit_s": 20},
        "projects": [{"id": p, "value": float(v * money)} for p, v in zip(ids, value,
                                                                           strict=True)],
        "costs": [{"project": p, "offset": 0, "amount": float(c * money)}
                  for p, c in zip(ids, cost, strict=True)],
        "budgets": [{"limit": float(budget * money)}],
        "groups": [{"group": f"G{i // group_size}", "project": p} for i, p in enumerate(ids)],
        "group_limits": [{"group": f"G{g}", "max": 1}
                         for g in range((projects + group_size - 1) // group_size)],
    }
    if fte is not None:
        demand = np.round(rng.uniform(0.5, 2.0, projects), 2)
        doc["demands"] = [{"project": p, "skill": "s", "offset": 0, "fte": float(d * fte)}
                          for p, d in zip(ids, demand, strict=True)]
        doc["capacity"] = [{"skill": "s", "period": "Y1", "fte": 3.0 * fte,
                            "extra_fte": 1.5 * fte,
                            "extra_cost": 0.02 * budget * money / fte}]
    return doc
