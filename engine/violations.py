"""What the independent checker reports: a broken named row, and the tolerance.

A row holds when `activity <= limit + tol(limit)`, tol(v) = 1e-6 * max(1, |v|).
"""

from __future__ import annotations

from dataclasses import dataclass

TOLERANCE = 1e-6


def tol(limit: float) -> float:
    """Absolute tolerance of a limit."""
    return TOLERANCE * max(1.0, abs(float(limit)))


@dataclass(frozen=True)
class Violation:
    """A named constraint row that a plan breaks."""

    row: str
    message: str

    def __str__(self) -> str:
        return f"{self.row}: {self.message}"
