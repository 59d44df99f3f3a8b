"""Why a large model has no plan, where the CP-SAT core and the elastic MIP do
not finish in time (planning.infeasible chooses by size).

- `lp_conflict`: when the LP relaxation is infeasible, HiGHS's Farkas
  certificate (solvers.feasibility, usually already found by the solve's
  feasibility check), shrunk while it still proves the clash: its named rows
  cannot all hold. 2,000 x 20 portfolio with budgets at 5 % (563,000
  non-zeros): CP-SAT's core took 36 s (20 s asked) for 3 rows; the
  certificate 0.6 s for 4 (two budgets, two mandatory projects).
- `must_relaxation`: the limits that the projects a plan must hold (mandatory
  and forced-in ones, with the projects they require) need, read off the
  plan that holds only them, placed by the greedy with every limit row lifted.
  Typing the values it names restores that plan, so a plan; unlike the
  elastic re-solve it is not the least change (it keeps every must project
  and may raise more limits than the least change would).
"""

from __future__ import annotations

import dataclasses
import time

import numpy as np
from spmo.engine.model.linear import LinearModel
from spmo.engine.plan import Relaxation
from spmo.engine.rows import LOGIC, STRUCTURAL
from spmo.solvers.feasibility import conflict_rows, lp_feasibility
from spmo.solvers.large.greedy import greedy_plan

from .input_terms import new_limit
from .instance import Instance

CONFLICT_NONZEROS = 200_000
"""From this many non-zeros the conflict comes from the LP certificate, not
CP-SAT (whose guarded model alone outlasts its time cap beyond about this)."""
SHRINK_SHARE = 0.5
"""Share of the conflict's time the shrinking of the certificate may take."""


def lp_conflict(model: LinearModel, seconds: float) -> list[str]:
    """Names of rows that cannot all hold, from the LP's Farkas certificate
    ([] when the LP relaxation has a point or is not decided in `seconds`)."""
    started = time.perf_counter()
    check = lp_feasibility(model, seconds)  # at no cost when the solve's check found it
    if check.certificate is None:
        return []
    left = max(0.1, SHRINK_SHARE * (seconds - (time.perf_counter() - started)))
    free = np.flatnonzero(np.isin(model.row_family, list(STRUCTURAL)))
    rows = conflict_rows(model, check.certificate, left, free)
    named = [str(model.row_name[i]) for i in rows if model.row_family[i] not in STRUCTURAL]
    return list(dict.fromkeys(named))


def must_relaxation(instance: Instance, rows: np.ndarray) -> list[Relaxation]:
    """The new limits among `rows` that the must-only plan needs (module
    docstring); [] when the greedy cannot place the must projects even with
    every limit lifted (a clash of selection rules, e.g. two mandatory
    projects that exclude each other)."""
    model = instance.model
    limits = np.asarray(rows, dtype=np.int64)
    limits = limits[~np.isin(model.row_family[limits], list(LOGIC))]
    lo, hi = model.row_lo.copy(), model.row_hi.copy()
    lo[limits], hi[limits] = -np.inf, np.inf
    lifted = dataclasses.replace(model, row_lo=lo, row_hi=hi, c=np.zeros(model.n_vars))
    prefer = np.zeros(model.n_vars)
    needed = _must_closure(instance)
    prefer[: len(model.starts)] = model.starts["project"].astype(str).isin(needed).to_numpy()
    x = greedy_plan(lifted, prefer=prefer)
    if x is None:
        return []
    activity = model.activity(x)
    out: dict[str, Relaxation] = {}
    for i in limits:
        over, under = activity[i] - model.row_hi[i], model.row_lo[i] - activity[i]
        if max(over, under) <= 1e-9 * max(1.0, abs(activity[i])):
            continue
        upper = over > 0
        fix = new_limit(instance, str(model.row_name[i]), int(i), upper=upper,
                         slack=float(over if upper else under), x=x)
        prev = out.get(fix.constraint)
        if prev is None or abs((fix.needed or 0) - (fix.limit or 0)) > \
                abs((prev.needed or 0) - (prev.limit or 0)):
            out[fix.constraint] = fix
    return list(out.values())


def _must_closure(instance: Instance) -> set[str]:
    """Mandatory and forced-in projects, and every project they require
    (`requires` and `after`, transitively)."""
    p = instance.portfolio.projects
    must = [str(i) for i in p.index[((p["status"] == "mandatory")
                                     | (p["force"] == "in")).to_numpy()]]
    deps = instance.portfolio.table("dependencies")
    needs: dict[str, list[str]] = {}
    if not deps.empty:
        chosen = deps[deps["kind"].isin(["requires", "after"])]
        for a, b in zip(chosen["project"].astype(str), chosen["other"].astype(str),
                        strict=True):
            needs.setdefault(a, []).append(b)
    closure, todo = set(must), list(must)
    while todo:
        for other in needs.get(todo.pop(), []):
            if other not in closure:
                closure.add(other)
                todo.append(other)
    return closure
