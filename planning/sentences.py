"""One sentence per named constraint, for the conflicts of an infeasible plan."""

from __future__ import annotations

import numpy as np
import pandas as pd
from spmo.engine.model.linear import LinearModel
from spmo.engine.portfolio import Portfolio
from spmo.engine.rows import Family, RowName, parse


def _must_need(model: LinearModel, row: int, must: set[str]) -> tuple[float, list[str]]:
    """Least activity the must-select projects put into a row (their cheapest start)."""
    sel = model.a_row == row
    n = len(model.starts)
    in_row = np.bincount(model.a_col[sel], weights=model.a_val[sel], minlength=model.n_vars)
    starts = pd.DataFrame({"project": model.starts["project"].to_numpy(), "v": in_row[:n]})
    least = starts[starts["project"].isin(must)].groupby("project")["v"].min()
    least = least[least > 0].sort_index()  # one pass: 423 conflicts of 50,000 x 20 took 31 s
    return float(least.sum()), [str(p) for p in least.index]


def constraint_sentence(portfolio: Portfolio, model: LinearModel, name: str,
                        must: set[str]) -> str:
    """One sentence for a named constraint of a conflict (`must`: the mandatory
    or forced-in projects in the same conflict)."""
    row = parse(name)
    rows = np.flatnonzero(model.row_name == name)
    if row.family in (Family.BUDGET, Family.CAPACITY, Family.RISK) and len(rows):
        i = rows[0]
        limit = model.row_hi[i]
        need, who = _must_need(model, i, must)
        what = {Family.BUDGET: "spend", Family.CAPACITY: "FTE"}.get(row.family, "")
        bought = float(model.ub[model.a_col[(model.a_row == i) & (model.a_val < 0)
                                            & ~model.integer[model.a_col]]].sum())
        extra = f" plus up to {bought:g} bought" if bought > 0 else ""
        if who and row.family != Family.RISK:
            return (f"{' and '.join(who)} must be selected and need at least {need:g} {what} "
                    f"in {name}; the limit is {limit:g}{extra}")
        return f"{name} allows at most {limit:g}{' ' + what if what else ''}"
    return _logic_sentence(portfolio, model, row, rows)


def _logic_sentence(portfolio: Portfolio, model: LinearModel, row: RowName,
                    rows: np.ndarray) -> str:
    """Sentences of the selection-logic families."""
    first, last = row.keys[0], row.keys[-1]
    words = {
        Family.MANDATORY: lambda: f"{row.key} is mandatory",
        Family.FORCE: lambda: f"{row.key} is forced {portfolio.projects.at[row.key, 'force']}",
        Family.REQUIRES: lambda: f"{first} requires {last}",
        Family.AFTER: lambda: _after_sentence(portfolio, first, last),
        Family.EXCLUDES: lambda: f"{first} and {last} exclude each other",
        Family.ALIGNMENT: lambda: f"{row.key} serves no objective, so it may not be selected",
        Family.SCOPE: lambda: f"{first} is funded at a share between its min_scope and 1",
        Family.FUNDING: lambda: f"the sources {first} may draw on must pay all of its spend "
                                f"in {last}",
        Family.ELIGIBILITY: lambda: f"{last} pays at most its max_share of {first}'s spend",
        Family.SOURCE: lambda: f"source {first} has "
                               f"{model.row_hi[rows[0]] if len(rows) else 0:g}"
                               + (f" in {row.keys[1]}" if len(row.keys) > 1 else " in all"),
    }
    if row.family in words:
        return words[row.family]()
    if row.family == Family.GROUP and len(rows):
        bound = model.row_lo[rows[0]] if last == "min" else model.row_hi[rows[0]]
        word = "at least" if last == "min" else "at most"
        return f"group {first} allows {word} {bound:g} selected project(s)"
    if row.family == Family.BALANCE and len(row.keys) == 3:
        return f"the {first} {row.keys[1]} must hold its {last} share of total cost"
    return f"{row} must hold"


def _after_sentence(portfolio: Portfolio, a: str, b: str) -> str:
    """`a` after `b`: a's start index >= b's last index + 1 + lag."""
    deps = portfolio.table("dependencies")
    lags = deps.loc[(deps["project"] == a) & (deps["kind"] == "after") & (deps["other"] == b),
                    "lag"]
    lag = int(lags.iloc[0]) if len(lags) else 0
    if lag == 0:
        return f"{a} may start only after {b} finishes"
    if lag > 0:
        return f"{a} may start only {lag} period(s) after {b} finishes"
    return f"{a} may start at most {-lag} period(s) before {b} finishes"
