"""Reading a Microsoft Project Online (Project Server 2013+) Portfolio
Analysis as its ProjectData reporting service (OData) publishes it.

The input is the analysis' entity sets saved as they come from
`https://<pwa>/_api/ProjectData/<EntitySet>`:

- a folder of `<EntitySet>.json` files, each in the OData v4 JSON shape
  `{"value": [...]}`, the v3 verbose shape `{"d": {"results": [...]}}` (or
  `{"d": [...]}`), or a bare list of entities; or
- a workbook (`.xlsx`) with one sheet per entity set, the property names in
  row 1 (Excel's "From OData feed" query, or a copy of the JSON).

Sheet and file names are matched without regard to case. Dates are read
from ISO 8601 text (`2027-01-01T00:00:00Z`), the v3 form `/Date(ms)/` or a
workbook's date cells. `engine.msp_map` turns the entity sets into a
portfolio document; docs/msp.md gives the mapping and its sources.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

from .errors import InvalidPortfolio, Problem

ENTITY_SETS = (
    "PortfolioAnalyses", "BusinessDrivers", "Prioritizations", "PrioritizationDrivers",
    "PrioritizationDriverRelations", "PortfolioAnalysisProjects", "CostConstraintScenarios",
    "CostScenarioProjects", "ResourceConstraintScenarios", "ResourceScenarioProjects",
    "Projects", "ProjectDriverImpacts")
"""The entity sets read (all of ProjectData's but ProjectDriverImpacts, spmo's
name for the project impact ratings, which ProjectData does not publish)."""
REQUIRED = ("PortfolioAnalyses", "PortfolioAnalysisProjects")
NUMBERS = {
    "PortfolioAnalysisProjects": ("Duration", "Locked", "Priority"),
    "Projects": ("ProjectCost",), "CostConstraintScenarios": ("SelectedProjectsCost",),
    "CostScenarioProjects": ("ForceStatus",), "PrioritizationDrivers": ("BusinessDriverPriority",),
}
"""Number properties read (Edm.Decimal may come as text): checked on reading."""
MAX_ROWS = 200_000
"""Entities read per set at most (a Portfolio Analysis holds hundreds)."""

Feeds = dict[str, list[dict]]


def read_feeds(path: str | Path) -> Feeds:
    """{entity set: [entity, ...]} from a folder of JSON feeds or a workbook;
    InvalidPortfolio naming the file (table), row and problem, all at once."""
    path = Path(path)
    problems: list[Problem] = []
    if path.is_dir():
        feeds = _read_folder(path, problems)
    elif path.suffix.lower() == ".xlsx" and path.is_file():
        feeds = _read_workbook(path, problems)
    else:
        raise InvalidPortfolio([Problem("msp", None, None, (
            f"'{path}' is neither a folder of <EntitySet>.json feeds nor an .xlsx workbook "
            "with a sheet per entity set"))])
    problems += [Problem(name, None, None, f"the {name} feed is missing: it is needed to "
                         "read the analysis") for name in REQUIRED if name not in feeds]
    if problems:
        raise InvalidPortfolio(problems)
    return feeds


def _canonical(name: str) -> str | None:
    return {s.lower(): s for s in ENTITY_SETS}.get(name.strip().lower())


def _read_folder(folder: Path, problems: list[Problem]) -> Feeds:
    feeds: Feeds = {}
    for file in sorted(folder.glob("*.json")):
        name = _canonical(file.stem)
        if name is None:
            continue
        try:
            data = json.loads(file.read_text(encoding="utf-8-sig"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            problems.append(Problem(name, None, None, f"{file.name} is not JSON: {exc}"))
            continue
        entities = entities_of(data)
        if entities is None:
            problems.append(Problem(name, None, None, (
                f"{file.name}: expected an OData feed, {{\"value\": [...]}} or "
                "{\"d\": {\"results\": [...]}}")))
            continue
        feeds[name] = _checked(name, entities, problems)
    return feeds


def entities_of(data: object) -> list | None:
    """The entities of an OData JSON feed (v4 `value`, v3 `d.results` or `d`,
    or a bare list); None for another shape."""
    if isinstance(data, dict) and isinstance(data.get("value"), list):
        return data["value"]
    if isinstance(data, dict) and "d" in data:
        inner = data["d"]
        if isinstance(inner, dict) and isinstance(inner.get("results"), list):
            return inner["results"]
        return inner if isinstance(inner, list) else None
    return data if isinstance(data, list) else None


def _checked(name: str, entities: list, problems: list[Problem]) -> list[dict]:
    if len(entities) > MAX_ROWS:
        problems.append(Problem(name, None, None, f"more than {MAX_ROWS:,} entities"))
        return []
    out = []
    for row, entity in enumerate(entities):
        if isinstance(entity, dict):
            out.append({k: v for k, v in entity.items() if not k.startswith(("__", "@"))})
        else:
            problems.append(Problem(name, row, None, "an entity is not a JSON object"))
    return out


def _read_workbook(path: Path, problems: list[Problem]) -> Feeds:
    """A sheet per entity set: row 1 the property names, then an entity a row
    (blank rows skipped); formulas are not run (their cached values are read)."""
    import openpyxl

    feeds: Feeds = {}
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # zipfile.BadZipFile, KeyError, ... from a damaged file
        problems.append(Problem("msp", None, None, f"'{path.name}' is not a workbook: {exc}"))
        return feeds
    for sheet in book.worksheets:
        name = _canonical(sheet.title)
        if name is None:
            continue
        rows = sheet.iter_rows(values_only=True)
        header = [None if h is None else str(h).strip() for h in next(rows, ())]
        entities = [{h: v for h, v in zip(header, row, strict=False) if h and v is not None}
                    for row, _ in zip(rows, range(MAX_ROWS + 1), strict=False)
                    if any(v is not None for v in row)]
        feeds[name] = _checked(name, entities, problems)
    book.close()
    return feeds


def read_numbers(feeds: Feeds) -> list[Problem]:
    """The NUMBERS properties made floats in place (None when blank); a
    problem (and None) for a value that is not a number."""
    problems = []
    for name, properties in NUMBERS.items():
        for row, entity in enumerate(feeds.get(name, [])):
            for prop in properties:
                try:
                    entity[prop] = number_of(entity.get(prop))
                except (TypeError, ValueError):
                    problems.append(Problem(name, row, prop,
                                            f"not a number: {entity.get(prop)!r}"))
                    entity[prop] = None
    return problems


_MS_DATE = re.compile(r"^/Date\((-?\d+)([+-]\d{4})?\)/$")


def date_of(value: object) -> dt.date | None:
    """A date from ISO text, OData v3 `/Date(ms)/` or a datetime; None when blank.
    ValueError for text that is none of these."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    match = _MS_DATE.match(text)
    if match:
        return (dt.datetime(1970, 1, 1) + dt.timedelta(milliseconds=int(match[1]))).date()
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).date()


def key(value) -> str:
    """A value compared without regard to case or spaces (GUIDs, names)."""
    return str(value or "").strip().lower()


def rows_of(feeds: Feeds, name: str, **match) -> list[tuple[int, dict]]:
    """(row, entity) of a feed whose properties equal `match` (by `key`)."""
    return [(i, e) for i, e in enumerate(feeds.get(name, []))
            if all(key(e.get(k)) == key(v) for k, v in match.items())]


def number_of(value: object) -> float | None:
    """A number from a JSON number, an OData Edm.Decimal string or a cell; None when blank.
    ValueError for text that is not a number."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return float(value)  # Locked may come as a JSON boolean
    number = float(value)
    if number != number or number in (float("inf"), float("-inf")):
        raise ValueError(f"not a finite number: {value!r}")
    return number
