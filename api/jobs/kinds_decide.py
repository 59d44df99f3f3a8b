"""The decision studies as job kinds (api/jobs/kinds.py registers them):
sensitivity, pareto, outcomes (the Monte Carlo of the optimal plan held
fixed) and replan. Each is `(document, request, progress) -> JSON text`, the
same JSON the CLI's `--json` prints; a field the request leaves out takes the
study's default (api/http/decide_schemas.py)."""

from __future__ import annotations

from collections.abc import Callable

Progress = Callable[[int, int], None]


def _portfolio(document: dict):
    from spmo.engine.validate import validate_document

    return validate_document(document)


def _solver_limit(request: dict) -> dict:
    options = request.get("options") or {}
    return {"solver": options.get("solver"), "time_limit_s": options.get("time_limit")}


def sensitivity(document: dict, request: dict, progress: Progress) -> str:
    """Project margins and weight sensitivity (scenarios.sensitivity)."""
    from spmo.scenarios.sensitivity import SensitivityOptions
    from spmo.scenarios.sensitivity import sensitivity as run

    fields = {k: request[k] for k in ("samples", "radius", "seed", "weights") if k in request}
    options = SensitivityOptions(**fields, **_solver_limit(request))
    progress(0, 1)
    return run(_portfolio(document), options).model_dump_json()


def pareto(document: dict, request: dict, progress: Progress) -> str:
    """The Pareto frontier of two objectives (scenarios.pareto)."""
    from spmo.scenarios.pareto import pareto as run

    kinds = request.get("objectives") or ["strategic", "financial"]
    fields = {k: request[k] for k in ("steps", "exact") if k in request}
    progress(0, 1)
    return run(_portfolio(document), tuple(kinds) if isinstance(kinds, list) else kinds,
               **fields, **_solver_limit(request)).model_dump_json()


def outcomes(document: dict, request: dict, progress: Progress) -> str:
    """The optimal plan's realised value over sampled values (scenarios.outcomes)."""
    from spmo.planning.pipeline import plan
    from spmo.scenarios.outcomes import check_samples, plan_outcomes

    portfolio = _portfolio(document)
    samples = request.get("samples", 10_000)
    check_samples(samples)
    progress(0, 1)
    base = plan(portfolio, explain="none", **_solver_limit(request))
    return plan_outcomes(portfolio, base, samples, request.get("seed", 1),
                         request.get("target")).model_dump_json()


def replan(document: dict, request: dict, progress: Progress) -> str:
    """Drift against `plan` and the re-plan from settings.now (scenarios.replan);
    a plan that is not a plan is InvalidPortfolio naming table `plan`."""
    from pydantic import ValidationError
    from spmo.engine.errors import InvalidPortfolio, Problem
    from spmo.engine.plan import Plan
    from spmo.scenarios.replan import replan as run

    portfolio = _portfolio(document)
    try:
        followed = Plan.model_validate(request.get("plan"))
    except ValidationError as exc:
        raise InvalidPortfolio([Problem("plan", None, ".".join(map(str, e["loc"])) or None,
                                        e["msg"]) for e in exc.errors()[:20]]) from exc
    options = request.get("options") or {}
    progress(0, 1)
    return run(portfolio, followed, solver=options.get("solver"),
               time_limit_s=options.get("time_limit"), relative_gap=options.get("gap"),
               explain=options.get("explain")).model_dump_json()


DECIDE_KINDS = {"sensitivity": sensitivity, "pareto": pareto, "outcomes": outcomes,
                "replan": replan}
"""The decision studies, by the kind a job request names."""
