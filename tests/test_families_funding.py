"""Partial funding (projects.min_scope, scope_step) and funding sources with
eligibility: each binds on a tiny portfolio (optimum checked by brute force or
by hand), the checker names the broken row of a hand-made plan, and bad input
is named by table, row and column.
"""

from __future__ import annotations

import itertools
import math

import pandas as pd
import pytest
from spmo.engine.check import Assignment, check
from spmo.engine.errors import InvalidPortfolio, UnknownSolver

from .conftest import portfolio_of, solve_checked
from .family_helpers import doc, solve, validated

# ---------------------------------------------------------------- partial funding


def scope_doc(a_extra: dict | None = None, budget: float = 10, **tables) -> dict:
    """A value 10 cost 10 (maybe partial), B value 6 cost 4, C value 3 cost 3;
    one period, budget `budget`, financial objective."""
    return doc([{"id": "A", "value": 10, **(a_extra or {})}, {"id": "B", "value": 6},
                {"id": "C", "value": 3}],
               costs=[{"project": p, "offset": 0, "amount": a}
                      for p, a in (("A", 10), ("B", 4), ("C", 3))],
               budgets=[{"period": "T1", "limit": budget}],
               settings={"objective": "financial"}, **tables)


def brute_force(a_shares, budget: float = 10) -> float:
    """max over A's allowed shares (0 = out) and B, C in/out of the value within budget."""
    best = 0.0
    for s, b, c in itertools.product(a_shares, (0, 1), (0, 1)):
        if 10 * s + 4 * b + 3 * c <= budget + 1e-9:
            best = max(best, 10 * s + 6 * b + 3 * c)
    return best


def test_all_or_nothing_keeps_its_meaning(solver):
    # blank min_scope: A whole (10) or B + C (9): A alone, 10
    result = solve(scope_doc(), solver, brute_force([0, 1]))
    assert [(r.project, r.share) for r in result.selected] == [("A", 1.0)]


@pytest.mark.parametrize("a_extra", [{"min_scope": 0.5, "scope_step": 0.25},
                                     {"scope_step": 0.2}, {"min_scope": 0.3, "scope_step": 0.1}])
def test_stepped_share_binds_brute_force(solver, a_extra):
    step = a_extra["scope_step"]
    least = a_extra.get("min_scope", step)
    grid = [0] + [k * step for k in range(1, round(1 / step) + 1) if k * step >= least - 1e-9]
    best = brute_force(grid)
    assert best > brute_force([0, 1])  # the share changes the optimum
    result = solve(scope_doc(a_extra), solver, best)
    share = {r.project: r.share for r in result.selected}["A"]
    assert any(share == pytest.approx(g) for g in grid)
    assert result.kpis.total_cost <= 10 + 1e-9


@pytest.mark.parametrize("backend", ["highs", "cbc"])
def test_continuous_share_is_the_lp_optimum(backend):
    # LP by hand: with B (6 for 4) A takes the remaining 6 of budget: share 0.6,
    # value 6 + 6 = 12; with C too A gets 0.3 < min 0.5; A whole alone: 10. Optimum 12.
    d = scope_doc({"min_scope": 0.5})
    fine = brute_force([0] + [k / 100 for k in range(50, 101)])
    assert fine == pytest.approx(12.0)
    result = solve(d, backend, 12.0)
    assert {r.project: round(r.share, 9) for r in result.selected} == {"A": 0.6, "B": 1.0}
    a = next(r for r in result.selected if r.project == "A")
    assert (a.cost, a.value) == (pytest.approx(6.0), pytest.approx(6.0))


def test_cpsat_refuses_continuous_shares_and_auto_picks_highs():
    p = portfolio_of(scope_doc({"min_scope": 0.5}))
    with pytest.raises(UnknownSolver, match=r"cpsat.*continuous shares.*A.*scope_step"):
        solve_checked(p, solver="cpsat", explain="none")
    assert solve_checked(p, solver="auto", explain="none").solver == "highs"


def test_share_scales_demands():
    # capacity 3 FTE; A needs 4 FTE (min_scope 0.5): share 0.75, value 7.5 (HiGHS)
    d = doc([{"id": "A", "value": 10, "min_scope": 0.5}],
            demands=[{"project": "A", "skill": "dev", "offset": 0, "fte": 4}],
            capacity=[{"skill": "dev", "period": "T1", "fte": 3}],
            settings={"objective": "financial"})
    result = solve(d, "highs", 7.5)
    assert result.utilisation[0].demand == pytest.approx(3.0)


