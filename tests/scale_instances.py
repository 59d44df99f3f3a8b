"""Seeded portfolios whose amounts span many orders of magnitude.

`choice_knapsack(seed)` is the shape of issue 13: 28 projects in groups of
which at most one may be chosen (a multiple-choice knapsack), one budget row
over the whole horizon, costs of whole units spread log-uniformly from 4.6e6
to 9.0e9, a budget of 1.5e10 and values with three decimals. `money` is the
size of the largest cost: every amount is the same draw in a unit of
money / 1e10 (a power of ten for the magnitudes tested), so the selection
problem is one and the same from 1e-4 to 1e12. `fte` adds a skill whose
demands and capacity are multiples of fte / 100, with purchasable extra
capacity (a continuous variable in the budget and the objective).
"""

from __future__ import annotations

import numpy as np

COSTS = (4.6e6, 9.0e9)
BUDGET = 1.5e10


def choice_knapsack(seed: int, *, money: float = 1e10, projects: int = 28,
                    group_size: int = 2, fte: float | None = None,
                    equal: bool = False) -> dict:
    """A multiple-choice knapsack portfolio (one period, financial objective).

    Costs are whole units drawn log-uniformly in COSTS, values uniform in
    [1e5, 1e8] units with three decimals (unrelated to the costs: the optimum is
    no greedy pick), the budget BUDGET units; one unit is money / 1e10. `fte`: a
    skill with capacity 3 * fte, demands of 0.5..2 * fte (two decimals) and up
    to 1.5 * fte extra at 2% of the budget per fte. `equal`: every project the
    same (cost, value, demand), so plans tie everywhere."""
    rng = np.random.default_rng(seed)
    unit = money / 1e10
    cost = np.round(np.exp(rng.uniform(np.log(COSTS[0]), np.log(COSTS[1]), projects)))
    value = np.round(rng.uniform(1e5, 1e8, projects), 3)
    demand = np.round(rng.uniform(0.5, 2.0, projects), 2)
    if equal:
        cost, value, demand = (np.full(projects, a[0]) for a in (cost, value, demand))
    ids = [f"P{i:02d}" for i in range(projects)]
    doc = {
        "name": f"choice-knapsack-s{seed}",
        "periods": [{"id": "Y1"}],
        "settings": {"objective": "financial", "workers": 1, "time_limit_s": 20},
        "projects": [{"id": p, "value": float(v) * unit} for p, v in zip(ids, value,
                                                                          strict=True)],
        "costs": [{"project": p, "offset": 0, "amount": float(c) * unit}
                  for p, c in zip(ids, cost, strict=True)],
        "budgets": [{"limit": BUDGET * unit}],
    }
    if group_size > 1:
        doc["groups"] = [{"group": f"G{i // group_size}", "project": p}
                         for i, p in enumerate(ids)]
        doc["group_limits"] = [{"group": f"G{g}", "max": 1}
                               for g in range((projects + group_size - 1) // group_size)]
    if fte is not None:
        doc["demands"] = [{"project": p, "skill": "s", "offset": 0, "fte": float(d) * fte}
                          for p, d in zip(ids, demand, strict=True)]
        doc["capacity"] = [{"skill": "s", "period": "Y1", "fte": 3.0 * fte,
                            "extra_fte": 1.5 * fte,
                            "extra_cost": 0.02 * BUDGET * unit / fte}]
    return doc
