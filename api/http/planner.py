"""The one door from the HTTP layer to the planning code: every call of
`plan`, `compare`, `frontier` and the solver check goes through here, so a
change of their signatures is made in this file only. Answers are JSON text
(the engine's pydantic models, serialised once).
"""

from __future__ import annotations


def check_solver(name: str | None) -> None:
    """UnknownSolver unless `name` is empty, `auto` or an installed backend."""
    from spmo.planning.pipeline import check_solver as check

    check(name)


def _overrides(query) -> dict:
    """A SolveQuery as PlanOptions fields (None: the portfolio's settings)."""
    return {"solver": query.solver, "time_limit_s": query.time_limit,
            "relative_gap": query.gap, "explain": query.explain}


def plan_json(portfolio, query) -> str:
    """The plan of a validated portfolio."""
    from spmo.planning.options import PlanOptions
    from spmo.planning.pipeline import plan

    return plan(portfolio, PlanOptions(**_overrides(query))).model_dump_json()


def compare_json(document: dict, scenarios: list, query) -> str:
    """The base and every scenario side by side (InvalidPortfolio: a scenario's problems)."""
    from spmo.engine.validate import validate_document
    from spmo.scenarios.compare import compare, scenarios_of

    return compare(validate_document(document), scenarios_of(scenarios),
                   **_overrides(query)).model_dump_json()


def frontier_json(document: dict, factors: list | None, query) -> str:
    """The budget frontier at `factors` (None: the default levels)."""
    from spmo.engine.validate import validate_document
    from spmo.scenarios.frontier import DEFAULT_FACTORS, frontier

    chosen = DEFAULT_FACTORS if factors is None else factors
    return frontier(validate_document(document), chosen, **_overrides(query)).model_dump_json()


def replan_json(document: dict, plan: dict, query) -> str:
    """Drift and the re-plan of a portfolio with actuals against `plan`
    (InvalidPortfolio: the portfolio's problems, or table `plan` for the plan's)."""
    from pydantic import ValidationError
    from spmo.engine.errors import InvalidPortfolio, Problem
    from spmo.engine.plan import Plan
    from spmo.engine.validate import validate_document
    from spmo.scenarios.replan import replan

    portfolio = validate_document(document)
    try:
        followed = Plan.model_validate(plan)
    except ValidationError as exc:
        raise InvalidPortfolio([Problem("plan", None, ".".join(map(str, e["loc"])) or None,
                                        e["msg"]) for e in exc.errors()[:20]]) from exc
    return replan(portfolio, followed, **_overrides(query)).model_dump_json()


def sensitivity_json(document: dict, fields: dict, query) -> str:
    """Project margins and weight sensitivity (scenarios.sensitivity)."""
    from spmo.engine.validate import validate_document
    from spmo.scenarios.sensitivity import SensitivityOptions, sensitivity

    options = SensitivityOptions(**fields, solver=query.solver, time_limit_s=query.time_limit)
    return sensitivity(validate_document(document), options).model_dump_json()


def pareto_json(document: dict, fields: dict, query) -> str:
    """The Pareto frontier (scenarios.pareto)."""
    from spmo.engine.validate import validate_document
    from spmo.scenarios.pareto import pareto

    kinds = fields.pop("objectives")
    return pareto(validate_document(document), tuple(kinds) if isinstance(kinds, list)
                  else kinds, **fields, solver=query.solver,
                  time_limit_s=query.time_limit).model_dump_json()


def outcomes_json(document: dict, fields: dict, query) -> str:
    """The optimal plan's realised value (scenarios.outcomes)."""
    from spmo.engine.validate import validate_document
    from spmo.planning.pipeline import plan
    from spmo.scenarios.outcomes import check_samples, plan_outcomes

    portfolio = validate_document(document)
    check_samples(fields["samples"])
    base = plan(portfolio, solver=query.solver, time_limit_s=query.time_limit, explain="none")
    return plan_outcomes(portfolio, base, fields["samples"], fields["seed"],
                         fields["target"]).model_dump_json()
