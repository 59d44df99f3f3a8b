"""The strategic side of a Project Online analysis: drivers as objectives,
driver relations as AHP `pairwise` judgements, project impact ratings as
`alignment` scores (see `engine.msp_map` and docs/msp.md).

Scales:

- RelationValue (PrioritizationDriverRelations: "driver 1 <relation> driver
  2") on Saaty's odd steps: extremely more important 9, strongly (or much)
  more important 5, moderately more important 3, equally important 1; the
  same words with "less" give 1/9, 1/5, 1/3. A number in [1/9, 9] is taken as
  the ratio itself.
- Impact ratings: None 0, Low 2, Moderate 4, Strong 6, Extreme 8 (IMPACTS);
  "No rating" gives no row; a number >= 0 is taken as the score.

Without impact ratings (ProjectData does not publish them: the
ProjectDriverImpacts entity set is spmo's), or without drivers, the analysis
is read with one objective, `priority`, scored by each project's Priority
as Project Online computed it, and a warning says so.
"""

from __future__ import annotations

import re

import pandas as pd

from .derive import ahp_weights
from .errors import Problem
from .msp import key, number_of, rows_of

RELATIONS = (("extreme", 9.0), ("strong", 5.0), ("much", 5.0), ("moderate", 3.0))
"""Saaty's odd steps for Project Online's words ('equal' is 1)."""
IMPACTS = {"none": 0.0, "low": 2.0, "moderate": 4.0, "strong": 6.0, "extreme": 8.0}
"""Impact ratings as scores: Strong = 6 as Project Online's priorities are
reported to use, the others a linear step of 2 (docs/msp.md)."""
WEIGHT_TOLERANCE = 0.01
"""AHP weights and Project Online's priorities further apart than this get a warning."""


def relation_ratio(value: object) -> float:
    """RelationValue as "driver 1 is ratio times as important as driver 2";
    ValueError for a value that is neither a relation in words nor a ratio."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 1 / 9 - 1e-9 <= value <= 9 + 1e-9:
            return float(value)
        raise ValueError(f"a ratio must be in [1/9, 9], got {value}")
    text = key(value)
    if "equal" in text:
        return 1.0
    step = next((r for word, r in RELATIONS if word in text), None)
    if step is None or ("more" in text) == ("less" in text):
        raise ValueError(f"not a relation: {value!r} (e.g. 'is strongly more important than', "
                         "'is moderately less important than', 'is equally important as')")
    return step if "more" in text else 1.0 / step


def impact_score(value: object) -> float | None:
    """An impact rating as a score (IMPACTS or a number >= 0); None for no rating.
    ValueError for anything else."""
    if isinstance(value, int | float) and not isinstance(value, bool) and value >= 0:
        return float(value)
    text = key(value).replace("impact", "").strip()
    if text in ("", "no rating", "not rated"):
        return None
    if text in IMPACTS:
        return IMPACTS[text]
    raise ValueError(f"not an impact rating: {value!r} (None, Low, Moderate, Strong, "
                     "Extreme, No rating, or a number >= 0)")


def strategy(feeds, analysis: dict, projects: list[dict], problems: list[Problem],
             warnings: list[str]) -> tuple[list[dict], list[dict], list[dict]]:
    """(objectives, pairwise, alignment) of the analysis (module docstring)."""
    drivers = _drivers(feeds, analysis)
    if not drivers or "ProjectDriverImpacts" not in feeds:
        warnings.append("no " + ("ProjectDriverImpacts" if drivers else "drivers for the "
                        "analysis' prioritization") + ": one objective, 'priority', scored by "
                        "each project's Priority in Project Online")
        return ([{"id": "priority", "name": "Project Online priority"}], [],
                [{"project": p["id"], "objective": "priority", "score": p["priority"]}
                 for p in projects if p["priority"] > 0])
    objectives = [{"id": d["id"], "name": d["name"]}
                  | ({"weight": d["weight"]} if d["weight"] is not None else {})
                  for d in drivers.values()]
    pairwise = _pairwise(feeds, analysis, drivers, problems)
    if pairwise:
        _compare_weights(drivers, pairwise, warnings)
    return objectives, pairwise, _alignment(feeds, drivers, projects, problems)


def _slug(name: str) -> str:
    return re.sub(r"[^0-9a-z]+", "-", name.lower()).strip("-") or "driver"


def _drivers(feeds, analysis: dict) -> dict[str, dict]:
    """driver GUID (key) -> id (a slug of its name, unique), name, weight
    (BusinessDriverPriority), in the feed's order."""
    names = {key(e.get("BusinessDriverId")): e.get("BusinessDriverName")
             for e in feeds.get("BusinessDrivers", [])}
    out, used = {}, set()
    for _, e in rows_of(feeds, "PrioritizationDrivers",
                        PrioritizationId=analysis.get("PrioritizationId")):
        guid = key(e.get("BusinessDriverId"))
        name = str(e.get("BusinessDriverName") or e.get("BusinessDriveName")
                   or names.get(guid) or guid)
        slug, n = _slug(name), 2
        while slug in used:
            slug, n = f"{_slug(name)}-{n}", n + 1
        used.add(slug)
        out[guid] = {"id": slug, "name": name,
                     "weight": number_of(e.get("BusinessDriverPriority"))}
    return out


