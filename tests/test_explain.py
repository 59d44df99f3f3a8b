"""Explanations: codes, exact cost_to_include, conflicts, relaxations, advice."""

from __future__ import annotations

import copy

import pytest
from spmo.engine.rows import row_name

from .conftest import portfolio_of, solve_checked

P = [{"id": "Q1"}, {"id": "Q2"}]


def doc(projects, **tables) -> dict:
    return {"periods": P, "projects": projects, **tables}


def code_of(result, pid: str) -> str:
    return next(e.code for e in result.excluded if e.project == pid)


def excluded(result, pid: str):
    return next(e for e in result.excluded if e.project == pid)


# Each fixture keeps exactly one project X out, for exactly one reason.
CODE_FIXTURES = {
    "forced_out": doc([{"id": "X", "value": 5, "force": "out"}]),
    "no_fit": doc([{"id": "X", "value": 5, "duration": 3}]),
    "unaligned": doc([{"id": "X", "value": 5}, {"id": "A", "value": 1}],
                     objectives=[{"id": "o"}],
                     alignment=[{"project": "A", "objective": "o", "score": 1}]),
    "budget": doc([{"id": "A", "value": 10}, {"id": "X", "value": 5}],
                  costs=[{"project": "A", "offset": 0, "amount": 8},
                         {"project": "X", "offset": 0, "amount": 8}],
                  budgets=[{"limit": 10}]),
    "capacity": doc([{"id": p, "value": v, "earliest_start": "Q1", "latest_start": "Q1"}
                     for p, v in (("A", 10), ("X", 5))],
                    demands=[{"project": p, "skill": "dev", "offset": 0, "fte": 2}
                             for p in "AX"],
                    capacity=[{"skill": "dev", "period": q["id"], "fte": 3} for q in P]),
    "dependency": doc([{"id": "A", "value": 10}, {"id": "X", "value": 5}],
                      dependencies=[{"project": "X", "kind": "excludes", "other": "A"}]),
    "group": doc([{"id": "A", "value": 10}, {"id": "X", "value": 5}],
                 groups=[{"group": "g", "project": "A"}, {"group": "g", "project": "X"}],
                 group_limits=[{"group": "g", "max": 1}]),
    "risk": doc([{"id": "A", "value": 10, "risk": 0.1}, {"id": "X", "value": 5, "risk": 0.9}],
                costs=[{"project": p, "offset": 0, "amount": 10} for p in "AX"],
                risk_appetite={"max_exposure": 9.5}),
    # {A, X} breaks the 0.4 share; {A, B, X} holds it but is worth 9 < 10
    "balance": doc([{"id": "A", "value": 10, "category": "run"},
                    {"id": "B", "value": -6, "category": "run"},
                    {"id": "X", "value": 5, "category": "grow"}],
                   costs=[{"project": p, "offset": 0, "amount": 10} for p in "ABX"],
                   balance=[{"dimension": "category", "value": "grow", "max_share": 0.4}]),
    "dominated": doc([{"id": "X", "value": -5}]),
    "infeasible_alone": doc([{"id": "M", "value": 1, "status": "mandatory"},
                             {"id": "X", "value": 5}],
                            dependencies=[{"project": "M", "kind": "excludes", "other": "X"}]),
}


@pytest.mark.parametrize("code", sorted(CODE_FIXTURES))
def test_each_exclusion_code(code):
    result = solve_checked(CODE_FIXTURES[code], explain="exact")
    assert result.status == "optimal"
    assert code_of(result, "X") == code


def test_cost_to_include_equals_forced_in_solve():
    base = doc([{"id": "A", "value": 10}, {"id": "B", "value": 7}, {"id": "X", "value": 6}],
               costs=[{"project": "A", "offset": 0, "amount": 6},
                      {"project": "B", "offset": 0, "amount": 4},
                      {"project": "X", "offset": 0, "amount": 5}],
               budgets=[{"limit": 10}])
    result = solve_checked(base, explain="exact")
    x = excluded(result, "X")
    forced = copy.deepcopy(base)
    forced["projects"][2]["force"] = "in"
    other = solve_checked(forced)
    assert x.cost_to_include == pytest.approx(result.objective - other.objective, abs=1e-9)
    # optimum {A, B} = 17 (cost 10); with X only {X, B} fits (cost 9): 13
    assert x.cost_to_include == pytest.approx(17 - 13)
    assert "displaces A" in x.reason
    assert "exact" in x.reason


def _restrict(document: dict, keep: set[str]) -> dict:
    """The document with every changeable constraint not named in `keep` removed."""
    d = copy.deepcopy(document)
    d["budgets"] = [b for b in d.get("budgets", []) if _budget_name(b) in keep]
    for p in d["projects"]:
        if p.get("status") == "mandatory" and f"mandatory[{p['id']}]" not in keep:
            p["status"] = "candidate"
        if p.get("force") and f"force[{p['id']}]" not in keep:
            p.pop("force")
    d["dependencies"] = [x for x in d.get("dependencies", [])
                         if f"{x['kind']}[{x['project']},{x['other']}]" in keep]
    for c in d.get("capacity", []):
        if f"capacity[{c['skill']},{c['period']}]" not in keep:
            c["fte"] = 1e6
    return d


def _budget_name(b: dict) -> str:
    return row_name("budget", b.get("period"), b.get("pool"), b.get("category"))


