"""The eight kinds of scenario change, a small pydantic model each with its
own `apply(edit)`: one override of the portfolio's document (a copy of the
base's, see scenarios.spec).

On the wire a change is an object with exactly one kind key, whose value is
the kind's main argument (the field aliased to the kind); its other keys are
the other arguments: `{"scale_budget": 0.9, "pool": "capex"}`.

- `scale_budget: f` (period, pool, category: optional filters): every
  matching `budgets` row's limit times f (f >= 0);
- `add_capacity: d` (skill; period optional): `capacity` fte + d on the
  skill's rows (in that period);
- `force: P` (to: in, out or null): the project's `force`;
- `set_weight: O` (weight >= 0): the objective's weight;
- `add_project: {...}` (costs, benefits, alignment, demands, dependencies,
  groups, synergies: lists of records whose project defaults to the new
  id): a new project and its rows;
- `drop_project: P`: the project and every row naming it;
- `set: TABLE` (id for projects, objectives, periods, else row: 0-based;
  column; value): one cell;
- `settings: {...}`: merged into `settings`.

A problem is table `scenario`, row the change's 0-based position, column the
argument. Reading a change finds a malformed argument or an unknown table,
column or setting (a pydantic error whose context may name the column);
`apply` finds what only the document knows: an unknown project, skill,
period or objective, no matching row.
"""

from __future__ import annotations

import copy
import json
import math
from dataclasses import dataclass
from typing import Annotated, Any, ClassVar, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    WithJsonSchema,
    field_validator,
    model_serializer,
    model_validator,
)
from pydantic_core import PydanticCustomError
from spmo.engine.errors import Problem
from spmo.engine.schema import SINGLE_TABLES, TABLES

REFERENCING = {"costs": ("project",), "benefits": ("project",), "alignment": ("project",),
               "demands": ("project",), "dependencies": ("project", "other"),
               "groups": ("project",), "synergies": ("project_a", "project_b")}
"""Tables whose rows name a project, and the columns that do (the first is
the one `add_project` fills in)."""
ID_TABLES = ("projects", "objectives", "periods")


# ---- values as the wire gives them ------------------------------------------------------

