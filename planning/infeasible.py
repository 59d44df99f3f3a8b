"""Why no plan exists, and the smallest change of the input that restores one.

`explain_infeasible` names a small (irreducible when small) set of clashing
constraints (CP-SAT assumptions, see solvers/conflicts.py), each with a
sentence, and an elastic re-solve (engine.model.transforms.elastic): every
row a person could change may stretch by s_i >= 0 at cost s_i / max(1,
|limit_i|) (a relative raise; releasing a mandatory or forced project or
dropping a dependency costs 1), minimising the total. The stretched rows are
the `relaxation`, each said in the input's own terms: the table and column
to change and the value to type there (shares and averages read off the
relaxed plan, rounded outwards so that typing them restores a plan).
"""

from __future__ import annotations

import math

import numpy as np
from spmo.engine.model.linear import LinearModel
from spmo.engine.model.transforms import elastic, elastic_sides
from spmo.engine.plan import Conflict, Relaxation
from spmo.engine.portfolio import Portfolio
from spmo.engine.rows import LOGIC, STRUCTURAL, Family, parse
from spmo.solvers import registry
from spmo.solvers.base import SolveOptions, Status
from spmo.solvers.conflicts import find_conflict
from spmo.solvers.highs import HighsBackend

from .instance import Instance
from .options import Deadline, TimeCaps
from .sentences import constraint_sentence

SHARE_COLUMN = {("risk", "high_share"): ("risk_appetite", "max_high_risk_share"),
                ("risk", "average"): ("risk_appetite", "max_average_risk"),
                ("balance", "max"): ("balance", "max_share"),
                ("balance", "min"): ("balance", "min_share")}
LIMIT_COLUMN = {"budget": ("budgets", "limit"), "capacity": ("capacity", "fte"),
                "risk": ("risk_appetite", "max_exposure")}


def explain_infeasible(instance: Instance, deadline: Deadline, caps: TimeCaps
                       ) -> tuple[list[Conflict], list[Relaxation]]:
    """Conflicting constraints with sentences, and the relaxation that restores a plan.
    Large models (planning/large_infeasible.py): from CONFLICT_NONZEROS the
    conflict is the LP's Farkas certificate, shrunk; above LARGE_NONZEROS
    (where `auto` takes the Lagrangian heuristic), or when the elastic re-solve
    finds nothing in time, the relaxation is what the must-select projects
    alone need."""
    from . import large_infeasible as large  # it reads this module's sentences

    model, portfolio = instance.model, instance.portfolio
    seconds = deadline.cap(caps.conflict_s)
    search = large.lp_conflict if len(model.a_val) >= large.CONFLICT_NONZEROS \
        else find_conflict
    names = search(model, seconds) if seconds > 0.5 else []
    p = portfolio.projects
    must = set(p.index[((p["status"] == "mandatory") | (p["force"] == "in")).to_numpy()])
    in_conflict = {parse(n).key for n in names
                   if parse(n).family in (Family.MANDATORY, Family.FORCE)}
    conflicts = [Conflict(constraint=n, sentence=constraint_sentence(
        portfolio, model, n, must & in_conflict)) for n in names]
    soft = np.flatnonzero(~np.isin(model.row_family, list(STRUCTURAL)))
    seconds = deadline.cap(caps.relaxation_s)
    if len(model.a_val) > registry.LARGE_NONZEROS:  # the elastic MIP finds nothing in time
        return conflicts, large.must_relaxation(instance, soft) if seconds > 0.5 else []
    relax = relaxation(instance, soft, seconds) if seconds > 0.5 else []
    return conflicts, relax or large.must_relaxation(instance, soft)


def _stretch_cost(model: LinearModel, rows: np.ndarray) -> np.ndarray:
    """Per row: 1 for a selection rule, 1 / max(1, |limit|) for a limit."""
    limit = np.where(np.isfinite(model.row_hi), model.row_hi, model.row_lo)
    cost = 1.0 / np.maximum(1.0, np.abs(np.nan_to_num(limit, posinf=1.0, neginf=1.0)))
    cost[np.isin(model.row_family, list(LOGIC))] = 1.0
    out = np.zeros(model.n_rows)
    out[rows] = cost[rows]
    return out


