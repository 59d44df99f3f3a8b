"""The PuLP backends: CBC (bundled with PuLP) and any other solver PuLP drives.

`PulpBackend("cbc")` is COIN-OR CBC through `pulp.PULP_CBC_CMD`;
`PulpBackend("pulp:<Name>")` is any solver `pulp.listSolvers(onlyAvailable=True)`
names (e.g. `pulp:HiGHS` through highspy), matched without regard to case.

The LinearModel becomes one PuLP variable per column and one `LpConstraint`
per finite row side, each built from the row's slice of the row-sorted COO
arrays (a ranged row `lo <= a.x <= hi` is two constraints, `lo == hi` one
equality). Constraints are named `r<i>` (`r<i>_lo` / `r<i>_hi` for ranged
rows): the model's own names are for people, not for MPS files. Every row
and the objective are first multiplied by a power of two that brings the
largest coefficient into [1, 2) (`balanced`: exact, and the solver's absolute
tolerances then act relative to each row's scale).

Status: `optimal` only when the solver says it proved the optimum (within
the requested relative gap, as for every backend); `feasible` when time ran
out with a plan; `infeasible`; `no_solution`. The proven bound of a
timed-out CBC solve is read from CBC's log ("best possible", rounded
outwards to the printed precision); HiGHS through PuLP gives its dual bound;
for other solvers a timed-out solve has bound None, said in the notes. A
solver that fails (PuLP raises, or reports an undefined or unbounded
status) raises SolverError.

Repeatable runs: CBC gets the seed (0 when none is given), several threads
as `threads 100+n` (CBC's repeatable parallel search) and a work limit of w
units as the node limit ceil(w * NODES_PER_WORK).
"""

from __future__ import annotations

import contextlib
import dataclasses
import math
import os
import re
import tempfile
import time

import numpy as np
from spmo.engine.errors import SolverError
from spmo.engine.model.linear import LinearModel, summed

from .base import Capability, Result, SolveOptions, Status, clipped_hint, quiet_stdout

CBC_NAMES = ("PULP_CBC_CMD", "COIN_CMD")
"""PuLP solver classes that run the CBC command line (same options, same log)."""

FEASIBILITY_TOL = 1e-9
"""Primal and integer tolerance asked of CBC (the HiGHS backend asks the same)."""

NODES_PER_WORK = 250
"""Branch-and-bound nodes per deterministic work unit (as for HiGHS, solvers/highs.py)."""

_BEST_POSSIBLE = re.compile(r"best possible\s+([-+0-9.eE]+)")
_CBC_GAP = re.compile(r"Exiting as integer gap of\s+([-+0-9.eE]+)")


def _pulp():
    import pulp

    return pulp