def _text(value: object) -> str:
    """Ids compare as text (Excel's 7 is "7")."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


def _same(a: object, b: object) -> bool:
    """Ids compare as text; blank matches only blank."""
    if a is None or b is None:
        return a is None and b is None
    return _text(a) == _text(b)


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) \
        and math.isfinite(value)


def _error(message: str, **context: object) -> PydanticCustomError:
    """A reading problem with our message; context `column` names the argument
    when the model (not one field) finds it."""
    return PydanticCustomError("scenario", message, context or None)


def _checked(test, message: str) -> BeforeValidator:
    """The value as given when `test(value)`, else the problem `message`
    (which may show the value as {value})."""
    def check(value):
        if not test(value):
            raise _error(message, value=str(value))
        return value
    return BeforeValidator(check)


def _as_id(value: object) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise _error("must be an id (text or a number)")
    return _text(value)


def _is_records(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(r, dict) for r in value)


Id = Annotated[str, BeforeValidator(_as_id),
               WithJsonSchema({"anyOf": [{"type": "string"}, {"type": "number"}]})]
"""A project, period, objective or skill id: text or a number, kept as text."""
Factor = Annotated[float, _checked(lambda v: _number(v) and v >= 0, "must be a number >= 0")]
Records = Annotated[list[dict[str, Any]], _checked(_is_records, "must be a list of records")]


# ---- the document a change works on --------------------------------------------------------

@dataclass
class Edit:
    """One change at work on the document (a copy of the base's): the tables
    it reads and changes, and where its problems go."""

    document: dict
    row: int
    problems: list[Problem]

    def problem(self, column: str | None, message: str) -> None:
        self.problems.append(Problem("scenario", self.row, column, message))

    def rows(self, table: str) -> list[dict]:
        return self.document.setdefault(table, [])

    def ids(self, table: str, column: str = "id") -> set[str]:
        return {_text(r.get(column)) for r in self.rows(table)}

    def known(self, column: str, value: str, table: str, what: str) -> bool:
        """Whether `table` has the id `value`; a problem at `column` if not."""
        if value not in self.ids(table):
            self.problem(column, f"unknown {what} '{value}'")
            return False
        return True

    def project(self, pid: str, column: str) -> dict | None:
        for p in self.rows("projects"):
            if _same(p.get("id"), pid):
                return p
        self.problem(column, f"unknown project '{pid}'")
        return None


# ---- the kinds --------------------------------------------------------------------------

class Change(BaseModel):
    """A change kind: `kind` is its wire key, the alias of its main argument."""

    model_config = ConfigDict(extra="forbid", frozen=True, validate_by_name=True,
                              validate_by_alias=True, serialize_by_alias=True)
    kind: ClassVar[str]

    def apply(self, edit: Edit) -> None:
        raise NotImplementedError

    @model_serializer(mode="wrap")
    def _as_given(self, handler) -> dict:
        """The wire form: only the keys the change was given."""
        given = {type(self).model_fields[n].alias or n for n in self.model_fields_set}
        return {k: v for k, v in handler(self).items() if k in given}

    @classmethod
    def arguments(cls) -> tuple[str, ...]:
        """Its wire keys other than the kind."""
        return tuple(f.alias or name for name, f in cls.model_fields.items()
                     if (f.alias or name) != cls.kind)


class ScaleBudget(Change):
    """Every matching `budgets` row's limit times the factor."""

    kind: ClassVar[str] = "scale_budget"
    factor: Factor = Field(alias="scale_budget")
    period: Id | None = None
    pool: Id | None = None
    category: Id | None = None

    def apply(self, edit: Edit) -> None:
        filters = {k: getattr(self, k) for k in ("period", "pool", "category")
                   if getattr(self, k) is not None}
        if self.period is not None and not edit.known("period", self.period, "periods",
                                                       "period"):
            return
        matching = [b for b in edit.rows("budgets")
                    if all(_same(b.get(k), v) for k, v in filters.items())]
        if not matching:
            return edit.problem(next(iter(filters), "scale_budget"),
                                "no budgets row matches " + json.dumps(filters))
        for b in matching:
            if _number(b.get("limit")):
                b["limit"] = b["limit"] * self.factor


class AddCapacity(Change):
    """FTE added to (negative: taken from) the skill's `capacity` rows."""

    kind: ClassVar[str] = "add_capacity"
    fte: Annotated[float, _checked(_number, "must be a number of FTE")] = Field(
        alias="add_capacity")
    skill: Id
    period: Id | None = None

    def apply(self, edit: Edit) -> None:
        if self.skill not in edit.ids("capacity", "skill") | edit.ids("demands", "skill"):
            return edit.problem("skill", f"unknown skill '{self.skill}'")
        if self.period is not None and not edit.known("period", self.period, "periods",
                                                       "period"):
            return
        rows = [c for c in edit.rows("capacity") if _same(c.get("skill"), self.skill)
                and (self.period is None or _same(c.get("period"), self.period))]
        if not rows:
            return edit.problem("skill", f"skill '{self.skill}' has no capacity row to add to"
                                + ("" if self.period is None else f" in period '{self.period}'"))
        fte = [(c.get("fte") if _number(c.get("fte")) else 0.0) + self.fte for c in rows]
        for c, after in zip(rows, fte, strict=True):
            if after < 0:
                return edit.problem("add_capacity", f"leaves {self.skill} with {after:g} FTE "
                                                    f"in {c.get('period')}")
        for c, after in zip(rows, fte, strict=True):
            c["fte"] = after


class Force(Change):
    """The project's `force`: in, out, or null (the optimiser decides)."""

    kind: ClassVar[str] = "force"
    project: Id = Field(alias="force")
    to: Annotated[Literal["in", "out"] | None,
                  _checked(lambda v: v in ("in", "out", None), "must be in, out or null")] = None

    def apply(self, edit: Edit) -> None:
        project = edit.project(self.project, "force")
        if project is not None:
            project["force"] = self.to


class SetWeight(Change):
    """The objective's weight."""

    kind: ClassVar[str] = "set_weight"
    objective: Id = Field(alias="set_weight")
    weight: Factor

    def apply(self, edit: Edit) -> None:
        if edit.known("set_weight", self.objective, "objectives", "objective"):
            for o in edit.rows("objectives"):
                if _same(o.get("id"), self.objective):
                    o["weight"] = self.weight


class AddProject(Change):
    """A new project and its rows; a row's project defaults to the new id."""

    kind: ClassVar[str] = "add_project"
    record: Annotated[dict[str, Any], _checked(
        lambda v: isinstance(v, dict) and v.get("id") not in (None, ""),
        "must be a project record with an id")] = Field(alias="add_project")
    costs: Records = []
    benefits: Records = []
    alignment: Records = []
    demands: Records = []
    dependencies: Records = []
    groups: Records = []
    synergies: Records = []

    def apply(self, edit: Edit) -> None:
        pid = self.record["id"]
        if _text(pid) in edit.ids("projects"):
            return edit.problem("add_project", f"project '{pid}' already exists")
        edit.rows("projects").append(copy.deepcopy(self.record))
        for table, columns in REFERENCING.items():
            edit.rows(table).extend({columns[0]: pid, **copy.deepcopy(r)}
                                    for r in getattr(self, table))


class DropProject(Change):
    """The project and every row that names it."""

    kind: ClassVar[str] = "drop_project"
    project: Id = Field(alias="drop_project")

    def apply(self, edit: Edit) -> None:
        if edit.project(self.project, "drop_project") is None:
            return
        doc = edit.document
        doc["projects"] = [p for p in edit.rows("projects") if not _same(p.get("id"),
                                                                         self.project)]
        for table, columns in REFERENCING.items():
            if table in doc:
                doc[table] = [r for r in doc[table]
                              if not any(_same(r.get(c), self.project) for c in columns)]


class SetCell(Change):
    """One cell: the row by id (projects, objectives, periods) or position."""

    kind: ClassVar[str] = "set"
    table: Annotated[str, _checked(lambda v: isinstance(v, str) and v in TABLES,
                                   "unknown table '{value}'")] = Field(alias="set")
    column: Annotated[str | None, _checked(lambda v: v is None or isinstance(v, str),
                                           "unknown column '{value}'")] = None
    id: Id | None = None
    row: Annotated[int | None, _checked(
        lambda v: v is None or isinstance(v, int) and not isinstance(v, bool),
        "must be a row number (0-based)")] = None
    value: Any = None

    @model_validator(mode="after")
    def _a_column_of_the_table(self) -> SetCell:
        if self.column not in {c.name for c in TABLES[self.table]}:
            raise _error("unknown column '{name}' of {table}", column="column",
                         name=str(self.column), table=self.table)
        if self.column == "id":
            raise _error("ids cannot be changed (drop and add instead)", column="column")
        return self

    def apply(self, edit: Edit) -> None:
        rows = edit.rows(self.table)
        if self.table in ID_TABLES and self.id is not None:
            found = [r for r in rows if _same(r.get("id"), self.id)]
            if not found:
                return edit.problem("id", f"unknown {self.table[:-1]} '{self.id}'")
        elif self.row is not None and 0 <= self.row < len(rows):
            found = [rows[self.row]]
        elif self.table in ID_TABLES:
            return edit.problem("id", "needs the row's id")
        else:
            return edit.problem("row", f"needs a row from 0 to {len(rows) - 1}")
        for r in found:
            r[self.column] = self.value


class SettingsChange(Change):
    """Settings merged into the portfolio's (known keys only)."""

    kind: ClassVar[str] = "settings"
    values: Annotated[dict[str, Any], _checked(
        lambda v: isinstance(v, dict), "must be an object of setting: value")] = Field(
        alias="settings")

    @field_validator("values")
    @classmethod
    def _known(cls, values: dict[str, Any]) -> dict[str, Any]:
        known = {c.name for c in SINGLE_TABLES["settings"]}
        unknown = [f"'{k}'" for k in values if k not in known]
        if unknown:
            raise _error("unknown setting {keys}", keys=", ".join(unknown))
        return values

    def apply(self, edit: Edit) -> None:
        edit.document["settings"] = {**(edit.document.get("settings") or {}), **self.values}


KIND_MODELS: dict[str, type[Change]] = {m.kind: m for m in (
    ScaleBudget, AddCapacity, Force, SetWeight, AddProject, DropProject, SetCell,
    SettingsChange)}
KINDS = tuple(KIND_MODELS)
NOT_A_CHANGE = "a change is an object with exactly one of " + ", ".join(KINDS)
