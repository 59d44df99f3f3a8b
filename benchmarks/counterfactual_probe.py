"""Where the time of an exact explanation goes: the forced re-solves of the
example, one at a time, in CPU seconds of this process (HiGHS on one core;
wall time on a shared machine says little), with what was tried to shorten
them. docs/solver-figures.md ("Exact explanations") has the figures.

    .venv/bin/python benchmarks/counterfactual_probe.py all       # every excluded project
    .venv/bin/python benchmarks/counterfactual_probe.py hint P02 P03
    .venv/bin/python benchmarks/counterfactual_probe.py cut P02 P03
    .venv/bin/python benchmarks/counterfactual_probe.py options P02 P03

- all: each forced-in re-solve as spmo runs it (the greedy repair of the base
  optimum as hint), its CPU seconds and nodes; then, per project, whether
  another project's forced optimum (or the base plan) contains it and so is
  a better hint than the repair (the "pool" of the batch);
- hint: the re-solve from the repair against the same re-solve from its own
  optimum, with HiGHS's heuristics on and off (how much is proof, how much
  is search);
- cut: the re-solve with the row c.x <= OPT of the base optimum (valid where
  forcing in lifts no row of the project);
- options: HiGHS options on the re-solves (presolve, heuristics, reliability).
"""

from __future__ import annotations

import dataclasses
import sys
import time
from pathlib import Path

import highspy
import numpy as np
from spmo.engine.io import read_portfolio
from spmo.engine.model.decode import selected_projects
from spmo.engine.model.transforms import forced
from spmo.engine.validate import validate
from spmo.planning.instance import Instance
from spmo.solvers.highs import HighsBackend
from spmo.solvers.large.greedy import greedy_plan

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "northwind.json"
SPMO = {"mip_rel_gap": 0.0, "mip_abs_gap": 1e-9, "mip_feasibility_tolerance": 1e-9,
        "primal_feasibility_tolerance": 1e-9, "random_seed": 0}
NO_HEURISTICS = {"mip_heuristic_run_rins": False, "mip_heuristic_run_rens": False,
                 "mip_heuristic_run_root_reduced_cost": False,
                 "mip_heuristic_run_feasibility_jump": False}
OPTION_SETS = ({}, {"presolve": "off"}, {"mip_heuristic_effort": 0.0},
               {"mip_pscost_minreliable": 2}, NO_HEURISTICS,
               {"mip_heuristic_run_rins": False, "mip_heuristic_run_rens": False})


def run(model, hint=None, options=None):
    """(CPU s, nodes, objective or None, x) of one HiGHS solve."""
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    for key, value in {**SPMO, **(options or {})}.items():
        h.setOptionValue(key, value)
    h.passModel(HighsBackend.translate(model, highspy))
    if hint is not None:
        start = highspy.HighsSolution()
        start.col_value, start.value_valid = list(map(float, hint)), True
        h.setSolution(start)
    t0 = time.process_time()
    h.run()
    seconds = time.process_time() - t0
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return seconds, h.getInfo().mip_node_count, None, None
    x = np.round(np.asarray(h.getSolution().col_value))
    return seconds, h.getInfo().mip_node_count, -h.getInfo().objective_function_value, x


def with_cut(model, value: float):
    """The model with the row c.x <= value."""
    nz = np.flatnonzero(model.c)
    r = model.n_rows
    return dataclasses.replace(
        model, row_name=np.r_[model.row_name, ["objective_cut"]].astype(object),
        row_family=np.r_[model.row_family, ["objective_cut"]].astype(object),
        row_lo=np.r_[model.row_lo, -np.inf], row_hi=np.r_[model.row_hi, value],
        a_row=np.r_[model.a_row, np.full(len(nz), r)], a_col=np.r_[model.a_col, nz],
        a_val=np.r_[model.a_val, model.c[nz]],
        row_project=np.r_[model.row_project, np.array([None], dtype=object)])


def main(argv: list[str]) -> None:
    model = Instance.of(validate(read_portfolio(EXAMPLE))).model
    seconds, nodes, best, base_x = run(model)
    print(f"base: {seconds:.2f} s CPU, {nodes} nodes, optimum {best:.6f}")
    excluded = sorted(set(model.starts["project"]) - set(selected_projects(model, base_x)))
    what, projects = argv[0], argv[1:] or excluded
    found = {}
    for p in projects:
        changed = forced(model, p, "in")
        repair = greedy_plan(changed, prefer=base_x)
        s, n, value, x = run(changed, repair)
        found[p] = x
        line = f"{p}: repair {model.c @ repair if repair is not None else None}, " \
               f"re-solve {s:.2f} s / {n} nodes -> {value}"
        if what == "hint" and x is not None:
            line += "; from its optimum: " + ", ".join(
                f"{label} {run(changed, x, o)[0]:.2f} s" for label, o in
                (("heuristics on", {}), ("off", NO_HEURISTICS)))
        elif what == "cut" and len(model.project_rows(p, "force", "alignment")) == 0:
            line += f"; with c.x <= OPT: {run(with_cut(changed, best + 1e-9), repair)[0]:.2f} s"
        elif what == "options":
            line += "; " + ", ".join(f"{o or 'default'}: {run(changed, repair, o)[0]:.2f} s"
                                     for o in OPTION_SETS)
        print(line, flush=True)
    if what == "all":
        pool = {k: x for k, x in found.items() if x is not None} | {"base": base_x}
        holds = {k: set(selected_projects(model, x)) for k, x in pool.items()}
        better = [p for p in found if any(p in holds[k] for k in pool if k != p)]
        print(f"projects another forced optimum contains: {len(better)} of {len(found)} "
              f"({', '.join(better)})")


if __name__ == "__main__":
    main(sys.argv[1:] or ["all"])
