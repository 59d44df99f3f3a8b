"""How large may CP-SAT's integer rows be? The measurement behind ROW_LIMIT.

    .venv/bin/python benchmarks/cpsat_magnitudes.py sweep [--seeds 150]
    .venv/bin/python benchmarks/cpsat_magnitudes.py family [--seeds 10]

Not part of `make bench` (it measures a solver bug, not spmo's speed).

sweep: the issue-13 knapsacks (tests/scale_instances.py, groups of 1 and 2;
costs of 4.6e6..9.0e9 whole units) with the budget row divided by a factor
(coefficients rounded, so each factor is a knapsack of its own) and solved by
CP-SAT without a magnitude limit (ROW_LIMIT infinite; multiplying the row
instead would change nothing: spmo and CP-SAT divide it by its gcd), with OR-Tools'
default parameters and with presolve_inclusion_work_limit 0; HiGHS is the
reference. Prints, per factor, the largest coefficient and the median row
magnitude (sum of |coefficients|, log2) and the count of wrong `optimal`.

family: the agreement family of tests/test_magnitudes.py (money 1e-4..1e12,
with and without tiny FTE, groups of 1, 2 and 4) through the CP-SAT backend
under each (ROW_LIMIT, parameters) pair: wrong `optimal` claims, plans below
HiGHS's optimum, and how many solves CP-SAT still proves.
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from spmo.engine.model.build import build  # noqa: E402
from spmo.engine.validate import validate_document  # noqa: E402
from spmo.solvers import cpsat, cpsat_scaling  # noqa: E402
from spmo.solvers.base import SolveOptions  # noqa: E402
from spmo.solvers.highs import HighsBackend  # noqa: E402

from tests.scale_instances import choice_knapsack  # noqa: E402

PARAMETERS = {"default": {}, "inclusion-0": {"presolve_inclusion_work_limit": 0}}
OPTIONS = SolveOptions(time_limit_s=20, workers=1)


def _cpsat(model, limit: float, parameters: dict):
    """The CP-SAT backend with another ROW_LIMIT and parameter set."""
    cpsat_scaling.ROW_LIMIT, cpsat.ROW_LIMIT = limit, limit
    cpsat.SAFE_PARAMETERS = parameters
    return cpsat.CpSatBackend().solve(model, OPTIONS)


def _below(reference: float, objective: float) -> bool:
    return reference - objective > 1e-6 * abs(reference)


def sweep(seeds: int) -> None:
    for factor in (1.0, 3.0, 10.0, 30.0, 100.0, 1e3, 1e4):
        wrong = dict.fromkeys(PARAMETERS, 0)
        largest, sums = [], []
        for group, seed in itertools.product((1, 2), range(seeds)):
            model = build(validate_document(choice_knapsack(seed, group_size=group)))
            budget = model.row_family == "budget"
            entry = budget[model.a_row]
            model = dataclasses.replace(
                model, a_val=np.where(entry, np.round(model.a_val / factor), model.a_val),
                row_hi=np.where(budget, np.floor(model.row_hi / factor), model.row_hi))
            largest.append(np.abs(model.a_val[entry]).max())
            sums.append(np.abs(model.a_val[entry]).sum())
            best = HighsBackend().solve(model, OPTIONS).objective
            for name, parameters in PARAMETERS.items():
                r = _cpsat(model, np.inf, parameters)
                wrong[name] += r.status == "optimal" and _below(best, r.objective)
        print(f"budget row / {factor:g}: largest 2^{np.log2(max(largest)):.1f}, row sum "
              f"2^{np.log2(np.median(sums)):.1f} (median); wrong optimal of {2 * seeds}: "
              + ", ".join(f"{k} {v}" for k, v in wrong.items()), flush=True)


def family(seeds: int) -> None:
    configs = [(limit, name) for limit in (2.0**30, 2.0**40, np.inf) for name in PARAMETERS]
    stats = {c: [0, 0, 0] for c in configs}
    count = 0
    for seed, group, money, fte in itertools.product(
            range(seeds), (1, 2, 4), (1e-4, 1e-2, 1.0, 1e3, 1e6, 1e9, 1e12), (None, 1e-4)):
        model = build(validate_document(choice_knapsack(seed, group_size=group, money=money,
                                                        fte=fte)))
        best = HighsBackend().solve(model, OPTIONS).objective
        count += 1
        for limit, name in configs:
            r = _cpsat(model, limit, PARAMETERS[name])
            below = _below(best, r.objective)
            stats[(limit, name)][0] += r.status == "optimal" and below
            stats[(limit, name)][1] += below
            stats[(limit, name)][2] += r.status == "optimal"
    for (limit, name), (wrong, below, proven) in stats.items():
        print(f"ROW_LIMIT 2^{np.log2(limit):g} {name}: wrong optimal {wrong} of {count}, "
              f"below HiGHS {below}, proven optimal {proven}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=["sweep", "family"])
    parser.add_argument("--seeds", type=int, default=None)
    args = parser.parse_args()
    if args.what == "sweep":
        sweep(args.seeds or 150)
    else:
        family(args.seeds or 10)


if __name__ == "__main__":
    main()