def check_rows(d: dict, starts: dict, shares: dict | None = None,
               funding: list[tuple] = ()) -> list[str]:
    """Rows the checker names for a hand-made plan with shares and funding."""
    p, derived = validated(d)
    frame = pd.DataFrame(list(funding), columns=["project", "source", "period", "amount"])
    report = check(p, derived, Assignment(starts, shares=shares or {}, funding=frame))
    return sorted({v.row for v in report.violations})


@pytest.mark.parametrize(("shares", "rows"), [
    ({"A": 0.4}, ["scope[A]"]),            # under min_scope 0.5
    ({"A": 0.6}, ["scope[A]"]),            # not a multiple of 0.25
    ({"A": 0.5, "B": 0.5}, ["scope[B]"]),  # B is all or nothing
    ({"A": 1.0, "B": 1.0}, ["budget[T1]"]),  # 14 > 10
    ({"A": 0.5, "B": 1.0}, []),
])
def test_checker_names_scope_rows(shares, rows):
    d = scope_doc({"min_scope": 0.5, "scope_step": 0.25})
    assert check_rows(d, dict.fromkeys(shares, 0), shares) == rows


@pytest.mark.parametrize(("extra", "column", "words"), [
    ({"min_scope": 0}, "min_scope", "must be > 0"),
    ({"min_scope": 1.5}, "min_scope", "must be <= 1"),
    ({"scope_step": 0.3}, "scope_step", "whole number"),
    ({"scope_step": 0}, "scope_step", "must be > 0"),
])
def test_bad_scope_named(extra, column, words):
    with pytest.raises(InvalidPortfolio) as info:
        portfolio_of(scope_doc(extra))
    found = [(p.table, p.row, p.column) for p in info.value.problems]
    assert ("projects", 0, column) in found
    assert any(words in p.message for p in info.value.problems)


# ---------------------------------------------------------------- funding sources


def fund_doc(**tables) -> dict:
    """T1, T2, every start fixed at T1. A (rd) value 12, spends 6, 4; B (ops) value 7,
    spends 6; C (rd) value 6, spends 5; D (rd) value 2, spends 2 in T2 only (offset 1)."""
    return doc([{"id": "A", "value": 12, "category": "rd", "latest_start": "T1"},
                {"id": "B", "value": 7, "category": "ops", "latest_start": "T1"},
                {"id": "C", "value": 6, "category": "rd", "latest_start": "T1"},
                {"id": "D", "value": 2, "category": "rd", "latest_start": "T1"}],
               periods=2,
               costs=[{"project": "A", "offset": 0, "amount": 6},
                      {"project": "A", "offset": 1, "amount": 4},
                      {"project": "B", "offset": 0, "amount": 6},
                      {"project": "C", "offset": 0, "amount": 5},
                      {"project": "D", "offset": 1, "amount": 2}],
               settings={"objective": "financial"}, **tables)


GRANT = {"funding_sources": [{"source": "grant", "amount": 12}],
         "eligibility": [{"source": "grant", "category": "rd"}]}


def spend_by_period() -> dict[str, tuple[float, float]]:
    return {"A": (6, 4), "B": (6, 0), "C": (5, 0), "D": (0, 2)}


def brute_force_grant(limit: float, per_period: tuple | None = None) -> float:
    """Best value when the rd projects are paid by one source of `limit` in total
    (and at most per_period[t] in period t), ops from the general money."""
    value = {"A": 12, "B": 7, "C": 6, "D": 2}
    best = 0.0
    for pick in itertools.product((0, 1), repeat=4):
        chosen = [p for p, on in zip("ABCD", pick, strict=True) if on]
        rd = [p for p in chosen if p != "B"]
        t1 = sum(spend_by_period()[p][0] for p in rd)
        t2 = sum(spend_by_period()[p][1] for p in rd)
        if t1 + t2 > limit + 1e-9:
            continue
        if per_period and (t1 > per_period[0] + 1e-9 or t2 > per_period[1] + 1e-9):
            continue
        best = max(best, sum(value[p] for p in chosen))
    return best


