"""The smoothed Lagrangian dual: its gradient is the derivative of its value,
its bound is never below the LP optimum (weak duality) and reaches it, and it
keeps to its time budget."""

from __future__ import annotations

import time

import numpy as np
import pytest
from spmo.engine.model.build import build
from spmo.engine.synthetic.generate import generate_portfolio
from spmo.solvers.large.lagrange import _Relaxation
from spmo.solvers.large.smoothed import _Smoothed, smoothed_dual

from .conftest import portfolio_of


def _lp_optimum(model) -> float:
    """The LP relaxation's optimum, by HiGHS (integrality dropped)."""
    import highspy
    from spmo.solvers.highs import HighsBackend, quiet_highs

    h = quiet_highs(highspy)
    lp = HighsBackend.translate(model, highspy)
    lp.integrality_ = []
    h.passModel(lp)
    h.run()
    assert h.getModelStatus() == highspy.HighsModelStatus.kOptimal
    return -h.getInfo().objective_function_value


@pytest.fixture(scope="module")
def model():
    return build(portfolio_of(generate_portfolio(120, 8, 5, skills=5)))


def test_gradient_is_the_derivative_of_the_smoothed_value(model):
    smooth = _Smoothed(_Relaxation(model))
    rng = np.random.default_rng(0)
    c = model.c[: len(model.starts)]
    tau = float(np.median(np.abs(c[c != 0])))
    z = rng.uniform(0.0, 2e-3, len(smooth.up) + len(smooth.down))
    value, gradient = smooth.value_and_gradient(z, tau)
    sides = len(smooth.up)  # upper-side prices first, then lower-side ones
    assert 0 < sides < len(z)
    picks = np.r_[rng.choice(sides, 8, replace=False),
                  sides + rng.choice(len(z) - sides, min(8, len(z) - sides), replace=False)]
    for i in picks:
        step = np.zeros(len(z))
        step[i] = 1e-7
        up = smooth.value_and_gradient(z + step, tau)[0]
        down = smooth.value_and_gradient(z - step, tau)[0]
        assert (up - down) / 2e-7 == pytest.approx(gradient[i], rel=1e-4, abs=1e-7)


def test_smoothed_value_bounds_the_exact_lagrangian(model):
    """L_tau >= L at any prices, and the gap closes as tau shrinks."""
    relax = _Relaxation(model)
    smooth = _Smoothed(relax)
    z = np.random.default_rng(1).uniform(0.0, 1e-3, len(smooth.up) + len(smooth.down))
    exact = relax.evaluate(smooth.prices(z))[0]
    gaps = [smooth.value_and_gradient(z, tau)[0] - exact for tau in (1e-3, 1e-5, 1e-7)]
    assert all(g >= -1e-12 for g in gaps)
    assert gaps[0] > gaps[1] > gaps[2]


@pytest.mark.parametrize("seed", [5, 8])
def test_bound_reaches_the_lp_optimum_from_above(seed):
    model = build(portfolio_of(generate_portfolio(150, 8, seed, skills=5)))
    lp = _lp_optimum(model)
    dual = smoothed_dual(_Relaxation(model), 20.0)
    assert dual.bound >= lp - 1e-7 * max(1.0, abs(lp))  # weak duality
    assert dual.bound <= lp + 1e-4 * abs(lp), (dual.bound, lp)  # 7 stages: 1e-5 here
    assert len(dual.stage_prices) >= 1


def test_keeps_to_its_time_budget_with_a_true_bound():
    model = build(portfolio_of(generate_portfolio(2000, 12, 3)))
    relax = _Relaxation(model)
    started = time.perf_counter()
    dual = smoothed_dual(relax, 0.5)
    assert time.perf_counter() - started < 5.0  # generous: shared machines are noisy
    assert np.isfinite(dual.bound)
    assert relax.evaluate(dual.prices)[0] == pytest.approx(dual.bound)


@pytest.mark.parametrize("perturbation", [1e-3, 0.3])
def test_perturbed_prices_still_bound_at_the_true_values(perturbation):
    """Prices sought for perturbed start values give the bound L at the true
    values: never below the LP optimum, however large the noise, and within
    about the noise of it."""
    model = build(portfolio_of(generate_portfolio(150, 8, 5, skills=5)))
    lp = _lp_optimum(model)
    relax = _Relaxation(model, perturbation, seed=1)
    assert not np.array_equal(relax.c, model.c) and np.array_equal(relax.c[len(model.starts):],
                                                                   model.c[len(model.starts):])
    dual = smoothed_dual(relax, 20.0)
    assert dual.bound == pytest.approx(relax.bound(dual.prices))
    assert dual.bound == pytest.approx(relax.evaluate(dual.prices, model.c)[0])
    assert dual.bound >= lp - 1e-7 * max(1.0, abs(lp))
    assert dual.bound <= lp + 2 * perturbation * abs(lp) + 1e-4 * abs(lp), (dual.bound, lp)


def test_soft_starts_are_each_projects_softmax():
    """x_tau of the starts: per project, exp(r/tau) / (1 + sum exp(r/tau)) (the
    1 for staying out), so the weights sum to below 1 and the start of largest
    reduced cost has the largest; as tau falls they approach the Lagrangian
    choice (1 on the best start of a project with r > 0, else 0)."""
    from spmo.solvers.large.smoothed import soft_starts

    model = build(portfolio_of(generate_portfolio(60, 6, 3, skills=4)))
    relax = _Relaxation(model)
    prices = smoothed_dual(relax, 5.0).prices
    r = relax.c - relax.transposed @ prices
    n = relax.n_starts
    for tau in (1e-2, 1e-3):
        x = soft_starts(relax, prices, tau)
        total = np.add.reduceat(x, relax.group_start)
        assert np.all(total <= 1 + 1e-12) and np.all(x >= 0)
        for g, first in enumerate(relax.group_start[:5]):
            last = relax.group_start[g + 1] if g + 1 < len(relax.group_start) else n
            rs = np.where(relax.open[first:last], r[first:last], -np.inf)
            expected = np.exp(rs / tau) / (1 + np.exp(rs / tau).sum()) \
                if not relax.group_must[g] else np.exp(rs / tau) / np.exp(rs / tau).sum()
            assert x[first:last] == pytest.approx(expected, rel=1e-6, abs=1e-12)
    best = np.maximum.reduceat(np.where(relax.open, r[:n], -np.inf), relax.group_start)
    total = np.add.reduceat(soft_starts(relax, prices, 1e-9), relax.group_start)
    assert np.allclose(total[best > 1e-6], 1.0) and np.allclose(total[best < -1e-6], 0.0)
    assert (best > 1e-6).any() and (best < -1e-6).any()
