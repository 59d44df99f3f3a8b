"""Tests of the synthetic portfolio generator, checked from its records alone."""

import json
import math
import time
from collections import defaultdict

import pytest
from spmo.engine.synthetic.generate import generate_portfolio

N, T = 2000, 12


@pytest.fixture(scope="module")
def pf():
    """One medium portfolio shared by the structural tests."""
    return generate_portfolio(N, T, 7)


def _index(pf):
    """Period index by id and project row by id."""
    return ({p["id"]: i for i, p in enumerate(pf["periods"])},
            {p["id"]: p for p in pf["projects"]})


def _start(project, at):
    """Earliest start index of a project (blank: the first period)."""
    return at[project["earliest_start"]] if "earliest_start" in project else 0


def _firm(pf, statuses=("mandatory", "in_flight")):
    """Ids of the projects with one of the given statuses."""
    return {p["id"] for p in pf["projects"] if p["status"] in statuses}


def test_deterministic_for_a_seed():
    """The same seed gives the same dict, another seed another one."""
    a, b = generate_portfolio(300, 8, 11), generate_portfolio(300, 8, 11)
    assert a == b
    assert generate_portfolio(300, 8, 12) != a


def test_names_periods_and_ids():
    """Quarter ids across years, zero-padded project ids, default and given names."""
    pf = generate_portfolio(1200, 6, 1)
    assert [p["id"] for p in pf["periods"]] == [
        "2027Q1", "2027Q2", "2027Q3", "2027Q4", "2028Q1", "2028Q2"]
    assert pf["projects"][0]["id"] == "P0001" and pf["projects"][-1]["id"] == "P1200"
    assert pf["name"] == "synthetic-1200x6-s1"
    assert generate_portfolio(5, 4, 1, name="demo")["name"] == "demo"


def test_table_sizes(pf):
    """Every table has the expected number of rows, or a plausible range."""
    assert len(pf["periods"]) == T and len(pf["projects"]) == N
    assert len(pf["objectives"]) == 5
    assert len(pf["capacity"]) == 30 * T
    assert len(pf["budgets"]) == 2 * T + 1
    assert 2 * N < len(pf["costs"]) < 16 * N
    assert 2 * N < len(pf["demands"]) < 24 * N
    status = defaultdict(int)
    for p in pf["projects"]:
        status[p["status"]] += 1
    assert 0.03 * N < status["mandatory"] < 0.07 * N
    assert 0.03 * N < status["in_flight"] < 0.07 * N
    for table in ("dependencies", "groups", "group_limits", "synergies", "balance"):
        assert 0 < len(pf[table]) < 0.1 * N
    assert {r["skill"] for r in pf["capacity"]} >= {"pm", "data-eng", "skill-30"}


def test_more_objectives_units_and_skills():
    """Generic names extend the realistic lists."""
    pf = generate_portfolio(100, 4, 3, skills=14, objectives=7, business_units=8)
    assert pf["objectives"][-1]["id"] == "objective-07"
    assert {r["skill"] for r in pf["capacity"]} >= {"skill-13", "skill-14"}
    assert len({p["business_unit"] for p in pf["projects"]}) > 3


def test_offsets_within_duration(pf):
    """Costs and demands lie before the duration, the last offset has a row."""
    d = {p["id"]: p["duration"] for p in pf["projects"]}
    last = defaultdict(int)
    for row in pf["costs"] + pf["demands"]:
        assert 0 <= row["offset"] < d[row["project"]]
        last[row["project"]] = max(last[row["project"]], row["offset"])
    assert all(last[p] == d[p] - 1 for p in d)
    assert all(2 <= x <= 8 for x in d.values())
    pools = {r["pool"] for r in pf["costs"]}
    assert pools == {"capex", "opex"}


def test_value_or_benefits_never_both(pf):
    """A project has a value or benefit rows, not both; benefits follow the finish."""
    with_benefits = {r["project"] for r in pf["benefits"]}
    d = {p["id"]: p["duration"] for p in pf["projects"]}
    for p in pf["projects"]:
        assert ("value" in p) != (p["id"] in with_benefits)
    assert all(d[r["project"]] <= r["offset"] <= d[r["project"]] + 6 for r in pf["benefits"])
    share = len(with_benefits) / N
    assert 0.1 < share < 0.3
    assert any(p.get("value", 0) < 0 for p in pf["projects"])


def test_windows_fit(pf):
    """Windows are ordered and fit; mandatory always; in-flight may only stall 1-3."""
    at, _ = _index(pf)
    for p in pf["projects"]:
        e = at.get(p.get("earliest_start"), 0)
        la = at.get(p.get("latest_start"), T - p["duration"])
        assert 0 <= e <= la and la + p["duration"] <= T
        if p["status"] == "in_flight":
            assert "earliest_start" not in p
            assert 1 <= at.get(p.get("latest_start"), 1) <= 3


def test_alignment(pf):
    """Scores 1-5, 1-3 objectives each, mandatory aligned, some candidates unaligned."""
    aligned = defaultdict(set)
    for r in pf["alignment"]:
        assert 1.0 <= r["score"] <= 5.0
        aligned[r["project"]].add(r["objective"])
    assert all(1 <= len(x) <= 3 for x in aligned.values())
    assert all(p in aligned for p in _firm(pf))
    unaligned = sum(p["id"] not in aligned for p in pf["projects"])
    assert 0.03 * N < unaligned < 0.13 * N