def test_source_limit_binds_brute_force(solver):
    unlimited = brute_force_grant(1e9)
    best = brute_force_grant(12)
    assert best < unlimited  # the source changes the optimum
    result = solve(fund_doc(**GRANT), solver, best)
    paid = {(f.project, f.period): f.amount for f in result.funding}
    assert set(paid) == {("A", "T1"), ("A", "T2"), ("D", "T2")}  # A + B + D: 12 of rd spend
    assert [(s.constraint, s.used, s.unused) for s in result.sources] == \
        [("source[grant]", pytest.approx(12.0), pytest.approx(0.0))]


def test_period_amounts_bind_brute_force(solver):
    # grant: 6 in T1, 6 in T2 (no horizon total): A (6, 4) and D (0, 2) fit, C (5) does not
    tables = {"funding_sources": [{"source": "grant", "period": "T1", "amount": 6},
                                  {"source": "grant", "period": "T2", "amount": 6}],
              "eligibility": [{"source": "grant", "category": "rd"}]}
    result = solve(fund_doc(**tables), solver, brute_force_grant(1e9, (6, 6)))
    assert {r.project for r in result.selected} == {"A", "B", "D"}
    assert sorted((s.constraint, round(s.unused, 6)) for s in result.sources) == [
        ("source[grant,T1]", 0.0), ("source[grant,T2]", 0.0)]


def test_max_share_splits_between_sources(solver):
    # A may take at most half of each period's spend from the grant; core pays A only,
    # 5 in all. A needs 6 + 4: grant <= 3 + 2, core the rest 5: A fits exactly;
    # C (5) and D (2) share the grant's remaining 12 - 5 = 7: all fit, value 27.
    # With core 4, A cannot be paid: the rest (B, C, D) gives 15.
    def tables(core):
        return {"funding_sources": [{"source": "grant", "amount": 12},
                                    {"source": "core", "amount": core}],
                "eligibility": [{"source": "grant", "category": "rd"},
                                {"source": "grant", "project": "A", "max_share": 0.5},
                                {"source": "core", "project": "A"}]}
    result = solve(fund_doc(**tables(5)), solver, 27)
    split = {(f.project, f.source, f.period): f.amount for f in result.funding}
    assert split[("A", "grant", "T1")] == pytest.approx(3.0)
    assert split[("A", "core", "T1")] == pytest.approx(3.0)
    result = solve(fund_doc(**tables(4)), solver, 15)
    assert "A" not in {r.project for r in result.selected}
    assert {e.project: e.code for e in result.excluded}["A"] == "budget"


@pytest.mark.parametrize(("funding", "rows"), [
    ([("A", "grant", "T1", 6), ("A", "grant", "T2", 4)], []),
    ([("A", "grant", "T1", 6), ("A", "grant", "T2", 3)], ["funding[A,T2]"]),
    ([("A", "grant", "T1", 6)], ["funding[A,T2]"]),
    ([("A", "grant", "T1", 6), ("A", "grant", "T2", 4), ("B", "grant", "T1", 6)],
     ["eligibility[B,grant]", "source[grant]"]),
    ([("A", "grant", "T1", 6), ("A", "grant", "T2", 4), ("C", "grant", "T1", 5)],
     ["source[grant]"]),
    ([("A", "grant", "T1", 6), ("A", "grant", "T2", 4), ("A", "grant", "T1", 1)],
     ["eligibility[A,grant]", "funding[A,T1]"]),
])
def test_checker_names_funding_rows(funding, rows):
    starts = {p: 0 for p, *_ in funding} | {"A": 0}
    assert check_rows(fund_doc(**GRANT), starts, funding=funding) == rows


def test_checker_names_max_share_and_moneyless_period():
    tables = {"funding_sources": [{"source": "grant", "period": "T1", "amount": 20}],
              "eligibility": [{"source": "grant", "project": "A", "max_share": 0.5}]}
    rows = check_rows(fund_doc(**tables), {"A": 0},
                      funding=[("A", "grant", "T1", 6), ("A", "grant", "T2", 4)])
    assert rows == ["eligibility[A,grant]", "source[grant,T2]"]


def test_unfunded_projects_keep_their_meaning():
    # B (ops) has no eligible source: selected, no funding rows, no violation
    assert check_rows(fund_doc(**GRANT), {"B": 0}) == []


