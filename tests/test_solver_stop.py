"""A stop signal ends a running solve (SolveOptions.stop, solvers.base.stop_when):
a multi-dimensional knapsack no backend proves in a minute is stopped about a
second in, long before its 60 s limit, and answers as at a time limit."""

from __future__ import annotations

import threading
import time

import numpy as np
import pandas as pd
import pytest
from spmo.engine.model.linear import LinearModel
from spmo.solvers.base import SolveOptions, Status, stop_signal, stop_when
from spmo.solvers.cpsat import CpSatBackend
from spmo.solvers.highs import HighsBackend

LIMIT_S = 60.0


def hard_knapsack(n: int = 400, m: int = 30, seed: int = 7) -> LinearModel:
    """max c.x, A x <= half of each row's total, x binary: correlated weights
    and values, far too many nodes to prove within a minute."""
    rng = np.random.default_rng(seed)
    a = rng.integers(200, 1000, size=(m, n)).astype(float)
    c = a.mean(axis=0) + rng.integers(0, 50, size=n)
    rows, cols = np.nonzero(a)
    return LinearModel(
        lb=np.zeros(n), ub=np.ones(n), integer=np.ones(n, dtype=bool), c=c,
        row_name=np.array([f"r[{i}]" for i in range(m)], dtype=object),
        row_family=np.array(["r"] * m, dtype=object), row_lo=np.full(m, -np.inf),
        row_hi=a.sum(axis=1) / 2, a_row=rows, a_col=cols, a_val=a[rows, cols],
        starts=pd.DataFrame(), extra=pd.DataFrame(), pairs=pd.DataFrame())


def stopped_after(backend, seconds: float, ambient: bool) -> tuple[float, object]:
    """(wall seconds, result) of a solve whose stop signal is set `seconds` in."""
    signal = threading.Event()
    options = SolveOptions(time_limit_s=LIMIT_S, workers=1,
                           stop=None if ambient else signal)
    threading.Timer(seconds, signal.set).start()
    started = time.perf_counter()
    if ambient:
        with stop_when(signal):
            result = backend.solve(hard_knapsack(), options)
    else:
        result = backend.solve(hard_knapsack(), options)
    return time.perf_counter() - started, result


@pytest.mark.parametrize("backend", [CpSatBackend(), HighsBackend()], ids=lambda b: b.name)
@pytest.mark.parametrize("ambient", [False, True], ids=["options", "stop_when"])
def test_a_set_stop_signal_ends_the_solve_long_before_its_limit(backend, ambient):
    seconds, result = stopped_after(backend, 1.0, ambient)
    assert seconds < 15, f"{backend.name} ran {seconds:.1f} s after the stop (limit {LIMIT_S})"
    assert result.status in (Status.FEASIBLE, Status.NO_SOLUTION)  # not proven: stopped
    if result.x is not None:  # the best plan so far, within every row
        model = hard_knapsack()
        loads = np.bincount(model.a_row, weights=model.a_val * result.x[model.a_col],
                            minlength=len(model.row_hi))
        assert np.all(loads <= model.row_hi + 1e-6)


def test_the_ambient_signal_is_the_blocks_and_the_options_own_comes_first():
    outer, own = threading.Event(), threading.Event()
    assert stop_signal(SolveOptions()) is None
    with stop_when(outer):
        assert stop_signal(SolveOptions()) is outer
        assert stop_signal(SolveOptions(stop=own)) is own
        seen = []
        worker = threading.Thread(target=lambda: seen.append(stop_signal(SolveOptions())))
        worker.start()
        worker.join()
        assert seen == [None]  # another thread does not see this block's signal
    assert stop_signal(SolveOptions()) is None
