"""The raw solvers beside spmo: HiGHS and CP-SAT handed spmo's own model.

`raw_highs`: highspy on the LinearModel as spmo translates it (column-wise),
HiGHS's default options but spmo's tolerances (bench_overhead.HIGHS_OPTIONS),
every core. `raw_cpsat`: spmo's integer translation (solvers.cpsat), CP-SAT's
default parameters, every core. Neither gets spmo's first plan, warm start,
backend choice or repair: what a user who wrote the same model for one solver
would get. Each returns a RawRun; `x` is in the model's units, so the plan
can go through spmo's independent checker like any other.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass

import numpy as np


@dataclass
class RawRun:
    solver: str
    status: str
    objective: float | None
    bound: float | None
    x: np.ndarray | None
    seconds: float

    @property
    def proven(self) -> bool:
        """Optimal (HiGHS at its gap of 0) or proven infeasible."""
        return self.status in ("optimal", "infeasible")


def raw_highs(model, seconds: float) -> RawRun:
    import highspy
    from bench_overhead import HIGHS_OPTIONS
    from spmo.solvers.highs import HighsBackend, quiet_highs

    t0 = time.perf_counter()
    h = quiet_highs(highspy)
    h.setOptionValue("time_limit", float(seconds))
    for key, value in HIGHS_OPTIONS.items():
        h.setOptionValue(key, value)
    h.passModel(HighsBackend.translate(model, highspy))
    h.run()
    info = h.getInfo()
    spent = time.perf_counter() - t0
    status = {"kOptimal": "optimal", "kInfeasible": "infeasible"}.get(
        h.getModelStatus().name, "stopped")
    bound = -info.mip_dual_bound if np.isfinite(info.mip_dual_bound) else None
    if info.primal_solution_status != 2:
        return RawRun("highs", status, None, bound, None, spent)
    x = np.asarray(h.getSolution().col_value, dtype=float)
    x = np.where(model.integer, np.round(x), x)
    return RawRun("highs", status, -info.objective_function_value, bound, x, spent)


def raw_cpsat(model, seconds: float) -> RawRun:
    from ortools.sat.python import cp_model
    from spmo.solvers.cpsat import CpSatBackend
    from spmo.solvers.cpsat_scaling import var_units

    t0 = time.perf_counter()
    cp, xs, obj_value, obj_error, _notes, _rounded = CpSatBackend().translate(model)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = float(seconds)
    solver.parameters.num_workers = len(os.sched_getaffinity(0))
    code = solver.solve(cp)
    spent = time.perf_counter() - t0
    status = {cp_model.OPTIMAL: "optimal", cp_model.INFEASIBLE: "infeasible"}.get(
        code, "stopped")
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return RawRun("cpsat", status, None, None, None, spent)
    x = np.array([solver.value(v) for v in xs], dtype=float) * var_units(model)
    bound = solver.best_objective_bound * obj_value + obj_error
    return RawRun("cpsat", status, float(model.c @ x), bound, x, spent)


RAW = {"highs": raw_highs, "cpsat": raw_cpsat}
