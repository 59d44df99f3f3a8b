"""The plan's gap is relative: |bound - objective| / max(|objective|, 1e-9).

It was |bound - objective| / max(1, |objective|), which for a normalised
objective (a strategic score below 1, a blend) is the absolute gap."""

from __future__ import annotations

import dataclasses

import pytest
from spmo.api.render import gap_text
from spmo.engine.plan import relative_gap
from spmo.solvers import strategy as run
from spmo.solvers.registry import pick

from .conftest import solve_checked
from .family_helpers import costs, doc


def test_relative_gap_formula():
    assert relative_gap(0.5649, 0.5613) == pytest.approx(0.0036 / 0.5613)  # old: 0.0036
    assert relative_gap(1240.0, 1234.5) == pytest.approx(5.5 / 1234.5)     # as before
    assert relative_gap(-9.0, -10.0) == pytest.approx(0.1)
    assert relative_gap(0.0, 0.0) == 0.0
    assert relative_gap(1e-3, 0.0) == pytest.approx(1e6)                   # no division by 0
    assert relative_gap(None, 0.5) is None and relative_gap(0.6, None) is None


def test_gap_text():
    assert gap_text(None) == ""
    assert gap_text(0.0064) == "0.64%"
    assert gap_text(1e6) == "> 10000%"


def normalised_doc() -> dict:
    """One period, budget 10, one objective: strategic scores A 0.5, B 0.3, C 0.3 for
    costs 6, 5, 5. The optimum is B + C = 0.6; the LP bound A + 4/5 B = 0.74, and a
    Lagrangian bound is no lower than it, so the `lagrange` backend (no branching)
    ends `feasible` with a bound above its plan."""
    return doc([{"id": p} for p in "ABC"], periods=1,
               costs=costs("A", 6) + costs("B", 5) + costs("C", 5),
               budgets=[{"limit": 10}], objectives=[{"id": "o", "weight": 1}],
               alignment=[{"project": p, "objective": "o", "score": s}
                          for p, s in (("A", 0.5), ("B", 0.3), ("C", 0.3))],
               settings={"objective": "strategic"})


def test_plan_gap_of_a_normalised_objective_is_relative():
    plan = solve_checked(normalised_doc(), solver="lagrange", time_limit_s=1)
    assert plan.status == "feasible"
    assert plan.objective == pytest.approx(0.6)
    assert plan.bound >= 0.74 - 1e-6
    absolute = plan.bound - plan.objective
    assert plan.gap == pytest.approx(absolute / 0.6)
    assert plan.gap > absolute * 1.5  # the old formula gave the absolute gap here


def test_proven_optimum_of_zero_has_no_gap_from_bound_noise(monkeypatch):
    """A proven optimum of 0 whose bound carries rounding noise (CP-SAT adds its
    objective's scaling error to the bound: 2.4e-9 in a case hypothesis found) is
    reported with bound = objective and gap 0, not a relative gap of 2.4."""
    class Noisy:
        def __init__(self, backend):
            self.backend, self.name, self.capability = backend, backend.name, \
                backend.capability

        def solve(self, model, options):
            result = self.backend.solve(model, options)
            return dataclasses.replace(result, bound=result.objective + 2.4e-9)

    monkeypatch.setattr(run, "pick", lambda _name, model: Noisy(pick("highs", model)))
    d = doc([{"id": "A", "value": -1}], periods=1, costs=costs("A", 1))
    plan = solve_checked(d)
    assert (plan.status, plan.objective, plan.bound, plan.gap) == ("optimal", 0.0, 0.0, 0.0)
