"""Section b: what spmo costs on top of the solver.

One Chu & Beasley instance (mknapcb1 #0, 5x100) is solved twice per solver:
- raw: a plain model written directly for the solver (CP-SAT: cp_model with one
  Boolean per item, one linear row per knapsack, maximise profit; HiGHS: a HighsLp
  with the knapsack matrix column-wise, integrality on every column), with the same
  time limit, gap 0 and worker count (HiGHS: the same tolerances spmo sets);
- spmo: the portfolio as JSON text -> json.loads + from_document -> validate ->
  plan() (derive, build, translate, solve, independent check, report).
The solver's own search time varies from run to run (CP-SAT on several workers is not
deterministic), so the section also reports spmo's non-solver seconds on their own.
"""

from __future__ import annotations

import json
import os
import time

import numpy as np
from bench_optima import data_dir
from ortools.sat.python import cp_model
from spmo.engine.io import from_document
from spmo.engine.model.build import build
from spmo.engine.synthetic.mkp import MkpInstance, read_mkp_file, to_portfolio
from spmo.engine.validate import validate
from spmo.planning.pipeline import plan
from spmo.solvers.registry import pick

HIGHS_OPTIONS = {"mip_rel_gap": 0.0, "mip_abs_gap": 1e-9, "mip_feasibility_tolerance": 1e-9,
                 "primal_feasibility_tolerance": 1e-9}


def the_instance() -> MkpInstance:
    """mknapcb1 #0 (5 x 100, tightness 0.25)."""
    return read_mkp_file(data_dir() / "orlib" / "mknapcb1.txt")[0]


def raw_cpsat(inst: MkpInstance, time_limit: float, workers: int) -> dict:
    """A plain CP-SAT model of the instance, built and solved."""
    t0 = time.perf_counter()
    model = cp_model.CpModel()
    xs = [model.new_bool_var(f"x{j}") for j in range(inst.n)]
    for i in range(inst.m):
        model.add(cp_model.LinearExpr.weighted_sum(xs, [int(w) for w in inst.weights[i]])
                  <= int(inst.capacities[i]))
    model.maximize(cp_model.LinearExpr.weighted_sum(xs, [int(p) for p in inst.profits]))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = float(time_limit)
    solver.parameters.relative_gap_limit = 0.0
    solver.parameters.num_workers = workers
    t1 = time.perf_counter()
    code = solver.solve(model)
    t2 = time.perf_counter()
    status = {cp_model.OPTIMAL: "optimal", cp_model.FEASIBLE: "feasible"}.get(code, "no_solution")
    found = solver.objective_value if status != "no_solution" else None
    return {"status": status, "objective": found, "bound": solver.best_objective_bound,
            "build_s": t1 - t0, "solve_s": t2 - t1, "total_s": t2 - t0}


def raw_highs(inst: MkpInstance, time_limit: float) -> dict:
    """A plain HighsLp of the instance, passed and solved."""
    import highspy

    t0 = time.perf_counter()
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("time_limit", float(time_limit))
    for key, value in HIGHS_OPTIONS.items():
        h.setOptionValue(key, value)
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = inst.n, inst.m
    lp.col_cost_ = -inst.profits
    lp.col_lower_ = np.zeros(inst.n)
    lp.col_upper_ = np.ones(inst.n)
    lp.row_lower_ = np.full(inst.m, -highspy.kHighsInf)
    lp.row_upper_ = inst.capacities.astype(float)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = np.arange(inst.n + 1) * inst.m
    lp.a_matrix_.index_ = np.tile(np.arange(inst.m), inst.n)
    lp.a_matrix_.value_ = inst.weights.T.ravel()
    lp.integrality_ = [highspy.HighsVarType.kInteger] * inst.n
    h.passModel(lp)
    t1 = time.perf_counter()
    h.run()
    t2 = time.perf_counter()
    model_status = h.getModelStatus()
    info = h.getInfo()
    if model_status == highspy.HighsModelStatus.kOptimal:
        status = "optimal"
    else:
        status = "feasible" if info.primal_solution_status == 2 else "no_solution"
    found = -info.objective_function_value if status != "no_solution" else None
    return {"status": status, "objective": found, "bound": -info.mip_dual_bound,
            "build_s": t1 - t0, "solve_s": t2 - t1, "total_s": t2 - t0}


def through_spmo(text: str, backend: str, time_limit: float) -> dict:
    """The JSON text through spmo: read, validate, plan (build, solve, check, report)."""
    t0 = time.perf_counter()
    raw = from_document(json.loads(text))
    t1 = time.perf_counter()
    portfolio = validate(raw)  # settings.workers blank: spmo uses every core, like raw
    t2 = time.perf_counter()
    result = plan(portfolio, solver=backend, time_limit_s=time_limit, relative_gap=0.0)
    t3 = time.perf_counter()
    return {"status": result.status, "objective": result.objective, "read_s": t1 - t0,
            "validate_s": t2 - t1, "plan_s": t3 - t2, "solve_s": result.solve_seconds,
            "total_s": t3 - t0, "model": result.model_size}


def translate_seconds(text: str, backend: str) -> float:
    """spmo's translation of its model into the solver's own (inside the solve call)."""
    portfolio = validate(from_document(json.loads(text)))
    model = build(portfolio)
    chosen = pick(backend, model)
    t0 = time.perf_counter()
    if backend == "cpsat":
        chosen.translate(model)
    else:
        import highspy

        chosen.translate(model, highspy)
    return time.perf_counter() - t0


def run(time_limit: float, progress=None) -> list[dict]:
    """Raw vs spmo on both solvers; one row per solver."""
    inst = the_instance()
    text = json.dumps(to_portfolio(inst))
    workers = os.cpu_count() or 1
    rows = []
    for backend in ("cpsat", "highs"):
        raw = raw_cpsat(inst, time_limit, workers) if backend == "cpsat" \
            else raw_highs(inst, time_limit)
        if progress:
            progress()
        ours = through_spmo(text, backend, time_limit)
        if progress:
            progress()
        translate = translate_seconds(text, backend)
        non_solver = ours["total_s"] - ours["solve_s"] + translate
        rows.append({
            "section": "overhead", "instance": inst.name, "size": f"{inst.m}x{inst.n}",
            "backend": backend, "time_limit_s": time_limit, "workers": workers,
            "raw_status": raw["status"], "raw_objective": raw["objective"],
            "raw_build_s": round(raw["build_s"], 4), "raw_solve_s": round(raw["solve_s"], 3),
            "raw_total_s": round(raw["total_s"], 3),
            "spmo_status": ours["status"], "spmo_objective": ours["objective"],
            "spmo_read_s": round(ours["read_s"], 4),
            "spmo_validate_s": round(ours["validate_s"], 4),
            "spmo_translate_s": round(translate, 4), "spmo_solve_s": round(ours["solve_s"], 3),
            "spmo_plan_s": round(ours["plan_s"], 3), "spmo_total_s": round(ours["total_s"], 3),
            "spmo_non_solver_s": round(non_solver, 4),
            "ratio_total": round(ours["total_s"] / raw["total_s"], 3),
            "spmo_model": "{variables} vars, {rows} rows, {nonzeros} nz".format(**ours["model"]),
            "raw_model": f"{inst.n} vars, {inst.m} rows, {int(np.count_nonzero(inst.weights))} nz",
        })
    return rows


STEPS = 4  # progress ticks of run()