def relaxation(instance: Instance, rows: np.ndarray, seconds: float) -> list[Relaxation]:
    """The least stretch of the given rows that restores a plan, in input terms."""
    model = instance.model
    stretched = elastic(model, rows, _stretch_cost(model, rows))
    result = HighsBackend().solve(stretched, SolveOptions(time_limit_s=seconds))
    if result.x is None or result.status == Status.INFEASIBLE:
        return []
    side_rows, signs = elastic_sides(model, np.asarray(rows, dtype=np.int64))
    x = result.x[: model.n_vars]
    out: dict[str, Relaxation] = {}
    for i, sign, s in zip(side_rows, signs, result.x[model.n_vars:], strict=True):
        if s <= 1e-7:
            continue
        name = str(model.row_name[i])
        fix = _release(instance.portfolio, name) if model.row_family[i] in LOGIC else \
            _new_limit(instance, name, i, upper=sign < 0, slack=float(s), x=x)
        prev = out.get(name)
        if prev is None or abs((fix.needed or 0) - (fix.limit or 0)) > \
                abs((prev.needed or 0) - (prev.limit or 0)):
            out[name] = fix
    return list(out.values())


def _release(portfolio: Portfolio, name: str) -> Relaxation:
    """The sentence that lifts a selection rule."""
    row = parse(name)
    what = {Family.MANDATORY: f"make {row.key} a candidate (projects.status)",
            Family.FORCE: f"clear the force of {row.key} (projects.force)",
            Family.ALIGNMENT: f"align {row.key} to an objective (alignment table)"}
    text = what.get(row.family, f"drop the dependency {row.keys[0]} {row.family} "
                                f"{row.keys[-1]} (dependencies table)")
    return Relaxation(constraint=name, sentence=f"release {name}: {text}")


def _new_limit(instance: Instance, name: str, i: int, upper: bool, slack: float,
               x: np.ndarray) -> Relaxation:
    """The value to type in the input's own column so the relaxed plan fits."""
    model, row = instance.model, parse(name)
    share = SHARE_COLUMN.get((str(row.family), row.keys[-1]))
    if share is not None:
        table, column = share
        limit = _input_share(instance.portfolio, row)
        needed = _outward(_plan_share(instance, row, x), up=upper)
    elif row.family == Family.GROUP:
        table, column = "group_limits", row.keys[-1]
        limit = model.row_hi[i] if upper else model.row_lo[i]
        needed = math.ceil(limit + slack - 1e-9) if upper else math.floor(limit - slack + 1e-9)
    else:
        table, column = LIMIT_COLUMN.get(str(row.family), (str(row.family), "limit"))
        limit = model.row_hi[i] if upper else model.row_lo[i]
        needed = _outward(limit + slack if upper else limit - slack, up=upper)
    verb = "raise" if upper else "lower"
    return Relaxation(constraint=name, limit=float(limit), needed=float(needed),
                      table=table, column=column,
                      sentence=f"{verb} {column} of {name} ({table}) from {limit:g} to "
                               f"{needed:g}")


def _input_share(portfolio: Portfolio, row) -> float:
    """The share or average the input states for a share row."""
    appetite = portfolio.risk_appetite
    if row.family == Family.RISK:
        value = appetite.max_high_risk_share if row.keys[-1] == "high_share" \
            else appetite.max_average_risk
        return float(value)
    balance = portfolio.table("balance")
    match = balance[(balance["dimension"].astype(str) == row.keys[0])
                    & (balance["value"].astype(str) == row.keys[1])]
    return float(match[f"{row.keys[-1]}_share"].iloc[0])


def _plan_share(instance: Instance, row, x: np.ndarray) -> float:
    """The relaxed plan's own share (of cost) or average risk for a share row."""
    model, portfolio = instance.model, instance.portfolio
    chosen = set(model.starts["project"][x[: len(model.starts)] > 0.5])
    projects = portfolio.projects
    cost = instance.derived.total_cost.reindex(projects.index).fillna(0.0)
    picked = projects.index.isin(list(chosen))
    total = float(cost[picked].sum())
    if total <= 0:
        return 0.0
    if row.family == Family.RISK and row.keys[-1] == "average":
        part = float((projects["risk"] * cost)[picked].sum())
    elif row.family == Family.RISK:
        high = projects["risk"] >= portfolio.risk_appetite.high_risk_threshold
        part = float(cost[picked & high.to_numpy()].sum())
    else:
        member = (projects[row.keys[0]].astype(str) == row.keys[1]).to_numpy()
        part = float(cost[picked & member].sum())
    return part / total


def _outward(value: float, up: bool, digits: int = 6) -> float:
    """`value` rounded to `digits` significant digits away from the violated side."""
    if value == 0 or not math.isfinite(value):
        return value
    step = 10.0 ** (math.floor(math.log10(abs(value))) - digits + 1)
    return (math.ceil(value / step) if up else math.floor(value / step)) * step
