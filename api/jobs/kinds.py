"""What a job can compute: `KINDS[kind](document, request, progress)` -> the
result as JSON text (the same JSON the CLI's `--json` prints). `document` is
the portfolio document, `request` the job's request (`options`: solver,
time_limit, gap, explain; plus each kind's own fields), `progress(done,
total)` is called at each progress point (it raises JobCancelled when the job
was cancelled, which ends the work there).

A new kind is one function (here, or in kinds_decide.py for the decision
studies) and one entry in KINDS (and, if it takes fields of its own, its
fields and checks in api/jobs/requests.py).
They run inside a Dask worker (api/jobs/worker.py), never in the server.
"""

from __future__ import annotations

from collections.abc import Callable

from .kinds_decide import DECIDE_KINDS

Progress = Callable[[int, int], None]


def overrides(request: dict) -> dict:
    """The request's `options` as planning.pipeline.plan's overrides (None: the
    portfolio's settings)."""
    options = request.get("options") or {}
    return {"solver": options.get("solver"), "time_limit_s": options.get("time_limit"),
            "relative_gap": options.get("gap"), "explain": options.get("explain")}


def _validated(document: dict):
    from spmo.engine.validate import validate_document

    return validate_document(document)


def solve(document: dict, request: dict, progress: Progress) -> str:
    """The plan (explain default auto)."""
    from spmo.planning.pipeline import plan

    options = overrides(request)
    options["explain"] = options["explain"] or "auto"
    progress(0, 1)
    return plan(_validated(document), progress=progress, **options).model_dump_json()


def compare(document: dict, request: dict, progress: Progress) -> str:
    """The base and every scenario side by side (explain default none)."""
    from spmo.scenarios.compare import compare as run
    from spmo.scenarios.compare import scenarios_of

    options = {**overrides(request)}
    options["explain"] = options["explain"] or "none"
    return run(_validated(document), scenarios_of(request["scenarios"]), progress=progress,
               **options).model_dump_json()


def frontier(document: dict, request: dict, progress: Progress) -> str:
    """The budget frontier at `factors` (default 0.5 to 1.5)."""
    from spmo.scenarios.frontier import DEFAULT_FACTORS
    from spmo.scenarios.frontier import frontier as run

    options = {k: v for k, v in overrides(request).items() if v is not None}
    factors = request.get("factors") or DEFAULT_FACTORS
    return run(_validated(document), factors, progress=progress, **options).model_dump_json()


def montecarlo(document: dict, request: dict, progress: Progress) -> str:
    """`samples` sampled portfolios from `seed` (value_spread, cost_spread)."""
    from spmo.scenarios.montecarlo import Sampling
    from spmo.scenarios.montecarlo import montecarlo as run

    sampling = Sampling(**{k: request[k] for k in ("samples", "seed", "value_spread",
                                                   "cost_spread") if k in request})
    options = {k: v for k, v in overrides(request).items() if v is not None}
    options.pop("explain", None)
    return run(_validated(document), sampling, progress=progress, **options).model_dump_json()


KINDS: dict[str, Callable[[dict, dict, Progress], str]] = {
    "solve": solve, "compare": compare, "frontier": frontier, "montecarlo": montecarlo,
    **DECIDE_KINDS}
"""Every kind of job, by the name a request gives."""