@pytest.mark.parametrize(("tables", "where", "words"), [
    ({"funding_sources": [{"source": "grant", "amount": 5}],
      "eligibility": [{"source": "fund", "project": "A"}]},
     ("eligibility", 0, "source"), "unknown source 'fund'"),
    ({"funding_sources": [{"source": "grant", "amount": 5}],
      "eligibility": [{"source": "grant", "project": "A", "category": "rd"}]},
     ("eligibility", 0, "category"), "not both"),
    ({"funding_sources": [{"source": "grant", "amount": 5}],
      "eligibility": [{"source": "grant"}]}, ("eligibility", 0, "project"), "give the project"),
    ({"funding_sources": [{"source": "grant", "amount": 5}],
      "eligibility": [{"source": "grant", "project": "Z"}]},
     ("eligibility", 0, "project"), "unknown project 'Z'"),
    ({"funding_sources": [{"source": "grant", "period": "T9", "amount": 5}]},
     ("funding_sources", 0, "period"), "unknown period 'T9'"),
    ({"funding_sources": [{"source": "grant", "amount": -5}]},
     ("funding_sources", 0, "amount"), "must be >= 0"),
    ({"funding_sources": [{"source": "grant", "amount": 5}, {"source": "grant", "amount": 6}]},
     ("funding_sources", 1, "source"), "duplicate"),
    ({"funding_sources": [{"source": "grant", "amount": 5}],
      "eligibility": [{"source": "grant", "project": "A", "max_share": 1.5}]},
     ("eligibility", 0, "max_share"), "must be <= 1"),
])
def test_bad_funding_input_named(tables, where, words):
    with pytest.raises(InvalidPortfolio) as info:
        portfolio_of(fund_doc(**tables))
    problems = info.value.problems
    assert where in [(p.table, p.row, p.column) for p in problems], problems
    assert any(words in p.message for p in problems), problems


def test_partial_share_is_what_sources_pay(solver):
    # A stepped (0.5): the grant of 8 pays A at 0.5 (3 + 2) and C is out (3 + 5 > 8): A 0.5
    # + B + D = 6 + 7 + 2 = 15 vs A whole (10 > 8 no); C + D = 7 + 2 + ops B: 6 + 2 + 7 = 15.
    d = fund_doc(**{"funding_sources": [{"source": "grant", "amount": 8}],
                    "eligibility": [{"source": "grant", "category": "rd"}]})
    d["projects"][0].update({"min_scope": 0.5, "scope_step": 0.5})
    result = solve(d, solver, 15)
    paid = sum(f.amount for f in result.funding)
    rd_cost = sum(r.cost for r in result.selected if r.project != "B")
    assert paid == pytest.approx(rd_cost)


def test_workbook_and_csv_carry_the_new_tables(tmp_path):
    from spmo.api.workbook import write_template
    from spmo.engine.io import read_portfolio, write_csv_folder, write_workbook
    from spmo.engine.validate import validate

    d = fund_doc(**GRANT)
    d["projects"][0].update({"min_scope": 0.5, "scope_step": 0.25})
    d["actuals"] = [{"project": "A", "spent": 3, "progress": 0.2}]
    d["settings"]["now"] = "T2"
    base = portfolio_of(d).to_document()
    write_workbook(d, tmp_path / "p.xlsx")
    write_csv_folder(d, tmp_path / "csv")
    for path in (tmp_path / "p.xlsx", tmp_path / "csv"):
        again = validate(read_portfolio(path)).to_document()
        for table in ("funding_sources", "eligibility", "actuals", "projects"):
            assert again[table] == base[table], (path, table)
        assert again["settings"]["now"] == "T2"
    import openpyxl

    write_template(tmp_path / "t.xlsx")
    sheets = openpyxl.load_workbook(tmp_path / "t.xlsx").sheetnames
    assert {"funding_sources", "eligibility", "actuals"} <= set(sheets)


def test_short_source_is_explained_and_relaxed_in_its_own_column():
    # A is mandatory (rd, cost 10); the grant has 6: infeasible. The conflict names
    # the source and the relaxation raises funding_sources.amount to 10.
    d = doc([{"id": "A", "value": 10, "status": "mandatory", "category": "rd"}],
            costs=[{"project": "A", "offset": 0, "amount": 10}],
            funding_sources=[{"source": "grant", "amount": 6}],
            eligibility=[{"source": "grant", "category": "rd"}],
            settings={"objective": "financial"})
    result = solve_checked(d, solver="highs")
    assert result.status == "infeasible"
    assert "source[grant]" in [c.constraint for c in result.conflicts]
    (fix,) = result.relaxation
    assert (fix.table, fix.column, fix.key, fix.needed) == (
        "funding_sources", "amount", {"source": "grant", "period": None}, 10.0)


