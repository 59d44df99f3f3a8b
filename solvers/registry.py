"""Backends by name: `cpsat`, `highs`, `cbc`, or `auto`.

A model with continuous share variables (partial funding without
scope_step) goes only to a backend whose capability says it solves them
(not CP-SAT: integer grid). `auto` picks HiGHS when it is installed: on
portfolio models (knapsack rows with start-time options) its LP bound proves
optima that CP-SAT on two cores leaves open for minutes (see benchmarks/).
CP-SAT is the fallback (for a robust objective's model, whose sampled rows
CP-SAT can only round, CBC first when it is installed) and the backend for
explanations that need assumptions. Models with more than
LARGE_NONZEROS matrix entries (about 4,000 projects over 20 periods), whose
root LP alone outlasts a minute, go to `lagrange`: a Lagrangian bound and a
priced greedy plan that keep to the time limit.
"""

from __future__ import annotations

from spmo.engine.errors import UnknownSolver  # raised here, importable from here as before
from spmo.engine.model.linear import LinearModel
from spmo.engine.rows import Family

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
        if known["highs"].available():
            return _fit(known["highs"], model)
        cbc = known.get("cbc")
        if model is not None and cbc is not None and cbc.available() and \
                Family.ROBUST.value in set(model.row_family.tolist()):
            return _fit(cbc, model)  # CP-SAT rounds the sampled rows (solvers/cpsat.py)
        return _fit(known["cpsat"], model)
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
    return _fit(backend, model)


def _fit(backend: Backend, model: LinearModel | None) -> Backend:
    """The backend, unless the model has continuous shares it cannot solve
    exactly (Capability.continuous_shares): then UnknownSolver saying so."""
    partial = model.continuous_shares if model is not None else []
    if partial and not backend.capability.continuous_shares:
        raise UnknownSolver(
            f"solver '{backend.name}' cannot solve continuous shares exactly (projects "
            f"{', '.join(partial)} have min_scope without scope_step): use highs or cbc, "
            "or give scope_step")
    return backend
