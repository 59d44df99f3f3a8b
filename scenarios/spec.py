"""What-ifs as typed data: a `Scenario` is `{"name": ..., "changes": [...]}`,
each change one typed override (scenarios.changes: a small pydantic model per
kind, read from its wire form by its kind key). `apply(portfolio, scenario)`
applies the changes in order to the portfolio's document and validates the
result once into a new `Portfolio` (the base is never changed), so a
scenario can never produce an invalid plan input.

Problems are table `scenario`, row the change's 0-based position, column the
argument. Some show when a change is read (a malformed argument, an unknown
table, column or setting, no kind or two), the others only against the
document (an unknown project, skill, period or objective, no matching row).
A change that does not read is kept as `Malformed`, holding its problems, so
that `apply` reports every problem of the scenario at once, in order.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any, ClassVar

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Tag,
    ValidationError,
    WrapValidator,
    model_serializer,
)
from spmo.engine.errors import InvalidPortfolio, Problem
from spmo.engine.portfolio import Portfolio
from spmo.engine.validate import validate_document

from .changes import (
    KIND_MODELS,
    KINDS,
    NOT_A_CHANGE,
    AddCapacity,
    AddProject,
    Change,
    DropProject,
    Edit,
    Force,
    ScaleBudget,
    SetCell,
    SettingsChange,
    SetWeight,
)

__all__ = ["KINDS", "AddCapacity", "AddProject", "Change", "DropProject", "Force", "Malformed",
           "ScaleBudget", "Scenario", "SetCell", "SetWeight", "SettingsChange", "apply",
           "parse_scenario", "read_scenario", "scenario_name"]
SHAPE = 'a scenario is {"name": ..., "changes": [...]}'


class Malformed(BaseModel):
    """A change that does not read: not an object with one kind, or a
    malformed argument. Kept with its problems (column, message) so that
    `apply` reports them with the other changes'; no wire input reads as one
    (its JSON Schema matches nothing) and it serialises as given."""

    model_config = ConfigDict(frozen=True)
    kind: ClassVar[str] = "malformed"
    given: Any = None
    problems: tuple[tuple[str | None, str], ...]

    def apply(self, edit: Edit) -> None:
        for column, message in self.problems:
            edit.problem(column, message)

    @model_serializer
    def _as_given(self) -> Any:
        return self.given

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema, handler) -> dict:
        return {"not": {}}

    @classmethod
    def of(cls, given: object, exc: ValidationError) -> Malformed:
        return cls(given=given, problems=tuple(_reading_problem(e) for e in exc.errors()))


def _reading_problem(error) -> tuple[str | None, str]:
    """(column, message) of one pydantic error of a change."""
    loc, ctx = error["loc"], error.get("ctx") or {}
    column = ctx.get("column") or (str(loc[1]) if len(loc) > 1 else None)
    if error["type"] == "extra_forbidden":
        kind = KIND_MODELS[loc[0]]
        return column, (f"'{column}' is not an argument of {kind.kind} (its arguments: "
                        + (", ".join(kind.arguments()) or "none") + ")")
    if error["type"] == "missing":
        return column, "is required"
    return column, error["msg"]


def _kind(value: object) -> str | None:
    """The tag of a change: its kind key (exactly one), or its model's kind."""
    if isinstance(value, BaseModel):
        return getattr(value, "kind", None)
    if isinstance(value, dict):
        kinds = [k for k in KINDS if k in value]
        return kinds[0] if len(kinds) == 1 else None
    return None


def _or_malformed(value: object, handler) -> Change | Malformed:
    try:
        return handler(value)
    except ValidationError as exc:
        return Malformed.of(value, exc)


AnyChange = Annotated[
    Annotated[ScaleBudget, Tag("scale_budget")] | Annotated[AddCapacity, Tag("add_capacity")]
    | Annotated[Force, Tag("force")] | Annotated[SetWeight, Tag("set_weight")]
    | Annotated[AddProject, Tag("add_project")] | Annotated[DropProject, Tag("drop_project")]
    | Annotated[SetCell, Tag("set")] | Annotated[SettingsChange, Tag("settings")]
    | Annotated[Malformed, Tag("malformed")],
    Discriminator(_kind, custom_error_type="scenario", custom_error_message=NOT_A_CHANGE),
    WrapValidator(_or_malformed)]
"""One change of a scenario, read from its wire form by its kind key."""


def _name(value: object) -> str | None:
    return None if value is None or value == "" else str(value)


class Scenario(BaseModel):
    """`{"name": ..., "changes": [...]}`: the changes apply in order."""

    model_config = ConfigDict(frozen=True)
    name: Annotated[str | None, BeforeValidator(_name)] = None
    changes: tuple[AnyChange, ...] = ()


# ---- reading and applying -----------------------------------------------------------------

def parse_scenario(value: object) -> Scenario:
    """A Scenario from its wire form. InvalidPortfolio only when it is not
    `{"name": ..., "changes": [...]}`: a change's own problems are kept in it
    and reported by `apply`, with the rest."""
    try:
        return Scenario.model_validate(value)
    except ValidationError as exc:
        raise InvalidPortfolio([Problem("scenario", None, "changes", SHAPE)]) from exc


def read_scenario(path: str | Path) -> Scenario:
    """A scenario from a .json, .yaml or .yml file (InvalidPortfolio if it
    does not parse or is not a scenario)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
        if path.suffix.lower() in (".yaml", ".yml"):
            import yaml

            value = yaml.safe_load(text)
        else:
            value = json.loads(text)
    except Exception as exc:  # OSError, ValueError, UnicodeDecodeError, yaml.YAMLError
        raise InvalidPortfolio([Problem("scenario", None, None,
                                        f"cannot read {path.name}: {exc}")]) from exc
    try:
        return parse_scenario(value)
    except InvalidPortfolio as exc:
        raise InvalidPortfolio([Problem(p.table, p.row, p.column, f"{path.name}: {p.message}")
                                for p in exc.problems]) from exc


def scenario_name(scenario: Scenario, position: int) -> str:
    """Its name, else "scenario N" (N = position + 1)."""
    return scenario.name or f"scenario {position + 1}"


def apply(portfolio: Portfolio, scenario: Scenario) -> Portfolio:
    """The portfolio with the scenario's changes applied in order, validated
    once; InvalidPortfolio with every problem of the scenario (table
    `scenario`), or with the changed portfolio's own problems. The base is
    never changed; no changes give the base itself."""
    if not scenario.changes:
        return portfolio
    document = portfolio.to_document()
    problems: list[Problem] = []
    for row, change in enumerate(scenario.changes):
        change.apply(Edit(document, row, problems))
    if problems:
        raise InvalidPortfolio(problems)
    return validate_document(document)
