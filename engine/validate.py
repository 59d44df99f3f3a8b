"""Validation: raw tables in, a `Portfolio` out, or every problem at once.

Cell typing is `engine.cells`; here are the rules between tables: unknown
references, the value/benefits exclusivity, durations against offsets, start
windows that cannot hold a mandatory project, circular `requires`, weights,
and the settings objects. Nothing is solved until this passes.
"""

from __future__ import annotations

import math
import re

import pandas as pd
from pydantic import ValidationError

from .cells import type_table
from .errors import InvalidPortfolio, Problem
from .io import RawPortfolio
from .portfolio import TABLE_NAMES, Portfolio, RiskAppetite, Settings
from .rules import check_rules
from .rules_funding import now_rule
from .schema import SINGLE_TABLES, TABLES

REQUIRED_TABLES = ("periods", "projects")
SOLVER_NAME = re.compile(r"[a-z0-9_]+(:[a-z0-9_]+)?")
"""The shape of settings.solver (after lower-casing): a backend's name, or pulp:NAME.
Whether a backend has that name is checked where solvers are picked (solvers.registry,
through planning.pipeline.check_solver), so the engine keeps no list of them."""


def validate_document(doc: object) -> Portfolio:
    """The validated `Portfolio` of a JSON-shaped document (engine.io.from_document)."""
    from .io import from_document

    return validate(from_document(doc))


def validate(raw: RawPortfolio) -> Portfolio:
    """The validated `Portfolio`; raises `InvalidPortfolio` listing every problem."""
    problems = list(raw.problems)
    warnings = list(raw.warnings)
    typed: dict[str, pd.DataFrame] = {}
    for name in TABLES:
        frame = raw.tables.get(name)
        if frame is None:
            if name in REQUIRED_TABLES and not any(p.table == name for p in problems):
                problems.append(Problem(name, None, None, "required table is missing"))
            frame = pd.DataFrame(index=pd.Index([], dtype="int64"))
        table, cell_problems, cell_warnings = type_table(name, frame)
        typed[name] = table
        problems += cell_problems
        warnings += cell_warnings
    unusable = _unusable(raw, typed)
    if "periods" in raw.tables and "periods" in unusable and \
            not any(p.table == "periods" and p.row is None for p in problems):
        problems.append(Problem("periods", None, "id", "at least one period is needed"))
    _apply_defaults(typed)
    problems += _check_references(typed, unusable)
    risk, settings = _singles(raw, problems, warnings)
    rows = pd.Series(typed["projects"].index, index=typed["projects"]["id"])
    rule_problems, rule_warnings = check_rules(typed, rows)
    rule_problems += now_rule(typed, settings, raw.single_rows.get("settings", {}).get("now"))
    problems += rule_problems
    warnings += rule_warnings
    if problems:
        raise InvalidPortfolio(_once_per_cell(problems, len(raw.problems)))
    return _assemble(raw, typed, risk, settings, warnings)


def _once_per_cell(problems: list[Problem], read: int) -> list[Problem]:
    """The problems, less those of a cell that a problem found while reading the
    file (the first `read`, e.g. a number typed as text that cannot be read,
    saying what to type) already names."""
    said = {(p.table, p.row, p.column) for p in problems[:read] if p.row is not None}
    return problems[:read] + [p for p in problems[read:]
                              if (p.table, p.row, p.column) not in said]


def _unusable(raw: RawPortfolio, typed: dict[str, pd.DataFrame]) -> set[str]:
    """Tables whose ids cannot be looked up at all (absent, no id column, no
    valid id): references into them are not reported row by row, since the
    table's own problem says it all."""
    out = {name for name in REQUIRED_TABLES if name not in raw.tables}
    for name, key in (("periods", "id"), ("projects", "id"), ("objectives", "id"),
                      ("groups", "group")):
        frame = raw.tables.get(name)
        if frame is not None and len(frame) and key not in frame.columns:
            out.add(name)
    if typed["periods"]["id"].dropna().empty:
        out.add("periods")
    return out


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
    typed["eligibility"]["max_share"] = typed["eligibility"]["max_share"].fillna(1.0)


def _check_references(typed: dict[str, pd.DataFrame], unusable: set[str]) -> list[Problem]:
    """Every `ref:` column names an existing id of its table (unless that
    table is unusable: see `_unusable`)."""
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
            if not col.kind.startswith("ref:") or frame.empty or col.kind[4:] in unusable:
                continue
            target = col.kind[4:]
            values = frame[col.name]
            unknown = values.notna() & ~values.isin(known[target])
            for row in values.index[unknown.to_numpy()]:
                noun = "group" if target == "groups" else target[:-1]
                problems.append(Problem(name, int(row), col.name,
                                        f"unknown {noun} '{values[row]}'"))
    return problems


def _not_finite(value: object) -> bool:
    """A number-like value that is NaN or infinite (or a boolean posing as a number)."""
    if isinstance(value, bool):
        return True
    try:
        return not math.isfinite(float(value))
    except OverflowError:
        return True
    except (TypeError, ValueError):
        return False  # not a number at all: the model reports the type


def _single(raw: RawPortfolio, name: str, model, problems: list[Problem],
            warnings: list[str]):
    """One single object through its pydantic model; its problems appended."""
    rows = raw.single_rows.get(name, {})
    given = {k: v for k, v in (raw.singles.get(name) or {}).items()
             if v is not None and not (isinstance(v, str) and not v.strip())}
    for key in [k for k in given if k not in model.model_fields]:
        warnings.append(f"{name}: unknown key '{key}' ignored")
        given.pop(key)
    numeric = {c.name for c in SINGLE_TABLES[name] if c.kind in ("float", "int")}
    for key in [k for k in given if k in numeric and _not_finite(given[k])]:
        problems.append(Problem(name, rows.get(key), key,
                                f"expected a finite number, got {given.pop(key)!s}"))
    try:
        return model.model_validate(given)
    except ValidationError as exc:
        for err in exc.errors():
            key = str(err["loc"][0]) if err["loc"] else None
            problems.append(Problem(name, rows.get(key), key,
                                    f"{err['msg']}, got {err.get('input')!r}"))
        return model()


def _singles(raw: RawPortfolio, problems: list[Problem],
             warnings: list[str]) -> tuple[RiskAppetite, Settings]:
    """risk_appetite and settings through their pydantic models."""
    risk = _single(raw, "risk_appetite", RiskAppetite, problems, warnings)
    settings = _single(raw, "settings", Settings, problems, warnings)
    given = (raw.singles.get("settings") or {}).get("solver")
    reported = any(p.table == "settings" and p.column == "solver" for p in problems)
    if isinstance(given, str) and given.strip() and not reported \
            and not SOLVER_NAME.fullmatch(given.strip().lower()):
        problems.append(Problem("settings", raw.single_rows.get("settings", {}).get("solver"),
                                "solver", f"'{given.strip()}' is not a solver name "
                                "(letters, digits and _, or pulp:NAME)"))
    if settings.objective_risk == "chance" and settings.target is None and \
            not any(p.table == "settings" for p in problems):
        problems.append(Problem("settings", raw.single_rows.get("settings", {}).get(
            "objective_risk"), "target", "objective_risk chance needs a target"))
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
