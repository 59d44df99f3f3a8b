"""Validation: raw tables in, a `Portfolio` out, or every problem at once.

Cell typing is `engine.cells`; here are the rules between tables: unknown
references, the value/benefits exclusivity, durations against offsets, start
windows that cannot hold a mandatory project, circular `requires`, weights,
and the settings objects. Nothing is solved until this passes.
"""

from __future__ import annotations

import pandas as pd
from pydantic import ValidationError

from .cells import type_table
from .errors import InvalidPortfolio, Problem
from .io import RawPortfolio
from .portfolio import TABLE_NAMES, Portfolio, RiskAppetite, Settings
from .rules import check_rules
from .schema import TABLES

SOLVER_NAMES = ("auto", "cpsat", "highs", "cbc")


def validate(raw: RawPortfolio) -> Portfolio:
    """The validated `Portfolio`; raises `InvalidPortfolio` listing every problem."""
    problems = list(raw.problems)
    warnings = list(raw.warnings)
    typed: dict[str, pd.DataFrame] = {}
    for name in TABLES:
        frame = raw.tables.get(name)
        if frame is None:
            if name in ("periods", "projects"):
                problems.append(Problem(name, None, None, "required table is missing"))
            frame = pd.DataFrame(index=pd.Index([], dtype="int64"))
        table, cell_problems, cell_warnings = type_table(name, frame)
        typed[name] = table
        problems += cell_problems
        warnings += cell_warnings
    if "periods" in raw.tables and typed["periods"]["id"].dropna().empty:
        problems.append(Problem("periods", None, "id", "at least one period is needed"))
    _apply_defaults(typed)
    problems += _check_references(typed)
    risk, settings = _singles(raw.singles, problems, warnings)
    rows = pd.Series(typed["projects"].index, index=typed["projects"]["id"])
    rule_problems, rule_warnings = check_rules(typed, rows, settings)
    problems += rule_problems
    warnings += rule_warnings
    if problems:
        raise InvalidPortfolio(problems)
    return _assemble(raw, typed, risk, settings, warnings)


def _apply_defaults(typed: dict[str, pd.DataFrame]) -> None:
    """The contract's defaults for blank optional cells."""
    projects = typed["projects"]
    projects["status"] = projects["status"].fillna("candidate")
    projects["success_probability"] = projects["success_probability"].fillna(1.0)
    projects["risk"] = projects["risk"].fillna(0.0)
    typed["costs"]["pool"] = typed["costs"]["pool"].fillna("total")
    typed["dependencies"]["lag"] = typed["dependencies"]["lag"].fillna(0.0)
    for col in ("value", "score"):
        typed["synergies"][col] = typed["synergies"][col].fillna(0.0)
    for col in ("extra_fte", "extra_cost"):
        typed["capacity"][col] = typed["capacity"][col].fillna(0.0)


def _check_references(typed: dict[str, pd.DataFrame]) -> list[Problem]:
    """Every `ref:` column names an existing id of its table."""
    known = {
        "projects": set(typed["projects"]["id"].dropna()),
        "periods": set(typed["periods"]["id"].dropna()),
        "objectives": set(typed["objectives"]["id"].dropna()),
        "groups": set(typed["groups"]["group"].dropna()),
    }
    problems = []
    for name, columns in TABLES.items():
        frame = typed[name]
        for col in columns:
            if not col.kind.startswith("ref:") or frame.empty:
                continue
            target = col.kind[4:]
            values = frame[col.name]
            unknown = values.notna() & ~values.isin(known[target])
            for row in values.index[unknown.to_numpy()]:
                noun = "group" if target == "groups" else target[:-1]
                problems.append(Problem(name, int(row), col.name,
                                        f"unknown {noun} '{values[row]}'"))
    return problems


def _singles(singles: dict, problems: list[Problem],
             warnings: list[str]) -> tuple[RiskAppetite, Settings]:
    """risk_appetite and settings through their pydantic models."""
    out = []
    for name, model in (("risk_appetite", RiskAppetite), ("settings", Settings)):
        given = {k: v for k, v in (singles.get(name) or {}).items()
                 if v is not None and not (isinstance(v, str) and not v.strip())}
        for key in [k for k in given if k not in model.model_fields]:
            warnings.append(f"{name}: unknown key '{key}' ignored")
            given.pop(key)
        try:
            obj = model.model_validate(given)
        except ValidationError as exc:
            for err in exc.errors():
                key = str(err["loc"][0]) if err["loc"] else None
                problems.append(Problem(name, None, key, err["msg"]))
            obj = model()
        out.append(obj)
    risk, settings = out
    if settings.solver.lower() not in SOLVER_NAMES:
        problems.append(Problem("settings", None, "solver",
                                f"unknown solver '{settings.solver}' "
                                f"(one of {', '.join(SOLVER_NAMES)})"))
    return risk, settings


def _assemble(raw: RawPortfolio, typed: dict[str, pd.DataFrame], risk: RiskAppetite,
              settings: Settings, warnings: list[str]) -> Portfolio:
    """The frozen Portfolio from clean typed tables."""
    projects = typed["projects"].set_index("id")
    projects["duration"] = projects["duration"].astype("Int64")
    objectives = typed["objectives"].set_index("id")
    tables = {name: typed[name] for name in TABLE_NAMES}
    tables["objectives"] = objectives
    for name, col in (("costs", "offset"), ("benefits", "offset"), ("demands", "offset"),
                      ("dependencies", "lag")):
        tables[name][col] = tables[name][col].astype("int64")
    return Portfolio(
        name=raw.name or "portfolio",
        periods=tuple(typed["periods"]["id"]),
        projects=projects,
        tables=tables,
        risk_appetite=risk,
        settings=settings,
        warnings=tuple(warnings),
        objectives_given="objectives" in raw.tables and len(objectives) > 0,
    )
