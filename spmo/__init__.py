"""spmo: strategic portfolio optimisation, for Python callers.

    import spmo

    plan = spmo.solve("examples/northwind.json", time_limit_s=30)
    plan.status, plan.objective          # 'optimal', 0.48...
    frames = plan.frames()               # pandas DataFrames: selected, excluded, ...

`solve` and `validate` take a path (`.json`, `.xlsx` or a folder of CSVs),
a portfolio document (the JSON form as a dict) or a validated `Portfolio`.
Invalid input raises `InvalidPortfolio`, whose `problems` name table, row
and column (as the CLI lists them). docs/cli.md has the details.

Nothing heavy is imported until it is used: the names below load on first
access, so `import spmo` (and `spmo --help`) stay fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from spmo.engine.errors import InvalidPortfolio, Problem, SpmoError, UnknownSolver

if TYPE_CHECKING:
    from spmo.engine.plan import Plan
    from spmo.engine.portfolio import Portfolio

__all__ = ["solve", "validate", "Plan", "Portfolio", "InvalidPortfolio", "Problem",
           "SpmoError", "UnknownSolver", "OPTIONS", "__version__"]

OPTIONS = ("solver", "time_limit_s", "relative_gap", "explain", "explain_only", "progress")
"""The keyword options of `solve`, as on the CLI: solver (auto, highs,
cpsat, cbc, lagrange, pulp:NAME), time_limit_s (seconds, > 0, bounding the
whole call), relative_gap (in [0, 1)), explain (none, the default here;
estimate, exact or auto), explain_only (project ids), progress (a callable
(done, total) following the explanations)."""


def validate(source: str | Path | dict | Portfolio) -> Portfolio:
    """The validated Portfolio of a path, a document or a Portfolio
    (returned as it is); InvalidPortfolio lists every problem at once."""
    from spmo.engine.portfolio import Portfolio

    if isinstance(source, Portfolio):
        return source
    if isinstance(source, dict):
        from spmo.engine.validate import validate_document

        return validate_document(source)
    if isinstance(source, str | Path):
        from spmo.engine.io import read_portfolio
        from spmo.engine.validate import validate as validate_raw

        return validate_raw(read_portfolio(source))
    raise TypeError(f"expected a path, a portfolio document (dict) or a Portfolio, "
                    f"not {type(source).__name__}")


def solve(source: str | Path | dict | Portfolio, **options) -> Plan:
    """The optimal (or best found) plan of `source`, checked independently
    against the input. `options` are OPTIONS; a bad value raises
    InvalidPortfolio (table `options`, column the option), an unknown solver
    UnknownSolver, an unknown option TypeError. Infeasible or out-of-time
    portfolios are answers, not errors: see `plan.status`, `plan.conflicts`
    and `plan.relaxation`."""
    from spmo.api.options import solve_problems

    unknown = sorted(set(options) - set(OPTIONS))
    if unknown:
        raise TypeError(f"unknown option(s) {', '.join(unknown)}; known: {', '.join(OPTIONS)}")
    problems = solve_problems(options.get("time_limit_s"), options.get("relative_gap"),
                              options.get("explain"), names={
                                  "time_limit": "time_limit_s", "gap": "relative_gap",
                                  "explain": "explain"})
    if problems:
        raise InvalidPortfolio(problems)
    portfolio = validate(source)
    from spmo.planning.pipeline import plan

    progress = options.pop("progress", None)
    return plan(portfolio, progress=progress, **options)


def __getattr__(name: str):
    """Plan, Portfolio and __version__, loaded on first use."""
    if name == "Plan":
        from spmo.engine.plan import Plan

        return Plan
    if name == "Portfolio":
        from spmo.engine.portfolio import Portfolio

        return Portfolio
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("spmo")
        except PackageNotFoundError:
            return "0+unknown"
    raise AttributeError(f"module 'spmo' has no attribute {name!r}")
