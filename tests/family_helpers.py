"""Helpers of the constraint-family tests: tiny documents, solve-and-compare,
and the rows the independent checker names for a hand-made assignment."""

from __future__ import annotations

import json
from functools import cache

import pandas as pd
import pytest
from spmo.engine.check import Assignment, check
from spmo.engine.derive import derive

from .conftest import portfolio_of, solve_checked

REL = 1e-6

def doc(projects: list[dict], periods: int = 1, **tables) -> dict:
    """A JSON-shaped portfolio with periods T1..Tn."""
    out = {"name": "t", "periods": [{"id": f"T{i + 1}"} for i in range(periods)],
           "projects": projects}
    out.update({k: v for k, v in tables.items() if v is not None})
    return out


def costs(pid: str, *amounts: float, pool: str | None = None) -> list[dict]:
    """Cost rows of a project at offsets 0, 1, ..."""
    return [{"project": pid, "offset": k, "amount": a} | ({"pool": pool} if pool else {})
            for k, a in enumerate(amounts)]


@cache
def _validated(text: str):
    p = portfolio_of(json.loads(text))
    return p, derive(p)


def validated(d: dict):
    """(Portfolio, Derived) of a document, validated once per worker (both are immutable)."""
    return _validated(json.dumps(d, sort_keys=True))


def solve(d: dict, solver: str, objective: float):
    """Solve (checked), assert the proven optimum is the hand-computed objective."""
    result = solve_checked(validated(d)[0], solver=solver)
    assert result.status == "optimal", result.status
    assert result.objective == pytest.approx(objective, rel=REL, abs=1e-9), \
        (solver, result.objective, objective)
    return result


def picked(result) -> dict[str, str]:
    """project -> start period of the selection."""
    return {r.project: r.start for r in result.selected}


def broken(d: dict, starts: dict[str, int], bought: list[tuple] = ()) -> list[str]:
    """Rows the independent checker names for a hand-made Assignment."""
    report = report_of(d, starts, bought)
    return sorted({v.row for v in report.violations})


def report_of(d: dict, starts: dict[str, int], bought: list[tuple] = ()):
    p, derived = validated(d)
    frame = pd.DataFrame(list(bought), columns=["skill", "period", "fte"])
    return check(p, derived, Assignment(starts, frame))


def values(**vals: float) -> list[dict]:
    """Flat-valued projects: values(A=10, B=-3)."""
    return [{"id": p, "value": v} for p, v in vals.items()]


def excluded(result) -> dict[str, tuple[str, list[str]]]:
    """project -> (code, binding)."""
    return {e.project: (e.code, e.binding) for e in result.excluded}