def _apply_relaxation(document: dict, relaxation) -> dict:
    d = copy.deepcopy(document)
    for r in relaxation:
        family, key = r.constraint.rstrip("]").split("[")
        if family == "budget":
            for b in d["budgets"]:
                if _budget_name(b) == r.constraint:
                    b["limit"] = r.needed + 1e-6
        elif family == "capacity":
            skill, period = key.split(",")
            for c in d["capacity"]:
                if (c["skill"], c["period"]) == (skill, period):
                    c["fte"] += r.needed - r.limit + 1e-6
        elif family == "mandatory":
            next(p for p in d["projects"] if p["id"] == key)["status"] = "candidate"
        elif family == "force":
            next(p for p in d["projects"] if p["id"] == key).pop("force")
        else:
            a, b = key.split(",")
            d["dependencies"] = [x for x in d["dependencies"]
                                 if (x["kind"], x["project"], x["other"]) != (family, a, b)]
    return d


INFEASIBLE = {
    "budget": doc([{"id": f"M{i}", "status": "mandatory", "value": 1,
                    "earliest_start": "Q1", "latest_start": "Q1"} for i in range(3)]
                  + [{"id": "C", "value": 3}],
                  costs=[{"project": f"M{i}", "offset": 0, "amount": 50, "pool": "capex"}
                         for i in range(3)],
                  budgets=[{"period": "Q1", "pool": "capex", "limit": 120},
                           {"period": "Q2", "limit": 500}]),
    "capacity": doc([{"id": "M", "status": "mandatory", "value": 1},
                     {"id": "N", "value": 1, "force": "in"}],
                    demands=[{"project": p, "skill": "dev", "offset": o, "fte": 3}
                             for p in "MN" for o in (0, 1)],
                    capacity=[{"skill": "dev", "period": q["id"], "fte": 4} for q in P]),
    "requires_excludes": doc([{"id": "A", "status": "mandatory", "value": 1},
                              {"id": "B", "value": 1}, {"id": "C", "value": 1, "force": "in"}],
                             dependencies=[{"project": "A", "kind": "requires", "other": "B"},
                                           {"project": "B", "kind": "excludes",
                                            "other": "C"}]),
}


@pytest.mark.parametrize("name", sorted(INFEASIBLE))
def test_conflicts_are_irreducible_and_relaxation_restores(name):
    document = INFEASIBLE[name]
    result = solve_checked(document)
    assert result.status == "infeasible"
    names = {c.constraint for c in result.conflicts}
    assert names and all(c.sentence for c in result.conflicts)
    assert solve_checked(_restrict(document, names)).status == "infeasible"
    for dropped in names:
        assert solve_checked(_restrict(document, names - {dropped})).status == "optimal", dropped
    assert result.relaxation
    assert solve_checked(_apply_relaxation(document, result.relaxation)).status == "optimal"


def test_weights_shift_turns_in_flight_into_kill():
    base = doc([{"id": "F", "status": "in_flight", "value": 4},
                {"id": "A", "value": 1}],
               objectives=[{"id": "growth", "weight": 1}, {"id": "cost", "weight": 1}],
               alignment=[{"project": "F", "objective": "cost", "score": 3},
                          {"project": "A", "objective": "growth", "score": 1}])
    before = solve_checked(base, explain="exact")
    assert [r.action for r in before.recommendations] == ["continue"]
    shifted = copy.deepcopy(base)
    shifted["objectives"][1]["weight"] = 0
    after = solve_checked(shifted, explain="exact")
    rec = after.recommendations[0]
    assert rec.action == "kill" and "no longer serves" in rec.reason
    assert code_of(after, "F") == "unaligned"


def test_ahp_inconsistency_is_named():
    d = doc([{"id": "A", "value": 1}], objectives=[{"id": o} for o in "abc"],
            alignment=[{"project": "A", "objective": "a", "score": 1}],
            pairwise=[{"a": "a", "b": "b", "ratio": 9}, {"a": "b", "b": "c", "ratio": 9},
                      {"a": "c", "b": "a", "ratio": 9}])
    result = solve_checked(portfolio_of(d))
    warning = next(w for w in result.warnings if "consistency ratio" in w)
    assert "a:b = 9" in warning or "b:c = 9" in warning or "c:a = 9" in warning


def test_overcommitted_example_exits_3_with_conflicts(tmp_path):
    import json
    import subprocess
    import sys

    from .conftest import EXAMPLES

    document = json.loads((EXAMPLES / "northwind.json").read_text())
    for p in document["projects"][:30]:
        if p.get("status") != "in_flight":
            p["status"] = "mandatory"
    path = tmp_path / "overcommitted.json"
    path.write_text(json.dumps(document))
    out = subprocess.run([sys.executable, "-m", "spmo", "solve", str(path), "--json"],
                         capture_output=True, text=True, timeout=600)
    assert out.returncode == 3, out.stderr
    plan = json.loads(out.stdout)
    assert plan["status"] == "infeasible" and plan["objective"] is None
    assert plan["conflicts"] and all(c["sentence"] for c in plan["conflicts"])
    assert any(c["constraint"].startswith("mandatory[") for c in plan["conflicts"])
    assert plan["relaxation"]


def test_batch_of_counterfactuals_in_worker_processes():
    """Several excluded projects: the counterfactuals run in the process pool
    (after the parent has used HiGHS) and each equals an independent forced solve."""
    projects = [{"id": f"P{i}", "value": 10 - i} for i in range(6)]
    base = doc(projects, costs=[{"project": f"P{i}", "offset": 0, "amount": 4 + i}
                                for i in range(6)], budgets=[{"limit": 10}])
    result = solve_checked(base, explain="exact")
    out = [e for e in result.excluded]
    assert len(out) >= 3
    for e in out:
        forced = copy.deepcopy(base)
        next(p for p in forced["projects"] if p["id"] == e.project)["force"] = "in"
        other = solve_checked(forced)
        assert e.cost_to_include == pytest.approx(result.objective - other.objective, abs=1e-9)
