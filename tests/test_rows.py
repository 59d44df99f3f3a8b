"""One owner for row names: every model row and every checker violation is
`family[key,...]` and round-trips through engine.rows.parse."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from spmo.engine.check import Assignment, check
from spmo.engine.derive import derive
from spmo.engine.io import read_portfolio
from spmo.engine.model.build import build
from spmo.engine.rows import NAME_PATTERN, PER_PROJECT, Family, parse, row_name
from spmo.engine.synthetic.generate import generate_portfolio
from spmo.engine.validate import validate, validate_document

from .conftest import ROOT


def _portfolios():
    yield validate(read_portfolio(ROOT / "examples" / "northwind.json"))
    yield validate_document(generate_portfolio(60, 8, 3, skills=5))


@pytest.mark.parametrize("portfolio", list(_portfolios()), ids=["northwind", "generated"])
def test_every_model_row_round_trips(portfolio):
    model = build(portfolio)
    assert model.n_rows > 0
    seen = set()
    for name, family, project in zip(model.row_name, model.row_family, model.row_project,
                                     strict=True):
        assert NAME_PATTERN.match(name), name
        row = parse(name)
        assert row.family == family and str(row) == name
        assert row_name(row.family, *row.keys) == name
        if row.family in PER_PROJECT:
            assert project == row.key, name
        else:
            assert project is None, name
        seen.add(row.family)
    assert {Family.WINDOW, Family.BUDGET, Family.CAPACITY} <= seen


@pytest.mark.parametrize("portfolio", list(_portfolios()), ids=["northwind", "generated"])
def test_every_checker_violation_round_trips(portfolio):
    """Everything selected at its earliest start, every FTE on offer bought:
    a plan that breaks many families at once."""
    derived = derive(portfolio)
    windows = derived.windows
    starts = {p: int(windows.at[p, "earliest"]) for p in portfolio.projects.index
              if bool(windows.at[p, "fits"])}
    capacity = portfolio.table("capacity")
    bought = pd.DataFrame({"skill": capacity["skill"], "period": capacity["period"],
                           "fte": capacity["extra_fte"] + 1.0})
    verdict = check(portfolio, derived, Assignment(starts, bought))
    assert len(verdict.violations) > 3
    families = set()
    for violation in verdict.violations:
        row = parse(violation.row)
        assert str(row) == violation.row
        families.add(row.family)
    assert Family.CAPACITY in families


ids = st.text(st.characters(blacklist_characters=",[]", blacklist_categories=("Cs",)),
              min_size=1, max_size=8).filter(lambda s: s.strip() == s and s != "*")


@given(st.sampled_from(list(Family)), st.lists(ids, min_size=1, max_size=3))
def test_row_name_and_parse_are_inverse(family, keys):
    name = row_name(family, *keys)
    assert parse(name).family == family and list(parse(name).keys) == keys


def test_blank_keys_and_bad_names():
    assert row_name(Family.BUDGET, None, np.nan, "growth") == "budget[*,*,growth]"
    assert row_name(Family.BUDGET, "2027Q1", None, None) == "budget[2027Q1]"
    for bad in ("budget", "nofamily[x]", "budget[a]b", "budget[a[b]]"):
        with pytest.raises(ValueError):
            parse(bad)
