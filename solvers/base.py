"""What every backend shares: options, capabilities, status and result.

A backend turns the solver-neutral `LinearModel` into its own model, solves
it and hands back a `Result` in one status vocabulary: optimal (proven),
feasible (a plan, gap open), infeasible (proven), no_solution (time ran out
with no plan).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

import numpy as np
from spmo.engine.model.linear import LinearModel


class Status(StrEnum):
    OPTIMAL = "optimal"
    FEASIBLE = "feasible"
    INFEASIBLE = "infeasible"
    NO_SOLUTION = "no_solution"


@dataclass(frozen=True)
class Capability:
    """What a backend can do, as data (the registry and the explainers read it)."""

    hints: bool = False
    assumptions: bool = False
    time_limit: bool = True
    relative_gap: bool = True
    threads: bool = True
    continuous: bool = True


@dataclass(frozen=True)
class SolveOptions:
    """Limits of one solve; defaults are the contract's."""

    time_limit_s: float = 30.0
    relative_gap: float = 0.0
    workers: int | None = None
    seed: int | None = None
    hint: np.ndarray | None = None

    @property
    def threads(self) -> int:
        return self.workers or os.cpu_count() or 1


@dataclass
class Result:
    """A backend's answer: status, assignment x (None without a plan), the
    solver's objective and proven bound (maximisation), seconds, notes, and
    where the backend priced the rows, the reduced costs r = c - A^T pi."""

    status: Status
    x: np.ndarray | None
    objective: float | None
    bound: float | None
    seconds: float
    solver: str
    notes: list[str] = field(default_factory=list)
    reduced_costs: np.ndarray | None = None


class Backend(Protocol):
    """A solver backend."""

    name: str
    capability: Capability

    def available(self) -> bool: ...

    def solve(self, model: LinearModel, options: SolveOptions) -> Result: ...
