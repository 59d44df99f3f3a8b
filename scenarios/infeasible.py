"""Why no plan exists, and the smallest change that restores one.

`explain_infeasible` names a small (irreducible when small) set of clashing
constraints (CP-SAT assumptions, see solvers/cpsat_conflicts.py), each with a
sentence, and an elastic re-solve: every constraint a person could change
may stretch by s_i >= 0 at cost s_i / max(1, |limit_i|) (a relative raise;
releasing a mandatory or forced project or dropping a dependency costs 1),
minimising the total. The stretched rows are the `relaxation`: the
conflict set is one reason, the relaxation fixes every reason at once.
"""

from __future__ import annotations

import dataclasses

import numpy as np
from spmo.engine.derive import Derived
from spmo.engine.model.linear import LinearModel
from spmo.engine.plan import Conflict, Relaxation
from spmo.engine.portfolio import Portfolio
from spmo.solvers.base import SolveOptions, Status
from spmo.solvers.cpsat_conflicts import STRUCTURAL, find_conflict
from spmo.solvers.highs import HighsBackend

LOGIC = {"mandatory", "force", "requires", "after", "excludes", "alignment"}


def _must_need(model: LinearModel, row: int, must: set[str]) -> tuple[float, list[str]]:
    """Least activity the must-select projects put into a row (their cheapest start)."""
    sel = model.a_row == row
    cols, vals = model.a_col[sel], model.a_val[sel]
    starts = model.starts
    need, who = 0.0, []
    for p in sorted(must):
        own = starts.index[starts["project"] == p].to_numpy()
        in_row = dict(zip(cols, vals, strict=True))
        least = min((in_row.get(j, 0.0) for j in own), default=0.0)
        if least > 0:
            need += least
            who.append(p)
    return need, who


def sentence(portfolio: Portfolio, model: LinearModel, name: str, must: set[str]) -> str:
    """One sentence for a named constraint of a conflict."""
    family, key = name.split("[", 1)
    key = key.rstrip("]")
    rows = np.flatnonzero(model.row_name == name)
    if family in ("budget", "capacity", "risk") and len(rows):
        limit = model.row_hi[rows[0]]
        need, who = _must_need(model, rows[0], must)
        what = "spend" if family == "budget" else ("FTE" if family == "capacity" else "")
        bought = float(model.ub[model.a_col[(model.a_row == rows[0]) & (model.a_val < 0)
                                            & ~model.integer[model.a_col]]].sum())
        extra = f" plus up to {bought:g} bought" if bought > 0 else ""
        if who and family != "risk":
            return (f"{' and '.join(who)} must be selected and need at least {need:g} {what} "
                    f"in {name}; the limit is {limit:g}{extra}")
        return f"{name} allows at most {limit:g}{' ' + what if what else ''}"
    return _logic_sentence(portfolio, model, family, key, rows)


def _logic_sentence(portfolio: Portfolio, model: LinearModel, family: str, key: str,
                    rows: np.ndarray) -> str:
    """Sentences of the selection-logic families."""
    parts = key.split(",")
    if family == "mandatory":
        return f"{key} is mandatory"
    if family == "force":
        return f"{key} is forced {portfolio.projects.at[key, 'force']}"
    if family == "requires":
        return f"{parts[0]} requires {parts[-1]}"
    if family == "after":
        return _after_sentence(portfolio, parts[0], parts[-1])
    if family == "excludes":
        return f"{parts[0]} and {parts[-1]} exclude each other"
    if family == "alignment":
        return f"{key} serves no objective, so it may not be selected"
    if family == "group" and len(rows):
        bound = model.row_lo[rows[0]] if parts[-1] == "min" else model.row_hi[rows[0]]
        word = "at least" if parts[-1] == "min" else "at most"
        return f"group {parts[0]} allows {word} {bound:g} selected project(s)"
    if family == "balance" and len(parts) == 3:
        return f"the {parts[0]} {parts[1]} must hold its {parts[2]} share of total cost"
    return f"{family}[{key}] must hold"


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


def _elastic(model: LinearModel, names: list[str]) -> LinearModel:
    """The model with a slack column on every row of the named constraints,
    objective: minimise the relative stretch."""
    rows = np.flatnonzero(np.isin(model.row_name, names))
    cols, sign, cost = [], [], []
    for i in rows:
        scale = 1.0 if model.row_family[i] in LOGIC else 1.0 / max(1.0, abs(
            model.row_hi[i] if np.isfinite(model.row_hi[i]) else model.row_lo[i]))
        if np.isfinite(model.row_hi[i]):
            cols.append(i), sign.append(-1.0), cost.append(scale)
        if np.isfinite(model.row_lo[i]):
            cols.append(i), sign.append(1.0), cost.append(scale)
    k = len(cols)
    n = model.n_vars
    return dataclasses.replace(
        model, lb=np.r_[model.lb, np.zeros(k)], ub=np.r_[model.ub, np.full(k, 1e9)],
        integer=np.r_[model.integer, np.zeros(k, dtype=bool)],
        c=np.r_[np.zeros(n), -np.asarray(cost)],
        a_row=np.r_[model.a_row, np.asarray(cols, dtype=np.int64)],
        a_col=np.r_[model.a_col, np.arange(n, n + k)],
        a_val=np.r_[model.a_val, np.asarray(sign)])


def relaxation(model: LinearModel, names: list[str], seconds: float) -> list[Relaxation]:
    """The least stretch of the named constraints that restores a plan."""
    elastic = _elastic(model, names)
    result = HighsBackend().solve(elastic, SolveOptions(time_limit_s=seconds))
    if result.x is None or result.status == Status.INFEASIBLE:
        return []
    slack = result.x[model.n_vars:]
    rows = [i for i in np.flatnonzero(np.isin(model.row_name, names))
            for _ in range(int(np.isfinite(model.row_hi[i])) + int(np.isfinite(model.row_lo[i])))]
    out: dict[str, Relaxation] = {}
    for i, s in zip(rows, slack, strict=True):
        if s <= 1e-7:
            continue
        name = model.row_name[i]
        family = model.row_family[i]
        if family in LOGIC:
            out[name] = Relaxation(constraint=name, sentence=f"release {name}")
            continue
        upper = np.isfinite(model.row_hi[i])
        limit = model.row_hi[i] if upper else model.row_lo[i]
        needed = limit + s if upper else limit - s
        prev = out.get(name)
        if prev is None or abs(needed - limit) > abs((prev.needed or 0) - limit):
            verb = "raise" if upper else "lower"
            out[name] = Relaxation(constraint=name, limit=float(limit), needed=float(needed),
                                   sentence=f"{verb} {name} from {limit:g} to {needed:g}")
    return list(out.values())


def explain_infeasible(portfolio: Portfolio, derived: Derived, model: LinearModel,
                       seconds: float = 20.0) -> tuple[list[Conflict], list[Relaxation]]:
    """Conflicting constraints with sentences, and the relaxation that restores a plan."""
    names = find_conflict(model, seconds)
    if not names:
        return [], []
    p = portfolio.projects
    must = set(p.index[((p["status"] == "mandatory") | (p["force"] == "in")).to_numpy()])
    must = {p for p in must if f"mandatory[{p}]" in names or f"force[{p}]" in names}
    conflicts = [Conflict(constraint=n, sentence=sentence(portfolio, model, n, must))
                 for n in names]
    soft = [n for n in dict.fromkeys(model.row_name) if n.split("[", 1)[0] not in STRUCTURAL]
    return conflicts, relaxation(model, soft, seconds)
