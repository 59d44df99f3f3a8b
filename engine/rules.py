"""Rules between tables (the contract's settled edge cases on bad input).

Each `_rule_*` reads the typed tables, returns problems (invalid input) and may
add warnings; all run, so the user sees every problem in one pass.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import pandas as pd

from .errors import Problem
from .rules_funding import funding_rules
from .windows import project_durations, start_windows


def check_rules(typed: dict[str, pd.DataFrame],
                rows: pd.Series) -> tuple[list[Problem], list[str]]:
    """Every cross-table rule; `rows` maps a project id to its row in the projects
    table. Returns (problems, warnings)."""
    tables = _Tables(typed, rows[rows.index.notna() & ~rows.index.duplicated()])
    problems: list[Problem] = []
    for rule in (_rule_self_reference, _rule_value_or_benefits, _rule_windows,
                 _rule_cycles, _rule_weights, _rule_min_max, _rule_skills, _rule_ranges):
        problems += rule(tables)
    problems += funding_rules(tables.typed, tables.warnings)
    return problems, tables.warnings


@dataclass
class _Tables:
    """What every rule reads: the typed tables, the projects' rows, and the warnings
    the rules add."""

    typed: dict[str, pd.DataFrame]
    rows: pd.Series  # project id -> row of the projects table (unique, non-blank ids)
    warnings: list[str] = field(default_factory=list)

    @cached_property
    def projects(self) -> pd.DataFrame:
        """Projects with a unique, non-blank id, indexed by it."""
        projects = self.typed["projects"]
        return projects[projects["id"].notna()].drop_duplicates("id").set_index("id")


def _rule_self_reference(t: _Tables) -> list[Problem]:
    """A dependency, synergy or pairwise judgement that names one thing twice."""
    out = []
    for table, a, b in (("dependencies", "project", "other"),
                        ("synergies", "project_a", "project_b"), ("pairwise", "a", "b")):
        frame = t.typed[table]
        same = frame[a].notna() & (frame[a] == frame[b])
        out += [Problem(table, int(r), b, f"'{frame.at[r, a]}' refers to itself")
                for r in frame.index[same.to_numpy()]]
    return out


def _rule_value_or_benefits(t: _Tables) -> list[Problem]:
    """A project with benefits rows has a start-dependent value: `value` must be blank."""
    projects = t.projects
    with_benefits = set(t.typed["benefits"]["project"].dropna())
    both = projects.index.isin(with_benefits) & projects["value"].notna().to_numpy()
    return [Problem("projects", int(t.rows[p]), "value",
                    "must be blank: the project has benefits rows (its value depends on its start)")
            for p in projects.index[both]]


def _rule_windows(t: _Tables) -> list[Problem]:
    """Durations against offsets, window order, in-flight windows, mandatory fit."""
    projects = t.projects
    periods = tuple(dict.fromkeys(t.typed["periods"]["id"].dropna()))  # first of duplicates
    if projects.empty or not periods:
        return []
    out = []
    costs, demands = t.typed["costs"], t.typed["demands"]
    offsets = pd.concat([costs[["project", "offset"]], demands[["project", "offset"]]])
    longest = offsets.dropna().groupby("project")["offset"].max()
    given = projects["duration"].dropna()
    short = given[given <= longest.reindex(given.index).fillna(-1)]
    out += [Problem("projects", int(t.rows[p]), "duration",
                    f"duration {int(d)} is shorter than its cost/demand offsets "
                    f"(longest offset {int(longest[p])})") for p, d in short.items()]
    order = {p: i for i, p in enumerate(periods)}
    e = projects["earliest_start"].map(order)
    la = projects["latest_start"].map(order)
    must = (projects["status"] == "mandatory") | (projects["force"] == "in")
    # An inverted window is one the project fits nowhere in: a candidate is no_fit
    # (warning, below), a mandatory or forced-in project is invalid input.
    inverted = e.notna() & la.notna() & (e > la) & must
    out += [Problem("projects", int(t.rows[p]), "latest_start",
                    f"latest_start {projects.at[p, 'latest_start']} is before earliest_start "
                    f"{projects.at[p, 'earliest_start']}: a "
                    f"{'mandatory' if projects.at[p, 'status'] == 'mandatory' else 'forced-in'}"
                    " project must fit its window") for p in projects.index[inverted]]
    flight = projects["status"].fillna("candidate") == "in_flight"
    late = flight & e.notna() & (e > 0)
    out += [Problem("projects", int(t.rows[p]), "earliest_start",
                    "an in_flight project starts in the first period: leave earliest_start blank")
            for p in projects.index[late]]
    both = (projects["status"] == "mandatory") & (projects["force"] == "out")
    out += [Problem("projects", int(t.rows[p]), "force",
                    "a mandatory project cannot be forced out") for p in projects.index[both]]
    clean = projects.copy()
    clean.loc[inverted, "latest_start"] = None
    clean["status"] = clean["status"].fillna("candidate")
    clean["duration"] = clean["duration"].where(~clean.index.isin(short.index))
    win = start_windows(clean, project_durations(clean, costs, demands), periods)
    must = (clean["status"] == "mandatory") | (clean["force"] == "in")
    out += [_no_fit(clean, win, p, int(t.rows[p]), periods)
            for p in win.index[(~win["fits"] & must).to_numpy()]]
    for p in win.index[win["clipped"].to_numpy()]:
        t.warnings.append(f"projects: {p} latest_start clipped to "
                        f"{periods[win.at[p, 'latest']]} (the last period where it fits)")
    for p in win.index[(~win["fits"] & ~must).to_numpy()]:
        t.warnings.append(f"projects: {p} cannot fit the horizon or its window (no_fit)")
    return out


def _no_fit(projects: pd.DataFrame, win: pd.DataFrame, p: str, row: int,
            periods: tuple[str, ...]) -> Problem:
    """A mandatory or forced-in project with no start that ends within the horizon."""
    kind = "mandatory" if projects.at[p, "status"] == "mandatory" else "forced-in"
    d = int(win.at[p, "duration"])
    if d > len(periods):
        return Problem("projects", row, "duration",
                       f"{kind} project cannot fit the horizon: duration {d} is longer "
                       f"than the {len(periods)} periods")
    start = periods[int(win.at[p, "earliest"])]
    return Problem("projects", row, "earliest_start",
                   f"{kind} project cannot fit the horizon: starting at {start} or later, "
                   f"its {d} periods run past {periods[-1]}")


def _rule_cycles(t: _Tables) -> list[Problem]:
    """`requires` / `after` chains may not close a circle."""
    deps = t.typed["dependencies"]
    edges = deps[deps["kind"].isin(["requires", "after"]) & deps["project"].notna()
                 & deps["other"].notna()]
    graph: dict[str, list[tuple[str, int]]] = {}
    for row, a, b in zip(edges.index, edges["project"], edges["other"], strict=True):
        graph.setdefault(a, []).append((b, int(row)))
    state: dict[str, int] = {}
    out = []
    for root in list(graph):
        if state.get(root):
            continue
        stack = [(root, iter(graph.get(root, ())))]
        path = [root]
        state[root] = 1
        while stack:
            node, it = stack[-1]
            nxt = next(it, None)
            if nxt is None:
                state[node] = 2
                stack.pop()
                path.pop()
                continue
            child, row = nxt
            if state.get(child) == 1:
                cycle = path[path.index(child):] + [child]
                out.append(Problem("dependencies", row, "other",
                                   "circular requires: " + " -> ".join(cycle)))
            elif not state.get(child):
                state[child] = 1
                path.append(child)
                stack.append((child, iter(graph.get(child, ()))))
    return out


def _rule_weights(t: _Tables) -> list[Problem]:
    """Weights: all zero is invalid; a blank beside given weights is 0 (warning)."""
    objectives = t.typed["objectives"]
    if objectives.empty or len(t.typed["pairwise"]):
        return []
    weights = objectives["weight"]
    if weights.notna().any():
        blank = objectives["id"][weights.isna()]
        if len(blank):
            t.warnings.append("objectives: blank weight taken as 0 for "
                              + ", ".join(map(str, blank)))
        if weights.fillna(0).sum() <= 0:
            return [Problem("objectives", None, "weight",
                            "all weights are zero: at least one must be positive")]
    return []


def _rule_min_max(t: _Tables) -> list[Problem]:
    """min <= max in group limits and balance shares."""
    out = []
    for table, lo, hi in (("group_limits", "min", "max"), ("balance", "min_share", "max_share")):
        frame = t.typed[table]
        bad = frame[lo].notna() & frame[hi].notna() & (frame[lo] > frame[hi])
        out += [Problem(table, int(r), hi, f"{hi} {frame.at[r, hi]:g} is below {lo} "
                        f"{frame.at[r, lo]:g}") for r in frame.index[bad.to_numpy()]]
    return out


def _rule_skills(t: _Tables) -> list[Problem]:
    """With a capacity table, a demanded skill must appear in it; a missing
    (skill, period) row is unconstrained (warning)."""
    capacity, demands = t.typed["capacity"], t.typed["demands"]
    if capacity.empty or demands.empty:
        return []
    known = set(capacity["skill"].dropna())
    unknown = demands["skill"].notna() & ~demands["skill"].isin(known)
    out = [Problem("demands", int(r), "skill",
                   f"unknown skill '{demands.at[r, 'skill']}' (not in the capacity table)")
           for r in demands.index[unknown.to_numpy()]]
    periods = list(dict.fromkeys(t.typed["periods"]["id"].dropna()))
    for skill in sorted(set(demands["skill"].dropna()) & known):
        have = set(capacity.loc[capacity["skill"] == skill, "period"])
        missing = [p for p in periods if p not in have]
        if missing:
            t.warnings.append(f"capacity: skill {skill} has no row for {', '.join(missing)}; "
                            "demand there is unconstrained")
    return out


def _rule_ranges(t: _Tables) -> list[Problem]:
    """An uncertain range holds its value: value_low <= value <= value_high
    (projects) and amount_low <= amount <= amount_high (benefits); a range
    needs the value it surrounds."""
    out = []
    for table, mid, low, high in (("projects", "value", "value_low", "value_high"),
                                  ("benefits", "amount", "amount_low", "amount_high")):
        frame = t.typed[table]
        for col in (low, high):
            blank = frame[col].notna() & frame[mid].isna()
            out += [Problem(table, int(r), col, f"{col} needs a {mid}") for r in
                    frame.index[blank.to_numpy()]]
        for col, wrong, word in ((low, frame[low] > frame[mid], "above"),
                                 (high, frame[high] < frame[mid], "below")):
            out += [Problem(table, int(r), col, f"{col} {frame.at[r, col]:g} is {word} "
                            f"{mid} {frame.at[r, mid]:g}") for r in
                    frame.index[wrong.fillna(False).to_numpy(dtype=bool)]]
    return out
