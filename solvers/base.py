"""What every backend shares: options, capabilities, status, result, hints and
a stdout silencer.

A backend turns the solver-neutral `LinearModel` into its own model, solves
it and hands back a `Result` in one status vocabulary: optimal (proven
within the requested relative gap), feasible (a plan, gap open), infeasible
(proven), no_solution (a limit was reached with no plan). `error` (the
solver rejected the model or failed) never leaves a backend in a Result: the
backend raises `SolverError` instead, since a plan cannot carry it.

Determinism: the same model and options give the same plan on every backend
(seed 0 when none is given; deterministic multi-thread modes; see
docs/solvers.md). `work_limit` bounds a solve in deterministic work units
(about a second of one core each) instead of wall time, so that a re-solve
under a budget gives the same answer on a busy machine.
"""

from __future__ import annotations

import contextlib
import contextvars
import os
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

import numpy as np
from spmo.engine.model.linear import LinearModel
from spmo.engine.plan import relative_gap


class Status(StrEnum):
    OPTIMAL = "optimal"
    FEASIBLE = "feasible"
    INFEASIBLE = "infeasible"
    NO_SOLUTION = "no_solution"
    ERROR = "error"
    """The solver rejected the model or failed: backends raise SolverError on it."""


@dataclass(frozen=True)
class Capability:
    """What a backend can do, as data; solvers.strategy reads it (no backend
    is told apart by its name)."""

    hints: bool = False
    """It starts from a given plan (SolveOptions.hint)."""
    prices_itself: bool = False
    continuous_shares: bool = True
    """It solves continuous share variables exactly (partial funding with
    projects.min_scope and no scope_step). CP-SAT works on an integer grid: it
    cannot, and the registry refuses it such a model (stepped shares it takes)."""
    """It finds its own Lagrangian prices: no warm start by pricing first,
    and its hint is always the first plan."""


@dataclass(frozen=True)
class SolveOptions:
    """Limits of one solve; defaults are the contract's.

    `work_limit`: deterministic work units (CP-SAT's deterministic time; for
    HiGHS and CBC a node limit derived from it), None for none; the time limit
    still applies.

    `stop`: a stop signal (a threading.Event); once it is set the backend ends
    the search within about STOP_POLL_S seconds and answers as at a time limit
    (the best plan so far: feasible, or no_solution). None: the ambient signal
    of `stop_when`, if any (see `stop_signal`)."""

    time_limit_s: float = 30.0
    relative_gap: float = 0.0
    workers: int | None = None
    seed: int | None = None
    hint: np.ndarray | None = None
    work_limit: float | None = None
    stop: threading.Event | None = None

    @property
    def threads(self) -> int:
        return self.workers or os.cpu_count() or 1

    @property
    def random_seed(self) -> int:
        """The seed handed to the solver: 0 when none is given (runs repeat)."""
        return 0 if self.seed is None else int(self.seed)


@dataclass(frozen=True)
class Result:
    """A backend's answer: status, assignment x (None without a plan), the
    solver's objective and proven bound (maximisation), seconds, notes, and
    where the backend priced the rows, the reduced costs r = c - A^T pi.

    Frozen: derive a changed result with `dataclasses.replace`."""

    status: Status
    x: np.ndarray | None
    objective: float | None
    bound: float | None
    seconds: float
    solver: str
    notes: list[str] = field(default_factory=list)
    reduced_costs: np.ndarray | None = None

    @property
    def gap(self) -> float | None:
        """|bound - objective| / max(|objective|, 1e-9) (engine.plan.relative_gap, the
        plan's definition); None without both."""
        return relative_gap(self.bound, self.objective)


class Backend(Protocol):
    """A solver backend."""

    name: str
    capability: Capability

    def available(self) -> bool: ...

    def solve(self, model: LinearModel, options: SolveOptions) -> Result: ...


def clipped_hint(model: LinearModel, hint) -> np.ndarray | None:
    """A hint inside its variables' bounds: clipped to [lb, ub], integer
    variables rounded (then clipped again). A hint computed in floats, such as
    bought FTE 1.1 - 1.0 = 0.10000000000000009 against extra_fte 0.1, would
    otherwise be refused (PuLP raises) or ignored by a solver."""
    if hint is None:
        return None
    x = np.clip(np.asarray(hint, dtype=float), model.lb, model.ub)
    x = np.where(model.integer, np.round(x), x)
    return np.clip(x, model.lb, model.ub)


@contextlib.contextmanager
def quiet_stdout(enabled: bool = True):
    """File descriptor 1 goes to /dev/null inside the block: solver banners and
    logs printed by C code (HiGHS prints one on construction) stay out of
    `--json` output."""
    if not enabled:
        yield
        return
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 1)
            yield
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(saved)


STOP_POLL_S = 0.2
"""How often a backend's watcher looks at the stop signal (seconds)."""
_AMBIENT_STOP: contextvars.ContextVar[threading.Event | None] = contextvars.ContextVar(
    "spmo_stop", default=None)


@contextlib.contextmanager
def stop_when(signal: threading.Event) -> Iterator[threading.Event]:
    """Inside the block, every solve of this thread (and context) whose options
    carry no `stop` of their own stops once `signal` is set: a job's cancel
    reaches the solver through the planning layers without each passing it on.
    A solve in another thread or process (a batch) does not see it."""
    token = _AMBIENT_STOP.set(signal)
    try:
        yield signal
    finally:
        _AMBIENT_STOP.reset(token)


def stop_signal(options: SolveOptions) -> threading.Event | None:
    """The stop signal a solve obeys: its options' own, else the ambient one."""
    return options.stop if options.stop is not None else _AMBIENT_STOP.get()


@contextlib.contextmanager
def halting(options: SolveOptions, halt: Callable[[], None]) -> Iterator[None]:
    """While the block runs (a solve), a watcher thread calls `halt()` (e.g.
    CP-SAT's stop_search) every STOP_POLL_S seconds once the stop signal is set,
    so a halt asked before the solver started is repeated until it takes. No
    signal: no thread."""
    signal = stop_signal(options)
    if signal is None:
        yield
        return
    finished = threading.Event()

    def watch() -> None:
        while not finished.wait(STOP_POLL_S):
            if signal.is_set():
                halt()

    watcher = threading.Thread(target=watch, name="spmo-stop-watcher", daemon=True)
    watcher.start()
    try:
        yield
    finally:
        finished.set()
        watcher.join()
