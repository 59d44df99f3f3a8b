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

import numpy as np
from spmo.engine.model.transforms import elastic, elastic_sides
from spmo.engine.plan import Conflict, Relaxation
from spmo.engine.rows import LOGIC, STRUCTURAL, Family, parse
from spmo.solvers import registry
from spmo.solvers.base import SolveOptions, Status
from spmo.solvers.conflicts import find_conflict
from spmo.solvers.highs import HighsBackend

from . import large_infeasible as large
from .input_terms import SHARE_COLUMN, input_share, new_limit
from .instance import Instance
from .options import Deadline, TimeCaps
from .sentences import constraint_sentence

LINKS = frozenset({Family.SCOPE, Family.FUNDING, Family.ELIGIBILITY})
"""Rows of partial funding and funding sources that link variables (a share to
its start, money paid to spend) rather than hold a number a person would
raise: never stretched by the relaxation (a source's `source` row is, in
funding_sources.amount)."""

SHARE_FLOOR = 0.1
"""Shares and averages below this are stretched as if they were this (a max
share of 0 raised to 0.05 is a change of 0.5, not of infinity)."""


def explain_infeasible(instance: Instance, deadline: Deadline, caps: TimeCaps
                       ) -> tuple[list[Conflict], list[Relaxation]]:
    """Conflicting constraints with sentences, and the relaxation that restores a plan.
    Large models (planning/large_infeasible.py): from CONFLICT_NONZEROS the
    conflict is the LP's Farkas certificate, shrunk; above LARGE_NONZEROS
    (where `auto` takes the Lagrangian heuristic), or when the elastic re-solve
    finds nothing in time, the relaxation is what the must-select projects
    alone need."""

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
    soft = np.flatnonzero(~np.isin(model.row_family, list(STRUCTURAL | LINKS)))
    seconds = deadline.cap(caps.relaxation_s)
    if len(model.a_val) > registry.LARGE_NONZEROS:  # the elastic MIP finds nothing in time
        return conflicts, large.must_relaxation(instance, soft) if seconds > 0.5 else []
    relax = relaxation(instance, soft, seconds) if seconds > 0.5 else []
    return conflicts, relax or large.must_relaxation(instance, soft)


def _stretch_cost(instance: Instance, rows: np.ndarray) -> np.ndarray:
    """Per row and unit of stretch: 1 for a selection rule (a release costs 1),
    1 / max(1, |limit|) for a limit (doubling it costs 1), and for a share or an
    average L, whose rows are in money (sum (member - L) C_p y_p <= 0), 1 / (T
    max(L, SHARE_FLOOR)) with T the total cost of every project: a stretch of s
    raises the share by about s / T, so that too costs its relative raise."""
    model = instance.model
    limit = np.where(np.isfinite(model.row_hi), model.row_hi, model.row_lo)
    cost = 1.0 / np.maximum(1.0, np.abs(np.nan_to_num(limit, posinf=1.0, neginf=1.0)))
    cost[np.isin(model.row_family, list(LOGIC))] = 1.0
    total = max(1.0, float(instance.derived.total_cost.sum()))
    for i in rows:
        row = parse(str(model.row_name[i]))
        if (str(row.family), row.keys[-1]) in SHARE_COLUMN:
            share = input_share(instance.portfolio, row)
            cost[i] = 1.0 / (total * max(abs(share), SHARE_FLOOR))
    out = np.zeros(model.n_rows)
    out[rows] = cost[rows]
    return out


def relaxation(instance: Instance, rows: np.ndarray, seconds: float) -> list[Relaxation]:
    """The least stretch of the given rows that restores a plan, in input terms."""
    model = instance.model
    stretched = elastic(model, rows, _stretch_cost(instance, rows))
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
        fix = _release(instance, name) if model.row_family[i] in LOGIC else \
            new_limit(instance, name, i, upper=sign < 0, slack=float(s), x=x)
        prev = out.get(name)
        if prev is None or abs((fix.needed or 0) - (fix.limit or 0)) > \
                abs((prev.needed or 0) - (prev.limit or 0)):
            out[name] = fix
    return list(out.values())


def _release(instance: Instance, name: str) -> Relaxation:
    """What lifts a selection rule, as a change of the input."""
    row = parse(name)
    p = row.key
    if row.family == Family.MANDATORY:
        return Relaxation(constraint=name, table="projects", column="status", key={"id": p},
                          value="candidate", sentence=f"release {name}: make {p} a candidate "
                          "(projects.status = candidate)")
    if row.family == Family.FORCE:
        return Relaxation(constraint=name, table="projects", column="force", key={"id": p},
                          value="", sentence=f"release {name}: clear the force of {p} "
                          "(projects.force)")
    if row.family == Family.ALIGNMENT:
        goal = _best_objective(instance)
        scores = instance.portfolio.table("alignment")
        now = scores[(scores["project"] == p) & (scores["objective"] == goal)]["score"]
        return Relaxation(constraint=name, table="alignment", column="score",
                          key={"project": p, "objective": goal},
                          limit=float(now.iloc[0]) if len(now) else None, needed=1.0,
                          sentence=f"release {name}: align {p} to objective {goal} "
                          "(alignment: a score of 1)")
    a, b = row.keys[0], row.keys[-1]
    return Relaxation(constraint=name, table="dependencies", key={
        "project": a, "kind": str(row.family), "other": b}, delete_row=True,
        sentence=f"release {name}: drop the dependency {a} {row.family} {b} "
                 "(its dependencies row)")


def _best_objective(instance: Instance) -> str:
    """The objective of largest weight (the first of equals)."""
    weights = instance.derived.weights
    return str(weights.idxmax())
