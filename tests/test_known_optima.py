"""Published MKP optima, solved through spmo: the adapter's portfolio, validated, solved,
re-checked, must reach exactly the value the literature proves optimal.

OR-Library mknap1 (7 problems, Petersen 1967 R&D project selection) and mknap2 (48
SAC-94 problems) have proven optima listed in best_known.csv (tests/data/mkp: the
files these tests need, copied into the repository).
Each is solved with the default backend (auto), and mknap1 plus the WEING (Weingartner-
Ness capital budgeting) and SENTO problems also with CP-SAT. Besides spmo's own
re-check, the selection is checked against the raw instance arrays: it fits every
knapsack row and its profit is the reported objective.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
import pytest
from spmo.engine.synthetic.mkp import MkpInstance, read_best_known, read_mkp_file, to_portfolio

from .conftest import MKP_DATA as DATA
from .conftest import solve_checked

FILES = ("orlib/mknap1.txt", "orlib/mknap2.txt")
TOL = 1e-6


@cache
def _instances(file: str) -> tuple[MkpInstance, ...]:
    if not (DATA / file).is_file():
        pytest.fail(f"MKP benchmark file missing: {DATA / file} (tests/data/mkp)")
    return tuple(read_mkp_file(DATA / file))


@cache
def _best() -> dict[tuple[str, int], tuple[float, bool]]:
    path = DATA / "best_known.csv"
    if not path.is_file():
        pytest.fail(f"MKP best-known table missing: {path} (tests/data/mkp)")
    frame = read_best_known(path)
    return {(r.file, r.index): (r.best_value, r.proven_optimal) for r in frame.itertuples()}


# mknap1 has 7 problems and mknap2 48 (see tests/data/mkp/README.md); the ids are
# fixed here so that a missing data folder fails the tests instead of collecting none.
CASES = [("orlib/mknap1.txt", k) for k in range(7)] + [("orlib/mknap2.txt", k) for k in range(48)]
# mknap2 order: SENTO1-2 (0-1), WEING1-8 (2-9), WEISH01-30, PB1/2/4/5/6/7, HP1-2.
CPSAT_CASES = [("orlib/mknap1.txt", k) for k in range(7)] + [("orlib/mknap2.txt", k)
                                                             for k in range(10)]


def _case_id(case: tuple[str, int]) -> str:
    return f"{Path(case[0]).stem}-{case[1]}"


def test_data_present_and_complete():
    """Every file reads, with the instance counts the README states."""
    assert len(_instances("orlib/mknap1.txt")) == 7
    assert len(_instances("orlib/mknap2.txt")) == 48
    names = [i.name for i in _instances("orlib/mknap2.txt")]
    assert [names[k].upper() for k in range(10)] == \
        ["SENTO1", "SENTO2"] + [f"WEING{k}" for k in range(1, 9)]
    for file in FILES:
        for inst in _instances(file):
            assert (file, inst.index) in _best(), (file, inst.index)
            assert _best()[(file, inst.index)][1], f"{file} #{inst.index} not marked proven"


def _solve_and_compare(file: str, index: int, **kwargs) -> None:
    inst = _instances(file)[index]
    known, proven = _best()[(file, index)]
    assert proven
    plan = solve_checked(to_portfolio(inst), **kwargs)
    assert plan.status == "optimal", (inst.name, plan.status, plan.gap)
    assert plan.objective == pytest.approx(known, abs=TOL, rel=0), (inst.name, plan.objective)
    # The selection against the raw arrays, independently of spmo's model and checker.
    chosen = np.zeros(inst.n, dtype=bool)
    for row in plan.selected:
        assert row.project.startswith("j") and row.start == "t1", row
        chosen[int(row.project[1:]) - 1] = True
    assert len(plan.selected) == int(chosen.sum())
    usage = inst.weights @ chosen
    assert np.all(usage <= inst.capacities + 1e-9), (inst.name, usage - inst.capacities)
    assert float(inst.profits @ chosen) == pytest.approx(known, abs=TOL, rel=0)
    if plan.bound is not None:
        assert plan.bound == pytest.approx(known, abs=TOL, rel=0)
    assert plan.gap is None or plan.gap <= 1e-9


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_published_optimum_default_solver(case):
    _solve_and_compare(*case)


@pytest.mark.parametrize("case", CPSAT_CASES, ids=_case_id)
def test_published_optimum_cpsat(case):
    _solve_and_compare(*case, solver="cpsat")


def test_fractional_profits_kept():
    """mknap1 #1 has fractional profits: its optimum 8706.1 must not be rounded."""
    assert _best()[("orlib/mknap1.txt", 1)][0] == pytest.approx(8706.1, abs=TOL)
    plan = solve_checked(to_portfolio(_instances("orlib/mknap1.txt")[1]), solver="cpsat")
    assert plan.objective == pytest.approx(8706.1, abs=TOL, rel=0)