class PulpBackend:
    """A MILP solver driven through PuLP."""

    def __init__(self, solver_name: str = "cbc"):
        requested = solver_name.strip()
        if requested.lower() == "cbc":
            self.name = "cbc"
            self.pulp_name = "PULP_CBC_CMD"
        else:
            if not requested.lower().startswith("pulp:"):
                raise ValueError(f"PulpBackend takes 'cbc' or 'pulp:<Name>', not {solver_name!r}")
            self.pulp_name = _pulp_solver_name(requested[5:])
            self.name = f"pulp:{self.pulp_name}"
        self.is_cbc = self.pulp_name in CBC_NAMES
        # HiGHS keeps one thread scheduler per process: asking another thread count
        # than the first solve used fails, so HiGHS runs with its own default
        self.sets_threads = self.pulp_name.lower() != "highs"
        self.capability = Capability(hints=self.is_cbc, assumptions=False, time_limit=True,
                                     relative_gap=True, threads=self.sets_threads,
                                     continuous=True)

    def available(self) -> bool:
        try:
            return self._solver(SolveOptions(time_limit_s=1.0), log_path=None).available()
        except Exception:  # noqa: BLE001 - missing module, binary or licence: not available
            return False

    def solve(self, model: LinearModel, options: SolveOptions) -> Result:
        pulp = _pulp()
        started = time.perf_counter()
        notes: list[str] = []
        entries = _merged_entries(model)
        if _empty_row_conflict(model, entries[0]):
            return Result(Status.INFEASIBLE, None, None, None, time.perf_counter() - started,
                          self.name, ["a constraint with no variables cannot hold"])
        if model.n_vars == 0:
            return Result(Status.OPTIMAL, np.zeros(0), 0.0, 0.0, time.perf_counter() - started,
                          self.name, [])
        solved, weight = balanced(model, entries)
        prob, variables = self.translate(solved, (solved.a_row, solved.a_col, solved.a_val))
        hint = clipped_hint(model, options.hint) if self.is_cbc else None
        if hint is not None:
            for var, value in zip(variables, hint.tolist(), strict=True):
                var.setInitialValue(value)
        log_path = None
        if self.is_cbc:
            handle, log_path = tempfile.mkstemp(prefix="spmo-cbc-", suffix=".log")
            os.close(handle)
        try:
            solver = self._solver(options, log_path, warm=hint is not None)
            with quiet_stdout(enabled=not self.is_cbc):
                prob.solve(solver)
            log = _read_text(log_path) if log_path else ""
        except pulp.PulpSolverError as exc:
            raise SolverError(self.name, str(exc)) from exc
        finally:
            if log_path:
                with contextlib.suppress(OSError):
                    os.remove(log_path)
        seconds = time.perf_counter() - started
        status = _status(pulp, prob)
        if status == Status.ERROR:
            raise SolverError(self.name, f"status {pulp.LpStatus.get(prob.status, prob.status)}")
        if status in (Status.INFEASIBLE, Status.NO_SOLUTION):
            return Result(status, None, None, None, seconds, self.name, notes)
        x = np.array([v.varValue if v.varValue is not None else lo
                      for v, lo in zip(variables, model.lb.tolist(), strict=True)], dtype=float)
        x = np.where(model.integer, np.round(x), np.clip(x, model.lb, model.ub))
        objective = float(model.c @ x)
        bound = self._bound(prob, log, status, objective * weight)
        bound = None if bound is None else bound / weight
        if bound is None:
            notes.append(f"{self.name}: the solver reports no bound for a solve stopped by its "
                         "time limit; bound and gap are unknown")
        return Result(status, x, objective, bound, seconds, self.name, notes)

    def translate(self, model: LinearModel, entries=None):
        """The PuLP problem (maximising c.x) and its variables, in column order."""
        pulp = _pulp()
        prob = pulp.LpProblem("spmo", pulp.LpMaximize)
        make = getattr(prob, "add_variable", None) or pulp.LpVariable
        width = len(str(max(model.n_vars - 1, 0)))
        cats = (pulp.LpContinuous, pulp.LpInteger)
        variables = [make(f"x{j:0{width}d}", _finite(lo), _finite(hi), cats[int(i)])
                     for j, (lo, hi, i) in enumerate(zip(model.lb.tolist(), model.ub.tolist(),
                                                         model.integer.tolist(), strict=True))]
        # every variable enters the objective (zeros too), so PuLP knows them all
        prob.setObjective(pulp.LpAffineExpression(list(zip(variables, model.c.tolist(),
                                                            strict=True))))
        rows, cols, vals = _merged_entries(model) if entries is None else entries
        bounds = np.searchsorted(rows, np.arange(model.n_rows + 1)).tolist()
        entry_vars = [variables[j] for j in cols.tolist()]
        entry_vals = vals.tolist()
        le, ge, eq = pulp.LpConstraintLE, pulp.LpConstraintGE, pulp.LpConstraintEQ
        constraints = {}
        for i, (lo, hi) in enumerate(zip(model.row_lo.tolist(), model.row_hi.tolist(),
                                         strict=True)):
            a, b = bounds[i], bounds[i + 1]
            has_lo, has_hi = math.isfinite(lo), math.isfinite(hi)
            if a == b or not (has_lo or has_hi):
                continue  # empty rows were checked by the caller; free rows say nothing
            terms = list(zip(entry_vars[a:b], entry_vals[a:b], strict=True))
            if has_lo and has_hi and lo == hi:
                constraints[f"r{i}"] = pulp.LpConstraint(
                    pulp.LpAffineExpression(terms), eq, f"r{i}", hi)
                continue
            if has_hi:
                name = f"r{i}_hi" if has_lo else f"r{i}"
                constraints[name] = pulp.LpConstraint(
                    pulp.LpAffineExpression(terms), le, name, hi)
            if has_lo:
                name = f"r{i}_lo" if has_hi else f"r{i}"
                constraints[name] = pulp.LpConstraint(
                    pulp.LpAffineExpression(terms), ge, name, lo)
        prob.extend(constraints)
        return prob, variables

    def _solver(self, options: SolveOptions, log_path: str | None, warm: bool = False):
        """The PuLP solver object with this solve's limits."""
        pulp = _pulp()
        common = {"msg": False, "timeLimit": float(options.time_limit_s),
                  "gapRel": float(options.relative_gap)}
        if self.sets_threads:
            common["threads"] = int(options.threads)
        if self.is_cbc:
            if options.threads > 1:  # CBC's repeatable parallel search
                common["threads"] = 100 + int(options.threads)
            if options.work_limit is not None:
                common["maxNodes"] = max(1, math.ceil(options.work_limit * NODES_PER_WORK))
            # CBC's default cutoff increment (1e-5) skips solutions better by less
            # than that: too coarse for blend objectives of order 1
            extra = [f"primalT {FEASIBILITY_TOL:g}", f"integerT {FEASIBILITY_TOL:g}",
                     f"increment {FEASIBILITY_TOL:g}", f"randomCbcSeed {options.random_seed}"]
            kwargs = common | {"gapAbs": 1e-9, "options": extra, "warmStart": warm}
            if log_path:
                kwargs["logPath"] = log_path
            cls = getattr(pulp, self.pulp_name)
            if self.pulp_name == "PULP_CBC_CMD":
                try:  # the bundled CBC: no PuLP 4.0 migration warning on every solve
                    return cls(**kwargs, _skip_v4_deprecation=True)
                except TypeError:
                    pass
            return cls(**kwargs)
        try:
            return pulp.getSolver(self.pulp_name, **common)
        except TypeError:  # a solver without gap or thread options
            return pulp.getSolver(self.pulp_name, msg=False, timeLimit=common["timeLimit"])

    def _bound(self, prob, log: str, status: Status, objective: float) -> float | None:
        """The proven upper bound of the maximisation, where the solver tells it."""
        if self.is_cbc:
            if status == Status.OPTIMAL:
                # stopped on the relative gap: CBC says how far the bound was
                gaps = _CBC_GAP.findall(log)
                return objective + _rounded_up(gaps[-1]) if gaps else objective
            found = _BEST_POSSIBLE.findall(log)
            # CBC minimises -c.x: the bound is -best_possible
            return -_rounded_down(found[-1]) if found else None
        model = getattr(prob, "solverModel", None)
        if model is not None and hasattr(model, "getInfo"):
            with contextlib.suppress(Exception):
                dual = float(model.getInfo().mip_dual_bound)
                if math.isfinite(dual):
                    return -dual  # PuLP hands HiGHS the negated (minimised) objective
        return objective if status == Status.OPTIMAL else None


