"""Invalid input: every rule of the contract names its table, row and column.

A small, valid base portfolio is broken one way per case; each case states
where the problem must be reported (JSON rows are 0-based record positions,
Excel rows sheet rows and CSV rows file lines, header = 1). One document
breaks many rules at once and all of them must come back in one
InvalidPortfolio. File-level failures and the CLI exit code 2 are checked
through a subprocess, as a user meets them.
"""

from __future__ import annotations

import copy
import random

import pytest
from spmo.engine.errors import InvalidPortfolio

from .conftest import portfolio_of, solve_checked
from .validation_base import BASE, N_CAPACITY, base, problems_of, where

# --- mutations: small functions that break a copy of BASE ----------------------------


def cell(table, row, **values):
    """Set cells of one record."""
    return lambda doc: doc[table][row].update(values)


def drop(table, row, column):
    """Blank one cell by leaving it out of its record."""
    return lambda doc: doc[table][row].pop(column)


def add(table, *records):
    """Append records to a table (created when absent)."""
    return lambda doc: doc.setdefault(table, []).extend(copy.deepcopy(list(records)))


def put(key, value):
    """Replace a whole table or single object."""
    return lambda doc: doc.__setitem__(key, copy.deepcopy(value))


def remove(key):
    """Leave a table out altogether."""
    return lambda doc: doc.pop(key)


def drop_column(table, column):
    """Leave a column out of every record of a table."""
    return lambda doc: [r.pop(column, None) for r in doc[table]]


def both(*mutations):
    """Several mutations in order."""
    def go(doc):
        for m in mutations:
            m(doc)
    return go


def broken(*mutations) -> dict:
    """A copy of BASE with the mutations applied."""
    doc = base()
    both(*mutations)(doc)
    return doc


