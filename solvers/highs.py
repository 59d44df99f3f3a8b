"""The HiGHS backend, straight from the model's arrays through highspy.

The LinearModel is handed to HiGHS column-wise as it stands (no per-term
Python objects), so a 10,000-project model passes in milliseconds. HiGHS
minimises, so the objective is negated going in and coming back.

HiGHS is deterministic for a given seed (0 when none is given); a work limit
of w units becomes the node limit ceil(w * NODES_PER_WORK), a repeatable
way to stop the branch and bound where a time limit is not.
"""

from __future__ import annotations

import math
import time

import numpy as np
from spmo.engine.errors import SolverError
from spmo.engine.model.linear import LinearModel, summed

from .base import Capability, Result, SolveOptions, Status, clipped_hint, quiet_stdout, stop_signal

NODES_PER_WORK = 250
"""Branch-and-bound nodes per deterministic work unit: HiGHS ran 230-270 nodes a
second on a 120-item knapsack (two busy cores) while CP-SAT did 0.6 units of
deterministic time a second; on a 200-project model the root alone takes
seconds, which no node limit bounds (the time limit stays the safety net)."""

_STATUS = {
    "kOptimal": Status.OPTIMAL,
    "kInfeasible": Status.INFEASIBLE, "kUnboundedOrInfeasible": Status.INFEASIBLE,
    **dict.fromkeys(("kTimeLimit", "kIterationLimit", "kSolutionLimit", "kInterrupt",
                     "kHighsInterrupt", "kObjectiveBound", "kObjectiveTarget", "kMemoryLimit",
                     "kUnknown", "kNotset"), Status.FEASIBLE),
    **dict.fromkeys(("kLoadError", "kModelError", "kPresolveError", "kSolveError",
                     "kPostsolveError", "kUnbounded", "kModelEmpty"), Status.ERROR),
}
"""HiGHS model status (by name) -> Status. FEASIBLE: stopped by a limit, becomes
NO_SOLUTION when no plan came with it; every variable is bounded, so an
unbounded model is a fault, and so is an empty one (models without variables
never reach HiGHS): ERROR, raised as SolverError."""