def test_dependencies_acyclic_and_known(pf):
    """Edges point to smaller existing ids, never out of mandatory or in-flight projects."""
    _, rows = _index(pf)
    firm = _firm(pf)
    kinds = set()
    for r in pf["dependencies"]:
        assert r["project"] in rows and r["other"] in rows
        assert r["other"] < r["project"] and r["project"] not in firm
        kinds.add(r["kind"])
        if r["kind"] == "after":
            assert r["lag"] in (0, 1)
    assert kinds == {"requires", "after", "excludes"}


def test_groups(pf):
    """Variants hold 2-3 candidates with max 1; themes allow up to 3."""
    _, rows = _index(pf)
    members = defaultdict(list)
    for r in pf["groups"]:
        members[r["group"]].append(r["project"])
        assert rows[r["project"]]["status"] == "candidate"
    limits = {r["group"]: r for r in pf["group_limits"]}
    assert set(limits) == set(members)
    for g, ids in members.items():
        assert limits[g]["max"] == (1 if g.startswith("G") else 3)
        assert 2 <= len(ids) <= 3 or not g.startswith("G")


def _spend(pf, ids):
    """Spend per (period index, pool) of the given projects at their earliest start."""
    at, rows = _index(pf)
    spend = defaultdict(float)
    for r in pf["costs"]:
        if r["project"] in ids:
            spend[_start(rows[r["project"]], at) + r["offset"], r["pool"]] += r["amount"]
    return spend


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("statuses", [("mandatory",), ("mandatory", "in_flight")])
def test_firm_projects_fit_budgets_and_capacity(seed, statuses):
    """Mandatory (and in-flight) projects at earliest start fit every budget and capacity."""
    pf = generate_portfolio(1500, 10, seed)
    at, rows = _index(pf)
    spend = _spend(pf, _firm(pf, statuses))
    for b in pf["budgets"]:
        used = sum(v for (t, pool), v in spend.items()
                   if b.get("period") in (None, pf["periods"][t]["id"])
                   and b.get("pool") in (None, pool))
        assert used <= b["limit"] + 1e-6
    need = defaultdict(float)
    for r in pf["demands"]:
        if rows[r["project"]]["status"] in statuses:
            need[r["skill"], _start(rows[r["project"]], at) + r["offset"]] += r["fte"]
    for c in pf["capacity"]:
        assert need[c["skill"], at[c["period"]]] <= c["fte"]


@pytest.mark.parametrize("statuses", [("mandatory",), ("mandatory", "in_flight")])
def test_firm_projects_fit_balance_and_risk(pf, statuses):
    """The firm sets satisfy every balance share and risk-appetite limit."""
    _, rows = _index(pf)
    firm = _firm(pf, statuses)
    cost = defaultdict(float)
    for r in pf["costs"]:
        cost[r["project"]] += r["amount"]
    total = sum(cost[p] for p in firm)
    for b in pf["balance"]:
        part = sum(cost[p] for p in firm if rows[p][b["dimension"]] == b["value"])
        assert part <= b["max_share"] * total + 1e-6
    ra = pf["risk_appetite"]
    exposure = sum(cost[p] * rows[p]["risk"] for p in firm)
    high = sum(cost[p] for p in firm if rows[p]["risk"] >= ra["high_risk_threshold"])
    assert exposure <= ra["max_exposure"]
    assert high <= ra["max_high_risk_share"] * total + 1e-6
    assert exposure <= ra["max_average_risk"] * total + 1e-6


def test_budgets_and_capacity_bind(pf):
    """Limits leave room for only part of the candidates, and some capacity can be bought."""
    whole = next(b["limit"] for b in pf["budgets"] if "period" not in b)
    total = sum(r["amount"] for r in pf["costs"])
    assert 0.2 * total < whole < 0.7 * total
    scopes = [(b.get("period"), b.get("pool"), b.get("category")) for b in pf["budgets"]]
    assert len(set(scopes)) == len(scopes)
    extra = [c for c in pf["capacity"] if c.get("extra_fte")]
    assert 0.2 * len(pf["capacity"]) < len(extra) < 0.5 * len(pf["capacity"])
    assert all(30 <= c["extra_cost"] <= 60 and 1 <= c["extra_fte"] <= 3 for c in extra)


def _plain(x):
    """True when x holds only dicts, lists, str, int, finite float and bool."""
    if isinstance(x, dict):
        return all(isinstance(k, str) and _plain(v) for k, v in x.items())
    if isinstance(x, list):
        return all(_plain(v) for v in x)
    if type(x) is float:
        return math.isfinite(x)
    return type(x) in (str, int, bool)


def test_json_plain_and_no_blanks(pf):
    """Plain Python values only (no None, NaN or numpy scalars), and json.dumps works."""
    assert _plain(pf)
    assert json.loads(json.dumps(pf, allow_nan=False)) == pf


def test_tiny_portfolios():
    """Degenerate sizes still give valid, fitting portfolios."""
    for n, t in ((1, 1), (3, 2), (10, 3)):
        pf = generate_portfolio(n, t, 5, skills=1, objectives=1, business_units=1)
        assert len(pf["projects"]) == n
        assert all(p["duration"] <= t for p in pf["projects"])
        assert _plain(pf)
    with pytest.raises(ValueError):
        generate_portfolio(0, 4, 1)


def test_speed_sanity():
    """5,000 projects x 20 periods in well under ten seconds."""
    t0 = time.perf_counter()
    pf = generate_portfolio(5000, 20, 1)
    assert time.perf_counter() - t0 < 10
    assert len(pf["projects"]) == 5000
