"""What-ifs as data: a scenario is `{"name": ..., "changes": [...]}`, each
change one typed override applied in order to a copy of the base portfolio's
document (the base is never changed). The result is validated like any
portfolio, so a scenario can never produce an invalid plan input.

Changes (one kind per object; its other keys are its arguments):

- `scale_budget: f` (period, pool, category: optional filters): every
  matching `budgets` row's limit times f (f >= 0);
- `add_capacity: d` (skill; period optional): `capacity` fte + d on the
  skill's rows (in that period);
- `force: P` (to: in, out or null): the project's `force`;
- `set_weight: O` (weight >= 0): the objective's weight;
- `add_project: {...}` (costs, benefits, alignment, demands, dependencies,
  groups, synergies: lists of records whose `project` defaults to the new
  id): a new project and its rows;
- `drop_project: P`: the project and every row naming it;
- `set: TABLE` (id for projects, objectives, periods, else row: 0-based;
  column; value): one cell;
- `settings: {...}`: merged into `settings`.

A change naming an unknown project, skill, period, objective, table or
column, or with a malformed argument, is invalid input: every such problem
at once, as table `scenario`, row the change's 0-based position, column the
argument.
"""

from __future__ import annotations

import copy
import json
import math
from pathlib import Path

from spmo.engine.errors import InvalidPortfolio, Problem
from spmo.engine.schema import SINGLE_TABLES, TABLES

REFERENCING = {"costs": ("project",), "benefits": ("project",), "alignment": ("project",),
               "demands": ("project",), "dependencies": ("project", "other"),
               "groups": ("project",), "synergies": ("project_a", "project_b")}
"""Tables whose rows name a project, and the columns that do."""
ID_TABLES = ("projects", "objectives", "periods")
KINDS = ("scale_budget", "add_capacity", "force", "set_weight", "add_project",
         "drop_project", "set", "settings")
FORCE = ("in", "out", None)


def read_scenario(path: str | Path) -> dict:
    """A scenario from a .json, .yaml or .yml file (InvalidPortfolio if it does not parse)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
        if path.suffix.lower() in (".yaml", ".yml"):
            import yaml

            return yaml.safe_load(text)
        return json.loads(text)
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise InvalidPortfolio([Problem("scenario", None, None,
                                        f"cannot read {path.name}: {exc}")]) from exc
    except Exception as exc:  # yaml.YAMLError
        raise InvalidPortfolio([Problem("scenario", None, None,
                                        f"cannot read {path.name}: {exc}")]) from exc


def scenario_name(scenario: object, position: int) -> str:
    name = scenario.get("name") if isinstance(scenario, dict) else None
    return str(name) if name not in (None, "") else f"scenario {position + 1}"


def apply_scenario(document: dict, scenario: object) -> dict:
    """A new document: `document` with the scenario's changes applied in order."""
    if not isinstance(scenario, dict) or not isinstance(scenario.get("changes", []), list):
        raise InvalidPortfolio([Problem("scenario", None, "changes",
                                        'a scenario is {"name": ..., "changes": [...]}')])
    doc = copy.deepcopy(document)
    problems: list[Problem] = []
    for row, change in enumerate(scenario.get("changes", [])):
        _Change(doc, row, change, problems).apply()
    if problems:
        raise InvalidPortfolio(problems)
    return doc


def _same(a: object, b: object) -> bool:
    """Ids compare as strings (Excel's 7 is "7"); blank matches blank."""
    if a is None or b is None:
        return a is None and b is None
    return _text(a) == _text(b)


def _text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) \
        and math.isfinite(value)