def _last_digit(text: str) -> float:
    """Half a unit of the last printed digit of a number in a log."""
    mantissa, _, exponent = text.lower().partition("e")
    decimals = len(mantissa.split(".")[1]) if "." in mantissa else 0
    return 0.5 * 10.0 ** ((int(exponent) if exponent else 0) - decimals)


def _rounded_up(text: str) -> float:
    """A printed number, moved up by its rounding (a bound stays a bound)."""
    return float(text) + _last_digit(text)


def _rounded_down(text: str) -> float:
    return float(text) - _last_digit(text)


def _pulp_solver_name(name: str) -> str:
    """PuLP's own spelling of a solver name, matched without regard to case."""
    pulp = _pulp()
    known = {n.lower(): n for n in pulp.listSolvers(onlyAvailable=False)}
    found = known.get(name.strip().lower())
    if found is None:
        raise ValueError(f"PuLP knows no solver '{name}' "
                         f"(one of {', '.join(sorted(known.values()))})")
    return found


_STATUS = {1: Status.OPTIMAL, 2: Status.FEASIBLE, -1: Status.INFEASIBLE, 0: Status.NO_SOLUTION,
           -2: Status.ERROR}
"""PuLP's solution status (LpSolutionOptimal 1, LpSolutionIntegerFeasible 2,
LpSolutionInfeasible -1, LpSolutionNoSolutionFound 0, LpSolutionUnbounded -2:
every variable is bounded, so unbounded is a fault) -> Status."""


