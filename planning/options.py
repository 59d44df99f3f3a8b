"""What one plan may do and how long: `PlanOptions`, and the request's `Deadline`.

The time limit T (`--time-limit`, `time_limit` over HTTP, else the
portfolio's `settings.time_limit_s`) bounds the whole request: the solve,
then the explanations or the analysis of infeasibility. Each step takes the
smaller of its own cap (`TimeCaps`) and what is left of T. With explanations
asked for, the solve may take SOLVE_SHARE of T (the rest is theirs, plus
whatever the solve did not use); without, all of T. Either way it leaves
`report_reserve` seconds for the checked Plan (half a per cent of T below about a
million non-zeros; about 30 s at 100,000 projects x 20 periods).

Explanation re-solves are also bounded by deterministic work
(`TimeCaps.counterfactual_work`, the backends' work units: CP-SAT's
deterministic time, HiGHS's node limit) so that the same input gives the
same figures on a busy machine and an idle one; the wall-clock deadline is
only the safety net (a figure cut by it is reported as an interval or as not
computed, and the plan says how many are exact).
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from spmo.engine.portfolio import Portfolio
from spmo.solvers.base import SolveOptions

EXPLAIN_MODES = ("auto", "exact", "estimate", "none")
SOLVE_SHARE = {"exact": 0.5, "estimate": 0.8, "none": 1.0}
"""Share of T the solve may take, by the explanation mode (after `auto` is resolved)."""
EXACT_LIMIT = 300
"""`auto` explains exactly up to this many projects, by estimates beyond."""
REPORT_SECONDS_PER_NONZERO = 1e-6
"""Seconds the solve leaves, per non-zero of the model, for the checked Plan
(the independent check, the reasons of every excluded project, the tables):
1.7 times what it took at 100,000 x 20 (28.6 M non-zeros, 16.5 s at load 3
to 4; docs/solver-figures.md), so that the time limit bounds the whole
request on the largest models too."""
REPORT_SHARE = 0.005
"""Share of the time limit the solve leaves besides: a backend overshoots its
own limit by a little (HiGHS by 0.04 s of 59.7 s on 1,000 x 12), and a
small model's report is not free (0.19 s there)."""


def report_reserve(nonzeros: int, limit: float) -> float:
    """Seconds kept from the solve, of a time limit `limit`, for the report of
    a model with `nonzeros` non-zeros: REPORT_SECONDS_PER_NONZERO each and
    REPORT_SHARE of the limit."""
    return REPORT_SECONDS_PER_NONZERO * nonzeros + REPORT_SHARE * limit


@dataclass(frozen=True)
class TimeCaps:
    """The longest each step of a request may take (seconds), whatever T is."""

    conflict_s: float = 20.0
    """CP-SAT core and deletion filter of an infeasible model."""
    relaxation_s: float = 20.0
    """The elastic re-solve that finds the least relaxation."""
    counterfactual_s: float = 30.0
    """One re-solve of an explanation under `auto` (a safety net: the work limit
    below normally ends it first, the same way on any machine)."""
    estimate_s: float = 20.0
    """The LP (or Lagrangian prices) behind estimates."""
    forced_conflict_s: float = 10.0
    """The conflict of a project that no plan can contain."""
    counterfactual_work: float = 4.0
    """Deterministic work of one explanation re-solve under `auto`, in the
    backends' work units (about a second of one core: CP-SAT's deterministic
    time, 250 branch-and-bound nodes for HiGHS and CBC; docs/solvers.md)."""


@dataclass(frozen=True)
class PlanOptions:
    """Everything a caller may choose about one plan; None: the portfolio's settings."""

    solver: str | None = None
    time_limit_s: float | None = None
    relative_gap: float | None = None
    explain: str = "none"
    explain_only: tuple[str, ...] | None = None
    hint: np.ndarray | None = None
    first: Mapping[str, str] | None = None
    """A plan known to keep every row, as its starts (project id -> period id),
    e.g. a lower budget level's plan on the frontier: the solve starts from it
    and returns nothing worse (planning.first; ignored when it breaks a row)."""
    warm: Mapping[str, str] | None = None
    """A plan by its starts that may break rows here, e.g. the base plan before
    a scenario's change: repaired by the greedy (planning.first.repaired_x),
    it is the solve's first plan and hint (ignored when `first` is given)."""
    caps: TimeCaps = TimeCaps()
    limit_explanations: bool = True
    """False: the time limit bounds the solve only and explanations are bounded
    by deterministic work alone (`spmo explain` without --time-limit), so the
    same input gives the same sentences whatever the machine's load."""

    def with_overrides(self, **overrides) -> PlanOptions:
        """A copy with the given fields replaced (None values are ignored)."""
        given = {k: v for k, v in overrides.items() if v is not None}
        if "explain_only" in given:
            given["explain_only"] = tuple(given["explain_only"])
        return dataclasses.replace(self, **given)


class Deadline:
    """A point in wall-clock time (time.time(), so it survives a fork or a pickle)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = float(seconds)
        self.at = time.time() + self.seconds

    def left(self) -> float:
        """Seconds left, never negative."""
        return max(0.0, self.at - time.time())

    def cap(self, seconds: float) -> float:
        """The smaller of `seconds` and what is left."""
        return min(float(seconds), self.left())

    def passed(self) -> bool:
        return self.left() <= 0.0


def solve_options(portfolio: Portfolio, options: PlanOptions, seconds: float) -> SolveOptions:
    """The backend's options: the caller's, else the portfolio's settings."""
    s = portfolio.settings
    gap = s.relative_gap if options.relative_gap is None else options.relative_gap
    return SolveOptions(time_limit_s=max(seconds, 0.1), relative_gap=gap, workers=s.workers,
                        seed=s.seed, hint=options.hint)