class _Change:
    """One change applied to `doc` in place, its problems appended."""

    def __init__(self, doc: dict, row: int, change: object, problems: list[Problem]) -> None:
        self.doc, self.row, self.change, self.problems = doc, row, change, problems

    def problem(self, column: str | None, message: str) -> None:
        self.problems.append(Problem("scenario", self.row, column, message))

    def table(self, name: str) -> list[dict]:
        rows = self.doc.get(name)
        if not isinstance(rows, list):
            rows = self.doc[name] = []
        return rows

    def ids(self, table: str, column: str = "id") -> set[str]:
        return {_text(r.get(column)) for r in self.table(table) if isinstance(r, dict)}

    def known(self, column: str, value: object, table: str, what: str) -> bool:
        if value is None or _text(value) not in self.ids(table):
            self.problem(column, f"unknown {what} '{value}'")
            return False
        return True

    def apply(self) -> None:
        change = self.change
        kinds = [k for k in KINDS if isinstance(change, dict) and k in change]
        if len(kinds) != 1:
            self.problem(None, "a change is an object with exactly one of " + ", ".join(KINDS))
            return
        getattr(self, f"_{kinds[0]}")(change[kinds[0]])

    def _scale_budget(self, factor) -> None:
        if not _number(factor) or factor < 0:
            return self.problem("scale_budget", "must be a number >= 0")
        filters = {k: self.change[k] for k in ("period", "pool", "category") if k in self.change}
        if "period" in filters and not self.known("period", filters["period"], "periods",
                                                   "period"):
            return
        matching = [b for b in self.table("budgets")
                    if all(_same(b.get(k), v) for k, v in filters.items())]
        if not matching:
            return self.problem(next(iter(filters), "scale_budget"),
                                "no budgets row matches " + json.dumps(filters))
        for b in matching:
            if _number(b.get("limit")):
                b["limit"] = b["limit"] * factor

    def _add_capacity(self, amount) -> None:
        if not _number(amount):
            return self.problem("add_capacity", "must be a number of FTE")
        skill, period = self.change.get("skill"), self.change.get("period")
        skills = self.ids("capacity", "skill") | self.ids("demands", "skill")
        if skill is None or _text(skill) not in skills:
            return self.problem("skill", f"unknown skill '{skill}'")
        if period is not None and not self.known("period", period, "periods", "period"):
            return
        rows = [c for c in self.table("capacity") if _same(c.get("skill"), skill)
                and (period is None or _same(c.get("period"), period))]
        if not rows:
            return self.problem("skill", f"skill '{skill}' has no capacity row to add to"
                                + ("" if period is None else f" in period '{period}'"))
        for c in rows:
            fte = (c.get("fte") if _number(c.get("fte")) else 0.0) + amount
            if fte < 0:
                return self.problem("add_capacity", f"leaves {skill} with {fte:g} FTE in "
                                                    f"{c.get('period')}")
            c["fte"] = fte

    def _project(self, pid, column: str) -> dict | None:
        for p in self.table("projects"):
            if _same(p.get("id"), pid):
                return p
        self.problem(column, f"unknown project '{pid}'")
        return None

    def _force(self, pid) -> None:
        to = self.change.get("to")
        if to not in FORCE:
            return self.problem("to", "must be in, out or null")
        project = self._project(pid, "force")
        if project is not None:
            project["force"] = to

    def _set_weight(self, objective) -> None:
        weight = self.change.get("weight")
        if not _number(weight) or weight < 0:
            return self.problem("weight", "must be a number >= 0")
        if self.known("set_weight", objective, "objectives", "objective"):
            for o in self.table("objectives"):
                if _same(o.get("id"), objective):
                    o["weight"] = weight

    def _add_project(self, record) -> None:
        if not isinstance(record, dict) or record.get("id") in (None, ""):
            return self.problem("add_project", "must be a project record with an id")
        pid = record["id"]
        if _text(pid) in self.ids("projects"):
            return self.problem("add_project", f"project '{pid}' already exists")
        self.table("projects").append(dict(record))
        for key, rows in self.change.items():
            if key == "add_project":
                continue
            if key not in REFERENCING or not isinstance(rows, list) or \
                    not all(isinstance(r, dict) for r in rows):
                self.problem(key, "must be one of " + ", ".join(REFERENCING)
                             + ", as a list of records")
                continue
            first = REFERENCING[key][0]
            self.table(key).extend({first: pid, **r} for r in rows)

    def _drop_project(self, pid) -> None:
        if self._project(pid, "drop_project") is None:
            return
        self.doc["projects"] = [p for p in self.table("projects") if not _same(p.get("id"), pid)]
        for table, columns in REFERENCING.items():
            if table in self.doc:
                self.doc[table] = [r for r in self.table(table)
                                   if not any(_same(r.get(c), pid) for c in columns)]

    def _set(self, table) -> None:
        column, value = self.change.get("column"), self.change.get("value")
        if not isinstance(table, str) or table not in TABLES:
            return self.problem("set", f"unknown table '{table}'")
        if not isinstance(column, str) or column not in {c.name for c in TABLES[table]}:
            return self.problem("column", f"unknown column '{column}' of {table}")
        rows = self.table(table)
        if table in ID_TABLES and "id" in self.change:
            found = [r for r in rows if _same(r.get("id"), self.change["id"])]
            if not found:
                return self.problem("id", f"unknown {table[:-1]} '{self.change['id']}'")
        elif isinstance(self.change.get("row"), int) and 0 <= self.change["row"] < len(rows):
            found = [rows[self.change["row"]]]
        else:
            return self.problem("id" if table in ID_TABLES else "row",
                                "needs the row's id" if table in ID_TABLES
                                else f"needs a row from 0 to {len(rows) - 1}")
        if column == "id":
            return self.problem("column", "ids cannot be changed (drop and add instead)")
        for r in found:
            r[column] = value

    def _settings(self, values) -> None:
        if not isinstance(values, dict):
            return self.problem("settings", "must be an object of setting: value")
        known = {c.name for c in SINGLE_TABLES["settings"]}
        for key in values:
            if key not in known:
                self.problem("settings", f"unknown setting '{key}'")
        settings = self.doc.get("settings")
        self.doc["settings"] = {**(settings if isinstance(settings, dict) else {}), **values}
