"""The checks of a job request (`POST /v1/jobs`), every problem at once:

- `kind`: one of KINDS;
- `portfolio_id` (a stored portfolio) or `portfolio` (a document), not both;
- `options`: `solver` (installed), `time_limit` (seconds, > 0, at most the
  server's SPMO_MAX_TIME_LIMIT_S), `gap` in [0, 1), `explain` (auto, exact,
  estimate, none);
- compare: `scenarios`, a list of 1 to SPMO_MAX_SCENARIOS objects;
- frontier: `factors` (optional), 1 to 101 numbers >= 0;
- montecarlo: `samples` (1 to SPMO_MAX_SAMPLES), `seed` (a whole number),
  `value_spread`, `cost_spread` (0 to 2);
- sensitivity (`samples`, `radius`, `seed`, `weights`), pareto
  (`objectives`, `steps`, `exact`), outcomes (`samples`, `seed`, `target`):
  checked by the study itself (a bad one fails the job with its problem);
- replan: `plan`, the plan being followed (an object).

Fields of no kind are refused, so a misspelt one is not silently ignored.
The portfolio itself is validated by the route (api/http/body.py).
"""

from __future__ import annotations

import math

from spmo.engine.errors import Problem, UnknownSolver

from .kinds import KINDS

EXPLAIN = ("auto", "exact", "estimate", "none")
COMMON = {"kind", "portfolio", "portfolio_id", "options"}
FIELDS = {"solve": set(), "compare": {"scenarios"}, "frontier": {"factors"},
          "montecarlo": {"samples", "seed", "value_spread", "cost_spread"},
          "sensitivity": {"samples", "radius", "seed", "weights"},
          "pareto": {"objectives", "steps", "exact"},
          "outcomes": {"samples", "seed", "target"}, "replan": {"plan"}}
"""Each kind's own fields (beside COMMON)."""
MAX_FACTORS = 101
INT64 = 2 ** 63


def _number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) \
        and math.isfinite(value)


def _whole(value, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def option_problems(options, max_time_limit: float) -> list[Problem]:
    """The problems of a job's `options` (also the solving routes' query)."""
    if options is None:
        return []
    if not isinstance(options, dict):
        return [Problem("request", None, "options", "an object of solver, time_limit, "
                                                    "gap, explain")]
    out = [Problem("request", None, f"options/{k}", "unknown option")
           for k in sorted(set(options) - {"solver", "time_limit", "gap", "explain"})]
    limit = options.get("time_limit")
    if limit is not None and not (_number(limit) and 0 < limit <= max_time_limit):
        out.append(Problem("request", None, "options/time_limit",
                           f"seconds, more than 0 and at most {max_time_limit:g} "
                           "(SPMO_MAX_TIME_LIMIT_S)"))
    gap = options.get("gap")
    if gap is not None and not (_number(gap) and 0 <= gap < 1):
        out.append(Problem("request", None, "options/gap", "must be in [0, 1)"))
    if options.get("explain") is not None and options["explain"] not in EXPLAIN:
        out.append(Problem("request", None, "options/explain", f"one of {EXPLAIN}"))
    solver = options.get("solver")
    if solver is not None:
        out += _solver_problems(solver)
    return out


def _solver_problems(solver) -> list[Problem]:
    from spmo.planning.pipeline import check_solver

    if not isinstance(solver, str):
        return [Problem("request", None, "options/solver", "a solver's name")]
    try:
        check_solver(solver)
    except UnknownSolver as exc:
        return [Problem("settings", None, "solver", str(exc))]
    return []


def _kind_problems(kind: str, body: dict, limits: dict) -> list[Problem]:
    out = []
    if kind == "compare":
        items = body.get("scenarios")
        if not (isinstance(items, list) and 1 <= len(items) <= limits["max_scenarios"]
                and all(isinstance(i, dict) for i in items)):
            out.append(Problem("request", None, "scenarios", (
                f"a list of 1 to {limits['max_scenarios']} scenarios "
                "(SPMO_MAX_SCENARIOS), each {\"name\", \"changes\"}")))
    elif kind == "frontier" and body.get("factors") is not None:
        items = body["factors"]
        if not (isinstance(items, list) and 1 <= len(items) <= MAX_FACTORS
                and all(_number(f) and f >= 0 for f in items)):
            out.append(Problem("request", None, "factors",
                               f"a list of 1 to {MAX_FACTORS} numbers >= 0"))
    elif kind == "replan" and not isinstance(body.get("plan"), dict):
        out.append(Problem("request", None, "plan", "the plan being followed (a plan object)"))
    elif kind == "montecarlo":
        if "samples" in body and not _whole(body["samples"], 1, limits["max_samples"]):
            out.append(Problem("request", None, "samples", (
                f"a whole number from 1 to {limits['max_samples']} (SPMO_MAX_SAMPLES)")))
        if "seed" in body and not _whole(body["seed"], 0, INT64 - 1):
            out.append(Problem("request", None, "seed", "a whole number from 0 to 2^63-1"))
        out += [Problem("request", None, k, "a number from 0 to 2")
                for k in ("value_spread", "cost_spread")
                if k in body and not (_number(body[k]) and 0 <= body[k] <= 2)]
    return out


def request_problems(body, limits: dict) -> list[Problem]:
    """Every problem of a job request (`limits`: max_time_limit, max_scenarios,
    max_samples)."""
    if not isinstance(body, dict):
        return [Problem("request", None, None, "a JSON object: kind, portfolio or "
                                               "portfolio_id, options, ...")]
    kind = body.get("kind")
    if kind not in KINDS:
        return [Problem("request", None, "kind", f"one of {sorted(KINDS)}")]
    out = [Problem("request", None, k, f"not a field of a {kind} job")
           for k in sorted(set(body) - COMMON - FIELDS.get(kind, set()))]
    has_id, has_doc = body.get("portfolio_id") is not None, body.get("portfolio") is not None
    if has_id == has_doc:
        out.append(Problem("request", None, "portfolio", (
            "give either portfolio (a document) or portfolio_id (a stored one)")))
    elif has_id and not isinstance(body["portfolio_id"], str):
        out.append(Problem("request", None, "portfolio_id", "a stored portfolio's id"))
    elif has_doc and not isinstance(body["portfolio"], dict):
        out.append(Problem("request", None, "portfolio", "a portfolio document (an object)"))
    out += option_problems(body.get("options"), limits["max_time_limit"])
    return out + _kind_problems(kind, body, limits)