# (case id, mutation, expected {(table, row, column)}, a word the message must contain)
CASES = [
    # unknown ids: projects
    ("costs-project", add("costs", {"project": "Z", "offset": 0, "amount": 1}),
     {("costs", 7, "project")}, "unknown project"),
    ("benefits-project", add("benefits", {"project": "Z", "offset": 0, "amount": 1}),
     {("benefits", 2, "project")}, "unknown project"),
    ("alignment-project", cell("alignment", 4, project="Z"),
     {("alignment", 4, "project")}, "unknown project"),
    ("demands-project", add("demands", {"project": "Z", "skill": "dev", "offset": 0, "fte": 1}),
     {("demands", 3, "project")}, "unknown project"),
    ("dependencies-project", cell("dependencies", 1, project="Z"),
     {("dependencies", 1, "project")}, "unknown project"),
    ("dependencies-other", cell("dependencies", 0, other="Z"),
     {("dependencies", 0, "other")}, "unknown project"),
    ("groups-project", add("groups", {"group": "G1", "project": "Z"}),
     {("groups", 2, "project")}, "unknown project"),
    ("synergies-project", cell("synergies", 0, project_b="Z"),
     {("synergies", 0, "project_b")}, "unknown project"),
    # unknown ids: objectives, periods, groups
    ("alignment-objective", cell("alignment", 0, objective="nope"),
     {("alignment", 0, "objective")}, "unknown objective"),
    ("pairwise-objective", put("pairwise", [{"a": "growth", "b": "nope", "ratio": 3}]),
     {("pairwise", 0, "b")}, "unknown objective"),
    ("capacity-period", cell("capacity", 0, period="Q9"),
     {("capacity", 0, "period")}, "unknown period"),
    ("budgets-period", cell("budgets", 1, period="Q9"),
     {("budgets", 1, "period")}, "unknown period"),
    ("earliest-period", cell("projects", 3, earliest_start="Q9"),
     {("projects", 3, "earliest_start")}, "unknown period"),
    ("latest-period", cell("projects", 3, latest_start="Q9"),
     {("projects", 3, "latest_start")}, "unknown period"),
    ("group-limits-group", cell("group_limits", 0, group="G9"),
     {("group_limits", 0, "group")}, "unknown group"),
    # duplicate ids and keys
    ("dup-project", add("projects", {"id": "B", "value": 1}),
     {("projects", 5, "id")}, "duplicate"),
    ("dup-project-number", add("projects", {"id": "7"}, {"id": 7}),
     {("projects", 6, "id")}, "duplicate"),
    ("dup-period", add("periods", {"id": "Q2"}), {("periods", 6, "id")}, "duplicate"),
    ("dup-objective", add("objectives", {"id": "cost", "weight": 1}),
     {("objectives", 2, "id")}, "duplicate"),
    ("dup-budget-scope", add("budgets", {"period": "Q1", "pool": "capex", "limit": 60}),
     {("budgets", 3, "period")}, "duplicate"),
    ("dup-budget-blank-scope", add("budgets", {"limit": 10}),
     {("budgets", 3, "period")}, "duplicate"),
    ("dup-capacity", add("capacity", {"skill": "dev", "period": "Q3", "fte": 1}),
     {("capacity", N_CAPACITY, "skill")}, "duplicate"),
    # negative amounts and FTE
    ("negative-cost", cell("costs", 0, amount=-5), {("costs", 0, "amount")}, ">= 0"),
    ("negative-demand", cell("demands", 2, fte=-1), {("demands", 2, "fte")}, ">= 0"),
    ("negative-capacity", cell("capacity", 3, fte=-1), {("capacity", 3, "fte")}, ">= 0"),
    ("negative-extra", cell("capacity", 4, extra_fte=-1),
     {("capacity", 4, "extra_fte")}, ">= 0"),
    ("negative-limit", cell("budgets", 2, limit=-1), {("budgets", 2, "limit")}, ">= 0"),
    ("negative-benefit", cell("benefits", 0, amount=-5), {("benefits", 0, "amount")}, ">= 0"),
    # NaN, infinity, wrong types, non-integers
    ("nan-text", cell("projects", 0, value="nan"), {("projects", 0, "value")}, "finite"),
    ("inf", cell("costs", 1, amount=float("inf")), {("costs", 1, "amount")}, "finite"),
    ("inf-text", cell("demands", 0, fte="-inf"), {("demands", 0, "fte")}, "finite"),
    ("abc-amount", cell("costs", 1, amount="abc"), {("costs", 1, "amount")}, "number"),
    ("abc-duration", cell("projects", 1, duration="abc"),
     {("projects", 1, "duration")}, "number"),
    ("bool-amount", cell("costs", 2, amount=True), {("costs", 2, "amount")}, "number"),
    ("list-as-id", cell("groups", 0, group=["G1"]), {("groups", 0, "group")}, "single"),
    ("offset-fraction", cell("costs", 1, offset=1.5), {("costs", 1, "offset")}, "whole"),
    ("duration-fraction", cell("projects", 0, duration=2.5),
     {("projects", 0, "duration")}, "whole"),
    ("lag-fraction", put("dependencies", [{"project": "D", "kind": "after", "other": "A",
                                           "lag": 0.5}]),
     {("dependencies", 0, "lag")}, "whole"),
    # probabilities and risk outside 0-1
    ("probability-high", cell("projects", 0, success_probability=1.5),
     {("projects", 0, "success_probability")}, "<= 1"),
    ("probability-low", cell("projects", 1, success_probability=-0.1),
     {("projects", 1, "success_probability")}, ">= 0"),
    ("risk-high", cell("projects", 2, risk=1.2), {("projects", 2, "risk")}, "<= 1"),
    ("risk-low", cell("projects", 0, risk=-0.3), {("projects", 0, "risk")}, ">= 0"),
    ("share-high", cell("balance", 0, max_share=1.5), {("balance", 0, "max_share")}, "<= 1"),
    ("ratio-high", put("pairwise", [{"a": "growth", "b": "cost", "ratio": 12}]),
     {("pairwise", 0, "ratio")}, "<= 9"),
    # windows, mandatory and forced-in fit
    ("mandatory-too-long", cell("projects", 2, duration=7),
     {("projects", 2, "duration")}, "mandatory"),
    ("mandatory-too-late", cell("projects", 2, duration=2, earliest_start="Q6"),
     {("projects", 2, "earliest_start")}, "mandatory"),
    ("forced-in-too-late", cell("projects", 0, force="in", earliest_start="Q6"),
     {("projects", 0, "earliest_start")}, "forced-in"),
    ("forced-in-too-long", cell("projects", 1, force="in", duration=9),
     {("projects", 1, "duration")}, "forced-in"),
    ("mandatory-forced-out", cell("projects", 2, force="out"),
     {("projects", 2, "force")}, "forced out"),
    ("value-beside-benefits", cell("projects", 3, value=10),
     {("projects", 3, "value")}, "benefits"),
    ("duration-below-cost-offset", cell("projects", 1, duration=1),
     {("projects", 1, "duration")}, "offset"),
    ("duration-below-demand-offset",
     both(cell("projects", 4, duration=2),
          add("demands", {"project": "E", "skill": "ops", "offset": 2, "fte": 1})),
     {("projects", 4, "duration")}, "offset"),
    ("mandatory-latest-before-earliest",
     cell("projects", 2, earliest_start="Q4", latest_start="Q2"),
     {("projects", 2, "latest_start")}, "mandatory project must fit its window"),
    ("forced-in-latest-before-earliest",
     cell("projects", 0, force="in", earliest_start="Q4", latest_start="Q2"),
     {("projects", 0, "latest_start")}, "forced-in project must fit its window"),
    ("in-flight-later-earliest", cell("projects", 4, earliest_start="Q2"),
     {("projects", 4, "earliest_start")}, "in_flight"),
    ("group-min-above-max", cell("group_limits", 0, min=2),
     {("group_limits", 0, "max")}, "below"),
    # weights, skills
    ("zero-weights", both(cell("objectives", 0, weight=0), cell("objectives", 1, weight=0)),
     {("objectives", None, "weight")}, "zero"),
    ("negative-weight", cell("objectives", 1, weight=-1),
     {("objectives", 1, "weight")}, ">= 0"),
    ("unknown-skill", cell("demands", 2, skill="ux"), {("demands", 2, "skill")}, "skill"),
    # enums
    ("enum-status", cell("projects", 0, status="paused"), {("projects", 0, "status")}, "one of"),
    ("enum-force", cell("projects", 0, force="yes"), {("projects", 0, "force")}, "one of"),
    ("enum-kind", cell("dependencies", 0, kind="needs"),
     {("dependencies", 0, "kind")}, "one of"),
    ("enum-dimension", cell("balance", 0, dimension="colour"),
     {("balance", 0, "dimension")}, "one of"),
    # ids with , [ ]
    ("id-comma", add("projects", {"id": "X,1", "value": 1}), {("projects", 5, "id")}, "','"),
    ("id-bracket", add("projects", {"id": "X[1]", "value": 1}), {("projects", 5, "id")}, "'['"),
    ("id-close-bracket", add("periods", {"id": "Q7]"}), {("periods", 6, "id")}, "']'"),
    ("skill-comma", cell("demands", 0, skill="dev,ops"), {("demands", 0, "skill")}, "','"),
    ("pool-bracket", cell("budgets", 1, pool="cap[ex]"), {("budgets", 1, "pool")}, "'['"),
    ("budget-category-comma", cell("budgets", 2, category="growth,run"),
     {("budgets", 2, "category")}, "','"),
    # settings and risk appetite
    ("settings-blend", put("settings", {"objective": "blend", "blend": 2}),
     {("settings", None, "blend")}, "1"),
    ("settings-solver", put("settings", {"solver": "gurobi 9!"}),
     {("settings", None, "solver")}, "gurobi 9!"),
    ("settings-objective", put("settings", {"objective": "money"}),
     {("settings", None, "objective")}, "money"),
    ("settings-time-limit", put("settings", {"time_limit_s": 0}),
     {("settings", None, "time_limit_s")}, "0"),
    ("settings-inf", put("settings", {"time_limit_s": float("inf")}),
     {("settings", None, "time_limit_s")}, "finite"),
    ("settings-workers", put("settings", {"workers": 0}), {("settings", None, "workers")}, "1"),
    ("settings-bool", put("settings", {"require_alignment": "maybe"}),
     {("settings", None, "require_alignment")}, "bool"),
    ("settings-two-at-once", put("settings", {"blend": 2, "solver": "gurobi 9!"}),
     {("settings", None, "blend"), ("settings", None, "solver")}, ""),
    ("risk-average", put("risk_appetite", {"max_average_risk": 1.5}),
     {("risk_appetite", None, "max_average_risk")}, "1"),
    ("risk-threshold", put("risk_appetite", {"high_risk_threshold": -0.1}),
     {("risk_appetite", None, "high_risk_threshold")}, "0"),
    ("risk-exposure", put("risk_appetite", {"max_exposure": -5}),
     {("risk_appetite", None, "max_exposure")}, "0"),
    # missing columns, values and tables; wrong shapes
    ("missing-column", drop_column("costs", "amount"), {("costs", None, "amount")}, "missing"),
    ("missing-id-column", drop_column("projects", "id"), {("projects", None, "id")}, "missing"),
    ("missing-kind-column", drop_column("dependencies", "kind"),
     {("dependencies", None, "kind")}, "missing"),
    ("blank-required", drop("costs", 0, "amount"), {("costs", 0, "amount")}, "blank"),
    ("blank-required-id", add("projects", {"id": " ", "value": 1}),
     {("projects", 5, "id")}, "blank"),
    ("missing-periods", remove("periods"), {("periods", None, None)}, "missing"),
    ("missing-projects", remove("projects"), {("projects", None, None)}, "missing"),
    ("empty-periods", put("periods", []), {("periods", None, "id")}, "period"),
    ("table-not-a-list", put("costs", {"project": "A"}), {("costs", None, None)}, "list"),
    ("single-not-an-object", put("settings", ["highs"]), {("settings", None, None)}, "object"),
]