class HighsBackend:
    """HiGHS branch-and-cut through highspy."""

    name = "highs"
    capability = Capability(hints=True)

    def available(self) -> bool:
        try:
            import highspy  # noqa: F401
        except ImportError:
            return False
        return True

    def solve(self, model: LinearModel, options: SolveOptions) -> Result:
        import highspy

        started = time.perf_counter()
        if model.n_vars == 0:
            empty_ok = bool(np.all(model.row_lo <= 0) and np.all(model.row_hi >= 0))
            seconds = time.perf_counter() - started
            if not empty_ok:
                return Result(Status.INFEASIBLE, None, None, None, seconds, self.name, [])
            return Result(Status.OPTIMAL, np.zeros(0), 0.0, 0.0, seconds, self.name, [])
        h = quiet_highs(highspy)
        h.setOptionValue("time_limit", float(options.time_limit_s))
        h.setOptionValue("mip_rel_gap", float(options.relative_gap))
        h.setOptionValue("mip_abs_gap", 1e-9)
        h.setOptionValue("mip_feasibility_tolerance", 1e-9)
        h.setOptionValue("primal_feasibility_tolerance", 1e-9)
        h.setOptionValue("random_seed", options.random_seed)
        if options.work_limit is not None:
            h.setOptionValue("mip_max_nodes",
                             max(1, math.ceil(options.work_limit * NODES_PER_WORK)))
        if h.passModel(self.translate(model, highspy)) == highspy.HighsStatus.kError:
            raise SolverError(self.name, "HiGHS refused the model (a coefficient beyond "
                              "1e15 or a bound beyond 1e20?)")
        hint = clipped_hint(model, options.hint)
        if hint is not None:
            h.setSolution(_solution(highspy, hint))
        interrupt_on_stop(h, options)
        h.run()
        seconds = time.perf_counter() - started
        info = h.getInfo()
        native = h.getModelStatus()
        status = _STATUS.get(native.name, Status.ERROR)
        if status == Status.ERROR:
            raise SolverError(self.name, f"model status {h.modelStatusToString(native)}")
        if status == Status.FEASIBLE and info.primal_solution_status != 2:
            status = Status.NO_SOLUTION
        bound = -info.mip_dual_bound if np.isfinite(info.mip_dual_bound) else None
        if status in (Status.INFEASIBLE, Status.NO_SOLUTION):
            return Result(status, None, None, bound if status == Status.NO_SOLUTION else None,
                          seconds, self.name, [])
        x = np.asarray(h.getSolution().col_value, dtype=float)
        x = np.where(model.integer, np.round(x), np.clip(x, model.lb, model.ub))
        return Result(status, x, -info.objective_function_value, bound, seconds, self.name, [])

    @staticmethod
    def translate(model: LinearModel, highspy):
        """The model as a HighsLp (column-wise matrix, minimising -c)."""
        inf = highspy.kHighsInf
        lp = highspy.HighsLp()
        lp.num_col_ = model.n_vars
        lp.num_row_ = model.n_rows
        lp.col_cost_ = -model.c
        lp.col_lower_ = model.lb
        lp.col_upper_ = model.ub
        lp.row_lower_ = np.where(np.isfinite(model.row_lo), model.row_lo, -inf)
        lp.row_upper_ = np.where(np.isfinite(model.row_hi), model.row_hi, inf)
        rows, cols, values = summed(model.a_row, model.a_col, model.a_val)  # column-major
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = np.searchsorted(cols, np.arange(model.n_vars + 1))
        lp.a_matrix_.index_ = rows
        lp.a_matrix_.value_ = values
        kinds = (highspy.HighsVarType.kContinuous, highspy.HighsVarType.kInteger)
        lp.integrality_ = [kinds[int(i)] for i in model.integer]
        return lp


def interrupt_on_stop(h, options: SolveOptions) -> None:
    """With a stop signal, HiGHS's interrupt callbacks (simplex, IPM, MIP: each
    called many times a second during a solve) end the solve once it is set;
    the model status reads kInterrupt, answered as at a time limit."""
    signal = stop_signal(options)
    if signal is None:
        return

    def interrupt(event) -> None:
        if signal.is_set():
            event.interrupt()

    h.cbSimplexInterrupt += interrupt
    h.cbIpmInterrupt += interrupt
    h.cbMipInterrupt += interrupt


def quiet_highs(highspy):
    """A Highs instance; its banner goes to /dev/null so `--json` stays clean."""
    with quiet_stdout():
        h = highspy.Highs()
        h.setOptionValue("output_flag", False)
    return h


def _solution(highspy, x: np.ndarray):
    """A starting solution for HiGHS."""
    sol = highspy.HighsSolution()
    sol.col_value = list(map(float, x))
    sol.value_valid = True
    return sol


def lp_duals(model: LinearModel, seconds: float
             ) -> tuple[np.ndarray, float, np.ndarray] | None:
    """The LP relaxation's column duals (reduced costs of min -c.x, i.e. -r
    for the maximised c.x), optimum (of max c.x) and row duals (of min -c.x,
    i.e. -y with r = c - A^T y), or None when HiGHS does not solve it to
    optimality within `seconds`."""
    import dataclasses

    import highspy

    h = quiet_highs(highspy)
    h.setOptionValue("time_limit", float(seconds))
    h.passModel(HighsBackend.translate(dataclasses.replace(
        model, integer=np.zeros_like(model.integer)), highspy))
    h.run()
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return None
    solution = h.getSolution()
    return (np.asarray(solution.col_dual, dtype=float), -h.getInfo().objective_function_value,
            np.asarray(solution.row_dual, dtype=float))