def _status(pulp, prob) -> Status:
    """The shared status vocabulary from PuLP's problem and solution status (a
    problem status infeasible wins over no solution found; undefined is a fault)."""
    status = _STATUS.get(prob.sol_status, Status.ERROR)
    if status == Status.NO_SOLUTION and prob.status == pulp.LpStatusInfeasible:
        return Status.INFEASIBLE
    if status == Status.NO_SOLUTION and prob.status in (pulp.LpStatusUndefined,
                                                        pulp.LpStatusUnbounded):
        return Status.ERROR
    return status


def _merged_entries(model: LinearModel) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The COO entries sorted by (row, column), repeated (row, column) pairs summed
    (a PuLP expression is a dict: a repeated variable would overwrite), zeros dropped."""
    rows, cols, vals = summed(model.a_row, model.a_col, model.a_val)
    keep = vals != 0
    rows, cols, vals = rows[keep], cols[keep], vals[keep]
    order = np.lexsort((cols, rows))
    return rows[order], cols[order], vals[order]


def _power_of_two(largest: np.ndarray) -> np.ndarray:
    """2^-floor(log2 largest): brings a positive magnitude into [1, 2) exactly (1 for 0)."""
    with np.errstate(divide="ignore"):
        return np.where(largest > 0, 2.0 ** -np.floor(np.log2(np.where(largest > 0, largest,
                                                                        1.0))), 1.0)


def balanced(model: LinearModel, entries) -> tuple[LinearModel, float]:
    """The model with every row and the objective multiplied by a power of two
    bringing its largest coefficient into [1, 2) (exact in floats), and the
    objective's factor w: the solver's absolute tolerances (CBC's dual
    tolerance 1e-7, our 1e-9 gap and feasibility tolerances) then act relative
    to each row's scale. Without it CBC proved 'optima' 3.5% short on money of
    magnitude 1e-4 (objective coefficients of 1e-9..1e-6). Row entries are the
    merged `entries`; the solver's objective and bound are w times the model's."""
    rows, _, vals = entries
    largest = np.zeros(model.n_rows)
    np.maximum.at(largest, rows, np.abs(vals))
    factor = _power_of_two(largest)
    weight = float(_power_of_two(np.array([np.abs(model.c).max(initial=0.0)]))[0])
    return dataclasses.replace(model, a_row=rows, a_col=entries[1], a_val=vals * factor[rows],
                               row_lo=model.row_lo * factor, row_hi=model.row_hi * factor,
                               c=model.c * weight), weight


def _empty_row_conflict(model: LinearModel, rows: np.ndarray) -> bool:
    """True when a row without entries excludes 0 (no solver needed to see it)."""
    counts = np.bincount(rows, minlength=model.n_rows)
    empty = counts == 0
    return bool(np.any(empty & ((model.row_lo > 0) | (model.row_hi < 0))))


def _finite(value: float) -> float | None:
    return value if math.isfinite(value) else None


def _read_text(path: str) -> str:
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return handle.read()
    except OSError:
        return ""
