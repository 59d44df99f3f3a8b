"""The HTTP layer's door to the planning code in the server process: only
the solver check. Every plan, comparison, frontier and Monte Carlo runs as a
job in a Dask worker (api/jobs/kinds.py is that side's door: it calls
planning.pipeline.plan and the scenarios' studies).
"""

from __future__ import annotations


def check_solver(name: str | None) -> None:
    """UnknownSolver unless `name` is empty, `auto` or an installed backend."""
    from spmo.planning.pipeline import check_solver as check

    check(name)
