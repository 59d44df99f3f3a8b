"""The engine's public exceptions and the problem record they carry.

Every failure a user can cause is one of these, never a bare traceback:
`InvalidPortfolio` lists every problem of the input at once, each naming its
table, row and column; `CheckFailed` names the constraint rows a plan
violates (a bug in a backend, never silently returned); `SolverError` a
solver that rejected the model or failed.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input: where it is and what is wrong.

    `row` is the row as the user counts it: the sheet row in Excel (header is
    row 1), the line in a CSV file (header is line 1), the 0-based position
    of the record in a JSON list; None for a whole table or a single object.
    """

    table: str
    row: int | None
    column: str | None
    message: str

    def as_dict(self) -> dict:
        return asdict(self)

    def __str__(self) -> str:
        where = self.table
        if self.row is not None:
            where += f" row {self.row}"
        if self.column:
            where += f" column {self.column}"
        return f"{where}: {self.message}"


class SpmoError(Exception):
    """Base of every error spmo raises on purpose."""


class InvalidPortfolio(SpmoError):
    """The input is not a valid portfolio; `problems` lists every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        lines = "\n".join(f"- {p}" for p in self.problems)
        super().__init__(f"{len(self.problems)} problem(s) in the portfolio:\n{lines}")


class UnknownSolver(SpmoError, ValueError):
    """Raised when a solver is named that spmo has no backend for, or whose
    library is not installed (solvers.registry.pick); the message names the
    installed ones."""


class CheckFailed(SpmoError):
    """A plan failed the independent check; `violations` name the rows."""

    def __init__(self, violations: list):
        self.violations = list(violations)
        lines = "\n".join(f"- {v}" for v in self.violations)
        super().__init__(f"the plan failed the independent check:\n{lines}")


class SolverError(SpmoError):
    """A solver rejected the model or failed (a bug of spmo or of the solver,
    never of the input): the backend's name and the solver's own message."""

    def __init__(self, solver: str, message: str):
        self.solver = solver
        super().__init__(f"{solver}: {message}")


class ClusterUnavailable(SpmoError):
    """The Dask scheduler named by SPMO_DASK_SCHEDULER (or the local cluster)
    cannot be reached: a problem of the set-up, exit 2 on the CLI, 503 over HTTP."""
