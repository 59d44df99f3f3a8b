"""The time limit bounds the whole request: plan() leaves the report its
reserve (planning.options.report_reserve), so the solve gets the limit less
what the model's build took and that reserve."""

from __future__ import annotations

import pytest
from spmo.engine.io import read_portfolio
from spmo.engine.validate import validate
from spmo.planning import options as plan_options
from spmo.planning import pipeline

from .conftest import EXAMPLES


@pytest.fixture
def seen_limits(monkeypatch) -> list[float]:
    """The time limit of every solve plan() starts."""
    limits: list[float] = []
    real = pipeline.solve

    def spy(model, solver, options, first=None):
        limits.append(options.time_limit_s)
        return real(model, solver, options, first=first)

    monkeypatch.setattr(pipeline, "solve", spy)
    return limits


def test_reserve_is_per_nonzero_and_a_share_of_the_limit():
    assert plan_options.report_reserve(0, 0.0) == 0.0
    assert plan_options.report_reserve(2_000_000, 60.0) == pytest.approx(
        2_000_000 * plan_options.REPORT_SECONDS_PER_NONZERO
        + 60.0 * plan_options.REPORT_SHARE)


def test_solve_leaves_the_reserve(seen_limits, monkeypatch):
    portfolio = validate(read_portfolio(EXAMPLES / "northwind.json"))
    nonzeros = 4_435  # the example's model (docs/solver-figures.md)
    monkeypatch.setattr(plan_options, "REPORT_SECONDS_PER_NONZERO", 3.0 / nonzeros)
    monkeypatch.setattr(plan_options, "REPORT_SHARE", 0.125)
    plan = pipeline.plan(portfolio, time_limit_s=8.0, explain="none")
    assert plan.model_size["nonzeros"] == nonzeros
    assert len(seen_limits) == 1
    assert 3.0 < seen_limits[0] <= 4.0  # 8 s less the build and the 3 s + 1 s reserve


def test_small_models_keep_their_whole_limit(seen_limits):
    portfolio = validate(read_portfolio(EXAMPLES / "northwind.json"))
    pipeline.plan(portfolio, time_limit_s=8.0, explain="none")
    assert seen_limits[0] > 7.0  # less the 0.5 % share and the build