# ---------------------------------------------------------------- concave value


def concave_best(least: float, step: float) -> float:
    """Brute force: A (value 10 x G(share), cost 10 x share) beside B (6 for 4) and C
    (3 for 3) within 10. Stepped: every allowed share; continuous: the cheapest
    binding share (the value grows with the share, so A takes what the budget leaves)."""
    from spmo.engine.scope_curve import breakpoints, gain

    best = 0.0
    for b, c in itertools.product((0, 1), (0, 1)):
        left = 10 - 4 * b - 3 * c
        shares = [0.0] + [s for s in breakpoints(least, step) if 10 * s <= left + 1e-9]
        if math.isnan(step) and least * 10 <= left + 1e-9:
            shares.append(min(1.0, left / 10))
        for s in shares:
            best = max(best, 10 * gain(s, least, step) + 6 * b + 3 * c)
    return best


@pytest.mark.parametrize(("least", "step"), [(0.25, 0.25), (0.2, math.nan), (0.5, math.nan)])
def test_concave_value_binds_brute_force(least, step):
    extra = {"min_scope": least, "scope_value": "concave"} | (
        {} if math.isnan(step) else {"scope_step": step})
    best = concave_best(least, step)
    linear = brute_force([0] + [k / 100 for k in range(round(least * 100), 101)])
    assert best > linear  # the curve changes the optimum
    result = solve(scope_doc(extra), "highs", best)
    a = next(r for r in result.selected if r.project == "A")
    from spmo.engine.scope_curve import gain

    assert a.value == pytest.approx(10 * gain(a.share, least, step))
    assert a.cost == pytest.approx(10 * a.share)


def test_concave_curve_is_sqrt_at_the_steps():
    from spmo.engine.scope_curve import gain

    for k in range(1, 5):
        assert gain(k / 4, 0.25, 0.25) == pytest.approx(math.sqrt(k / 4))
    # between breakpoints the chord lies below sqrt, above the line
    assert 0.25 < gain(0.25, 0.2, math.nan) < math.sqrt(0.25)  # breakpoints 0.2, 0.3, ...


def test_concave_checker_and_cpsat():
    d = scope_doc({"min_scope": 0.25, "scope_step": 0.25, "scope_value": "concave"})
    p, derived = validated(d)
    report = check(p, derived, Assignment({"A": 0, "C": 0}, shares={"A": 0.25}))
    assert report.ok and report.objective == pytest.approx(10 * 0.5 + 3)
    with pytest.raises(UnknownSolver, match="cpsat"):
        solve_checked(p, solver="cpsat", explain="none")


@pytest.mark.parametrize(("extra", "words"), [
    ({"scope_value": "concave"}, "give min_scope or scope_step"),
    ({"scope_value": "concave", "min_scope": 0.5, "value": -1}, "value >= 0"),
    ({"scope_value": "curvy", "min_scope": 0.5}, "must be one of"),
])
def test_bad_concave_named(extra, words):
    with pytest.raises(InvalidPortfolio) as info:
        portfolio_of(scope_doc(extra))
    problems = info.value.problems
    assert ("projects", 0, "scope_value") in [(q.table, q.row, q.column) for q in problems]
    assert any(words in q.message for q in problems), problems


def test_plan_workbook_has_the_split_only_with_sources(tmp_path):
    import openpyxl
    from spmo.api.plan_files import write_plan

    with_sources = solve_checked(fund_doc(**GRANT), solver="highs", explain="none")
    without = solve_checked(fund_doc(), solver="highs", explain="none")
    write_plan(with_sources, tmp_path / "a.xlsx", "a")
    write_plan(without, tmp_path / "b.xlsx", "b")
    book = openpyxl.load_workbook(tmp_path / "a.xlsx")
    assert {"funding", "sources"} <= set(book.sheetnames)
    rows = list(book["sources"].values)
    assert rows[0] == ("constraint", "source", "period", "amount", "used", "unused")
    assert rows[1][0] == "source[grant]" and rows[1][5] == pytest.approx(0.0)
    plain = openpyxl.load_workbook(tmp_path / "b.xlsx").sheetnames
    assert not {"funding", "sources"} & set(plain)