@pytest.mark.parametrize("mutation, expected, word",
                         [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_each_rule_names_table_row_and_column(mutation, expected, word):
    problems = problems_of(broken(mutation))
    assert where(problems) == expected, [str(p) for p in problems]
    for p in problems:
        assert word in p.message, str(p)


def test_base_is_valid_without_warnings():
    portfolio = portfolio_of(base())
    assert portfolio.warnings == ()
    assert list(portfolio.projects.index) == ["A", "B", "C", "D", "E"]


# --- circular requires -------------------------------------------------------------

CYCLES = [
    # D after A is row 0 of BASE; the new rows close the circle
    ("requires-2", [{"project": "A", "kind": "requires", "other": "D"}], {0, 2}),
    ("after-2", [{"project": "A", "kind": "after", "other": "D"}], {0, 2}),
    ("mixed-3", [{"project": "A", "kind": "requires", "other": "B"},
                 {"project": "B", "kind": "after", "other": "D"}], {0, 2, 3}),
    ("requires-3", [{"project": "A", "kind": "requires", "other": "C"},
                    {"project": "C", "kind": "requires", "other": "D"}], {0, 2, 3}),
]


@pytest.mark.parametrize("rows, cycle_rows", [c[1:] for c in CYCLES],
                         ids=[c[0] for c in CYCLES])
def test_circular_requires_is_one_problem_on_a_row_of_the_cycle(rows, cycle_rows):
    problems = problems_of(broken(add("dependencies", *rows)))
    assert len(problems) == 1, [str(p) for p in problems]
    (p,) = problems
    assert p.table == "dependencies" and p.column == "other" and p.row in cycle_rows
    assert "circular" in p.message


def test_self_requirement_is_a_problem():
    problems = problems_of(broken(add("dependencies",
                                      {"project": "B", "kind": "requires", "other": "B"})))
    assert where(problems) == {("dependencies", 2, "other")}


def test_excludes_do_not_make_a_cycle():
    doc = broken(add("dependencies", {"project": "A", "kind": "excludes", "other": "D"}))
    assert portfolio_of(doc).warnings == ()


# --- valid inputs, warnings ----------------------------------------------------------


def test_numeric_ids_are_the_same_ids_as_their_text():
    doc = base()
    doc["periods"] = [{"id": 2027}, {"id": "2028"}, {"id": 2029.0}]
    doc["projects"] = [{"id": 7, "value": 5, "earliest_start": 2028},
                       {"id": "8", "value": 3, "latest_start": "2029"}]
    doc["costs"] = [{"project": "7", "offset": 0, "amount": 1},
                    {"project": 8.0, "offset": 0, "amount": 1}]
    doc["alignment"] = [{"project": 7.0, "objective": "growth", "score": 1},
                        {"project": 8, "objective": "cost", "score": 1}]
    doc["capacity"] = [{"skill": "dev", "period": p, "fte": 1} for p in (2027, 2028, "2029")]
    doc["demands"] = [{"project": 7, "skill": "dev", "offset": 0, "fte": 1}]
    doc["budgets"] = [{"period": 2028, "limit": 5}]
    doc["dependencies"] = [{"project": 8, "kind": "requires", "other": "7"}]
    doc["groups"] = [{"group": 1, "project": 7}]
    doc["group_limits"] = [{"group": "1", "max": 1}]
    doc["synergies"] = [{"project_a": "7", "project_b": 8}]
    doc.pop("balance"), doc.pop("benefits")
    portfolio = portfolio_of(doc)
    assert portfolio.periods == ("2027", "2028", "2029")
    assert list(portfolio.projects.index) == ["7", "8"]
    assert portfolio.projects.at["7", "earliest_start"] == "2028"
    assert portfolio.warnings == ()


def test_enums_ignore_case():
    doc = broken(cell("projects", 0, status="MANDATORY", force=" In "),
                 cell("dependencies", 0, kind="After"))
    portfolio = portfolio_of(doc)
    assert portfolio.projects.at["A", "status"] == "mandatory"
    assert portfolio.projects.at["A", "force"] == "in"


def test_the_engine_checks_a_solver_name_by_its_shape_only():
    # which backends exist is the registry's to say, when a solver is picked
    # (planning.pipeline.check_solver; the CLI and HTTP faces ask it on reading)
    for name in ("gurobi", "HiGHS", "pulp:GLPK_CMD", "auto"):
        assert portfolio_of(broken(put("settings", {"solver": name}))).settings.solver == name
    for name in ("gurobi 9", "pulp:", ":x", "a:b:c", "high$"):
        with pytest.raises(InvalidPortfolio) as caught:
            portfolio_of(broken(put("settings", {"solver": name})))
        assert where(caught.value.problems) == {("settings", None, "solver")}, name


def test_in_flight_may_name_the_first_period_as_earliest_start():
    portfolio_of(broken(cell("projects", 4, earliest_start="Q1")))


def test_unknown_skill_is_fine_without_a_capacity_table():
    portfolio_of(broken(remove("capacity"), cell("demands", 2, skill="ux")))


def test_pairwise_replaces_all_zero_weights():
    doc = broken(cell("objectives", 0, weight=0), cell("objectives", 1, weight=0),
                 put("pairwise", [{"a": "growth", "b": "cost", "ratio": 3}]))
    portfolio_of(doc)


def test_blank_weight_beside_given_ones_is_a_warning():
    portfolio = portfolio_of(broken(drop("objectives", 1, "weight")))
    assert any("weight" in w and "cost" in w for w in portfolio.warnings), portfolio.warnings


def test_unknown_columns_and_tables_are_warnings():
    doc = broken(cell("projects", 0, colour="red"), put("wishlist", [{"x": 1}]),
                 put("settings", {"solver": "highs", "colour": "red"}))
    portfolio = portfolio_of(doc)
    text = " | ".join(portfolio.warnings)
    assert "colour" in text and "projects" in text
    assert "wishlist" in text
    assert "settings" in text
    assert len(portfolio.warnings) == 3


def test_missing_capacity_row_under_demand_is_a_warning():
    doc = base()
    doc["capacity"] = [r for r in doc["capacity"] if (r["skill"], r["period"]) != ("dev", "Q2")]
    portfolio = portfolio_of(doc)
    assert any("dev" in w and "Q2" in w for w in portfolio.warnings), portfolio.warnings
    assert len(portfolio.warnings) == 1


def test_latest_start_past_the_fit_is_clipped_with_a_warning():
    # B takes 2 periods (cost offset 1): the last start that fits is Q5
    portfolio = portfolio_of(broken(cell("projects", 1, latest_start="Q6")))
    assert any("B" in w and "clipped" in w and "Q5" in w for w in portfolio.warnings), \
        portfolio.warnings


def test_candidate_that_fits_nowhere_warns_and_is_excluded_as_no_fit():
    doc = broken(cell("projects", 0, earliest_start="Q6"))  # A takes 2 periods
    portfolio = portfolio_of(doc)
    assert any("A" in w and "no_fit" in w for w in portfolio.warnings), portfolio.warnings
    result = solve_checked(portfolio, time_limit_s=20)
    excluded = {r.project: r.code for r in result.excluded}
    assert excluded.get("A") == "no_fit"
    assert "A" not in {r.project for r in result.selected}


# --- all problems at once ------------------------------------------------------------


def test_many_problems_are_all_listed_in_one_error():
    doc = broken(
        add("costs", {"project": "Z", "offset": 0, "amount": 1}),        # costs 7 project
        cell("costs", 0, amount=-5),                                      # costs 0 amount
        cell("costs", 1, offset=0.5),                                     # costs 1 offset
        cell("costs", 2, amount="abc"),                                   # costs 2 amount
        cell("alignment", 0, objective="nope"),                           # alignment 0
        cell("demands", 2, skill="ux"),                                   # demands 2 skill
        cell("benefits", 1, amount=-3),                                   # benefits 1 amount
        cell("demands", 1, fte=-1),                                       # demands 1 fte
        add("projects", {"id": "B", "value": 1}),                         # projects 5 id
        cell("projects", 0, success_probability=2),                       # projects 0
        cell("projects", 1, risk=-1),                                     # projects 1
        cell("projects", 2, force="out"),                                 # projects 2 force
        cell("projects", 3, value=10),                                    # projects 3 value
        cell("projects", 4, earliest_start="Q3"),                         # projects 4
        add("periods", {"id": "Q1"}),                                     # periods 6 id
        add("budgets", {"limit": 10}),                                    # budgets 3 period
        cell("budgets", 1, period="Q9"),                                  # budgets 1 period
        add("capacity", {"skill": "dev", "period": "Q1", "fte": 1}),      # capacity 12
        add("dependencies", {"project": "A", "kind": "requires", "other": "D"}),  # cycle
        cell("group_limits", 0, group="G9"),                              # group_limits 0
        cell("balance", 0, dimension="colour"),                           # balance 0
        put("settings", {"blend": 2, "solver": "gurobi 9!"}),
        put("risk_appetite", {"max_average_risk": 1.5}),
    )
    problems = problems_of(doc)
    got = where(problems)
    cycle = {p for p in got if p[0] == "dependencies"}
    assert len(cycle) == 1 and next(iter(cycle))[1] in {0, 2}
    assert got - cycle == {
        ("costs", 7, "project"), ("costs", 0, "amount"), ("costs", 1, "offset"),
        ("costs", 2, "amount"), ("alignment", 0, "objective"), ("demands", 2, "skill"),
        ("benefits", 1, "amount"),
        ("demands", 1, "fte"), ("projects", 5, "id"), ("projects", 0, "success_probability"),
        ("projects", 1, "risk"), ("projects", 2, "force"), ("projects", 3, "value"),
        ("projects", 4, "earliest_start"), ("periods", 6, "id"), ("budgets", 3, "period"),
        ("budgets", 1, "period"), ("capacity", N_CAPACITY, "skill"),
        ("group_limits", 0, "group"), ("balance", 0, "dimension"),
        ("settings", None, "blend"), ("settings", None, "solver"),
        ("risk_appetite", None, "max_average_risk"),
    }
    assert len(problems) == len(got), "one problem per cell"


def test_random_breakage_is_always_reported_never_a_crash():
    """Odd values in random cells: validation either passes or lists problems
    that each name a known table and, for a cell, its row and column."""
    rng = random.Random(20270101)
    odd = [None, "", "abc", -1, 0.5, 10**400, "nan", "x,y", True, [], {"a": 1}, "Q9", "Z"]
    tables = [k for k, v in BASE.items() if isinstance(v, list)]
    for _ in range(40):
        doc = base()
        for _ in range(rng.randint(1, 3)):
            table = rng.choice(tables)
            record = rng.choice(doc[table])
            record[rng.choice(sorted(record))] = rng.choice(odd)
        try:
            portfolio_of(doc)
        except InvalidPortfolio as exc:
            for p in exc.problems:
                assert p.table in BASE and p.message, str(p)
                if p.row is not None:
                    assert 0 <= p.row < len(doc[p.table]) and p.column, str(p)