def _pairwise(feeds, analysis: dict, drivers: dict, problems: list[Problem]) -> list[dict]:
    """A judgement per pair of drivers (the first row of a pair read either way)."""
    out, seen = [], set()
    for row, e in rows_of(feeds, "PrioritizationDriverRelations",
                          PrioritizationId=analysis.get("PrioritizationId")):
        pair = [drivers.get(key(e.get(f"BusinessDriver{k}Id"))) for k in (1, 2)]
        if None in pair:
            problems.append(Problem("PrioritizationDriverRelations", row, "BusinessDriver1Id",
                                    "names a driver that is not in the prioritization"))
            continue
        a, b = pair[0]["id"], pair[1]["id"]
        if a == b or frozenset((a, b)) in seen:
            continue
        try:
            ratio = relation_ratio(e.get("RelationValue"))
        except ValueError as exc:
            problems.append(Problem("PrioritizationDriverRelations", row, "RelationValue",
                                    str(exc)))
            continue
        seen.add(frozenset((a, b)))
        out.append({"a": a, "b": b, "ratio": ratio})
    return out


def _compare_weights(drivers: dict, pairwise: list[dict], warnings: list[str]) -> None:
    """A warning where the AHP weights of the judgements and Project Online's
    BusinessDriverPriority (normalised) differ by more than WEIGHT_TOLERANCE."""
    ids = [d["id"] for d in drivers.values()]
    given = [d["weight"] for d in drivers.values()]
    if any(w is None for w in given) or sum(given) <= 0:
        return
    weights, _ = ahp_weights(ids, pd.DataFrame(pairwise))
    off = [f"{i} {w:.1%} (Project Online {g / sum(given):.1%})"
           for i, w, g in zip(ids, weights, given, strict=True)
           if abs(w - g / sum(given)) > WEIGHT_TOLERANCE]
    if off:
        warnings.append("the driver relations give other weights than Project Online's "
                        "priorities; the relations are used: " + "; ".join(off))


def _alignment(feeds, drivers: dict, projects: list[dict], problems: list[Problem]
               ) -> list[dict]:
    """A row per rated (project, driver) of the analysis; others are skipped."""
    ids = {key(p["guid"]): p["id"] for p in projects}
    out, seen = [], set()
    for row, e in rows_of(feeds, "ProjectDriverImpacts"):
        project = ids.get(key(e.get("ProjectId")))
        driver = drivers.get(key(e.get("BusinessDriverId")))
        if project is None or driver is None or (project, driver["id"]) in seen:
            continue
        try:
            score = impact_score(e.get("Impact"))
        except ValueError as exc:
            problems.append(Problem("ProjectDriverImpacts", row, "Impact", str(exc)))
            continue
        seen.add((project, driver["id"]))
        if score:
            out.append({"project": project, "objective": driver["id"], "score": score})
    return out
