"""The integer rows CP-SAT sees (solvers/cpsat_scaling.py): exact where they say
so, never looser than the float rows, and never beyond ROW_LIMIT.

Rows are drawn at random over magnitudes 1e-6..1e14 with random decimals; for
every binary assignment x of a few variables, a row marked exact holds in
integers exactly when it holds in floats, and a rounded row that holds in
integers holds in floats (never the other way), both up to float noise
(1e-14 of the row's scale: a bound loosened by 1e-11 fails)."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from spmo.engine.model.linear import LinearModel
from spmo.solvers.base import SolveOptions, Status
from spmo.solvers.cpsat import CpSatBackend, sides
from spmo.solvers.cpsat_scaling import ROW_LIMIT, ScaledRows, scaled_objective, var_units

from .conftest import portfolio_of
from .scale_instances import choice_knapsack


def _model(a: np.ndarray, lo: np.ndarray, hi: np.ndarray, c=None, integer=None,
           ub=None) -> LinearModel:
    m, n = a.shape
    rows, cols = np.nonzero(a)
    return LinearModel(
        lb=np.zeros(n), ub=np.ones(n) if ub is None else ub,
        integer=np.ones(n, dtype=bool) if integer is None else integer,
        c=np.ones(n) if c is None else c,
        row_name=np.array([f"r[{i}]" for i in range(m)], dtype=object),
        row_family=np.array(["r"] * m, dtype=object), row_lo=lo, row_hi=hi,
        a_row=rows, a_col=cols, a_val=a[rows, cols], starts=pd.DataFrame(),
        extra=pd.DataFrame(), pairs=pd.DataFrame())


def _random_rows(seed: int, m: int = 60, n: int = 6) -> LinearModel:
    rng = np.random.default_rng(seed)
    magnitude = 10.0 ** rng.integers(-6, 15, size=(m, 1))
    digits = rng.integers(1, 15, size=(m, 1))  # significant digits
    a = np.round(rng.uniform(-1, 1, (m, n)) * 10.0**digits) / 10.0**digits * magnitude
    a[rng.random(m) < 0.15] *= np.pi  # no decimal scale: rounded outwards
    a[rng.random((m, n)) < 0.2] = 0.0
    a[:, 0] = np.where(a[:, 0] == 0, magnitude[:, 0], a[:, 0])
    total = np.abs(a).sum(axis=1)
    hi = np.round(rng.uniform(-0.3, 0.8, m) * total, 3)
    lo = np.where(rng.random(m) < 0.5, -np.inf, hi - np.round(rng.uniform(0, 0.5, m) * total, 3))
    hi = np.where(rng.random(m) < 0.2, np.inf, hi)
    return _model(a, lo, hi)


def _holds_in_integers(rows: ScaledRows, i: int, x: np.ndarray, cols: np.ndarray) -> bool:
    a, b = rows.starts[i], rows.starts[i + 1]
    return all(lo <= np.dot(coefs, x[cols]) <= hi for coefs, lo, hi in sides(rows, i, a, b))


@pytest.mark.parametrize("seed", range(4))
def test_integer_rows_are_exact_or_safe(seed):
    model = _random_rows(seed)
    rows = ScaledRows(model)
    assert rows.exact.sum() >= 10 and rows.coarsened >= 10, "draws should hit both kinds"
    bound_scale = np.abs(np.nan_to_num(model.row_hi, posinf=0)) + \
        np.abs(np.nan_to_num(model.row_lo, neginf=0))
    for bits in itertools.product((0, 1), repeat=model.n_vars):
        x = np.array(bits, dtype=float)
        act = model.activity(x)
        for i in range(model.n_rows):
            cols = model.a_col[rows.starts[i]:rows.starts[i + 1]]
            integer = _holds_in_integers(rows, i, x, cols)
            tol = 1e-14 * max(bound_scale[i], np.abs(model.a_val[model.a_row == i]).sum())
            floats = model.row_lo[i] - tol <= act[i] <= model.row_hi[i] + tol
            if integer:
                assert floats, (seed, i, bits)
            if rows.exact[i] and floats:
                strict = model.row_lo[i] <= act[i] <= model.row_hi[i]
                assert integer or not strict, (seed, i, bits)
        magnitudes = np.bincount(model.a_row, weights=np.abs(rows.up), minlength=model.n_rows)
        assert np.all(magnitudes <= ROW_LIMIT)


def test_gcd_makes_round_amounts_small_and_exact():
    """Costs in thousands against a budget: divided by 1000, bound rounded inwards."""
    model = _model(np.array([[3000.0, 6000.0, 9000.0]]), np.array([-np.inf]),
                   np.array([10500.0]))
    rows = ScaledRows(model)
    assert rows.exact[0] and rows.up.tolist() == [1, 2, 3] and rows.hi[0] == 3


def test_large_rows_are_coarsened_the_safe_way():
    """Coefficients of 1e14 with no common divisor: above ROW_LIMIT, so rounded
    up to a coarser unit f (every integer plan still fits the float row), and
    the solve reports feasible without a bound."""
    a = np.array([[123456789012345.0, 234567890123457.0, 345678901234561.0]])
    model = _model(a, np.array([-np.inf]), np.array([4e14]), c=np.array([3.0, 2.0, 4.0]))
    rows = ScaledRows(model)
    f = rows.factor[0]
    assert not rows.exact[0] and rows.coarsened == 1 and f > 1
    assert np.all(rows.up * f >= a[0]) and np.all(rows.up * f - a[0] < f)
    assert rows.hi[0] == np.floor(4e14 / f) and rows.up.sum() <= ROW_LIMIT
    result = CpSatBackend().solve(model, SolveOptions(time_limit_s=5, workers=1))
    assert result.status == Status.FEASIBLE and result.bound is None
    assert any("rounded conservatively" in n for n in result.notes)
    assert result.objective == 5.0  # {first, second}: 3.58e14 fits, any pair with the third not


def test_a_huge_objective_keeps_an_honest_bound():
    """Objective coefficients of 1e17 (beyond exact float integers) are scaled
    down to ROW_LIMIT; the rounding error widens the bound, never the plan."""
    rng = np.random.default_rng(7)
    n = 8
    c = np.round(rng.uniform(1, 9, n), 6) * 1e17
    w = rng.integers(1, 10, n).astype(float)
    model = _model(w[None, :], np.array([-np.inf]), np.array([w.sum() / 2]), c=c)
    ints, value, error = scaled_objective(model, var_units(model))
    assert np.abs(ints).sum() <= ROW_LIMIT and 0 < error <= 1e-9 * c.sum()
    best = max(float(c @ np.array(x)) for x in itertools.product((0, 1), repeat=n)
               if np.dot(w, x) <= w.sum() / 2)
    result = CpSatBackend().solve(model, SolveOptions(time_limit_s=5, workers=1))
    assert result.objective == pytest.approx(float(c @ result.x), rel=1e-15)
    assert result.bound >= best * (1 - 1e-15)
    if result.status == Status.OPTIMAL:
        assert result.objective == pytest.approx(best, rel=1e-9)


def test_continuous_steps_follow_their_row_grid():
    """e in a row of four-decimal coefficients with coefficient -1 counts steps of
    1e-4; bought FTE of 1e-4 fractions (two decimals) counts steps of 1e-6."""
    a = np.array([[0.1234, 0.5678, 0.25, -1.0]])
    model = _model(a, np.array([-np.inf]), np.array([0.3]), ub=np.array([1, 1, 1, 0.7]),
                   integer=np.array([True, True, True, False]))
    assert var_units(model)[3] == pytest.approx(1e-4, rel=1e-12)
    fte = _built(choice_knapsack(5, fte=1e-4))
    e = int(fte.extra["var"].iloc[0])
    assert var_units(fte)[e] == pytest.approx(1e-6, rel=1e-12)
    assert np.all(var_units(fte)[fte.integer] == 1.0)


def _built(doc):
    from spmo.engine.model.build import build

    return build(portfolio_of(doc))
