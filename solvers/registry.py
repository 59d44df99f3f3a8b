"""Backends by name: `cpsat`, `highs`, `cbc`, or `auto`.

`auto` picks HiGHS when it is installed: on portfolio models (knapsack rows
with start-time options) its LP bound proves optima that CP-SAT on two cores
leaves open for minutes (see benchmarks/). CP-SAT is the fallback and the
backend for explanations that need assumptions. Models with more than
LARGE_NONZEROS matrix entries (about 4,000 projects over 20 periods), whose
root LP alone outlasts a minute, go to `lagrange`: a Lagrangian bound and a
priced greedy plan that keep to the time limit.
"""

from __future__ import annotations

from spmo.engine.errors import UnknownSolver  # raised here, importable from here as before
from spmo.engine.model.linear import LinearModel

from .base import Backend
from .cpsat import CpSatBackend
from .highs import HighsBackend
from .large.lagrange import LagrangeBackend

LARGE_NONZEROS = 1_000_000


def backends() -> dict[str, Backend]:
    """Every backend spmo knows, installed or not."""
    found: dict[str, Backend] = {"cpsat": CpSatBackend(), "highs": HighsBackend(),
                                 "lagrange": LagrangeBackend()}
    try:
        from .pulp import PulpBackend
    except ImportError:
        return found
    found["cbc"] = PulpBackend("cbc")
    return found


def pick(name: str, model: LinearModel) -> Backend:
    """The backend called `name`; `auto` chooses by the model and what is installed."""
    name = (name or "auto").lower()
    known = backends()
    if name == "auto":
        if len(model.a_val) > LARGE_NONZEROS:
            return known["lagrange"]
        return known["highs"] if known["highs"].available() else known["cpsat"]
    backend = known.get(name)
    if name.startswith("pulp:"):  # any solver PuLP can drive, e.g. pulp:highs
        try:
            from .pulp import PulpBackend

            backend = PulpBackend(name)
        except (ImportError, ValueError):
            backend = None
    if backend is None or not backend.available():
        raise UnknownSolver(f"solver '{name}' is not available (installed: "
                            f"{', '.join(n for n, b in known.items() if b.available())})")
    return backend
