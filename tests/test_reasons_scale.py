"""The scaled column scan, proofs and model build give what the one-pass
versions gave.

engine/reasons.py reads the start columns a slice at a time and merges only
the columns that buy FTE; engine/impossible.py builds its (row, project)
pairs a slice of projects at a time and undoes each trial instead of copying
the row bounds; LinearModel.activity sums a slice of rows at a time;
ModelBuilder.finish sorts block by block and the budget and capacity
families free their temporaries early. Each is compared, bit for bit, with
the code it replaced (tests/reasons_reference.py) on generated portfolios
and the examples, with the engine's default slices and with slices of a few
dozen entries (so every portfolio is cut into many).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import spmo.engine.impossible as impossible_module
import spmo.engine.model.linear as linear_module
import spmo.engine.reasons as reasons_module
from spmo.engine.derive import derive
from spmo.engine.io import from_document, read_portfolio
from spmo.engine.model.build import build
from spmo.engine.model.decode import assignment_of
from spmo.engine.synthetic.generate import generate_portfolio
from spmo.engine.validate import validate
from spmo.solvers.large.greedy import greedy_plan

from .reasons_reference import (
    reference_activity,
    reference_finish,
    reference_first_reasons,
    reference_impossible,
    reference_rows_in_the_way,
    reference_summed,
)

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
CASES = {"generated 60x8": (60, 8, 1, 0.4), "generated 150x10 tight": (150, 10, 2, 0.25),
         "generated 300x12": (300, 12, 3, 0.4), "generated 200x6 loose": (200, 6, 4, 0.8),
         "northwind": "northwind.json", "northwind-funding": "northwind-funding.json"}


def _case(spec):
    if isinstance(spec, str):
        portfolio = validate(read_portfolio(EXAMPLES / spec))
    else:
        n, periods, seed, tightness = spec
        portfolio = validate(from_document(
            generate_portfolio(n, periods, seed, tightness=tightness)))
    derived = derive(portfolio)
    model = build(portfolio, derived)
    return portfolio, derived, model


@pytest.fixture(scope="module")
def cases():
    return {name: _case(spec) for name, spec in CASES.items()}


def _plans(portfolio, model):
    """The greedy plan and a random one (one start per project, extra FTE at a
    random share of what is on offer): plan vectors as the scan reads them."""
    x = greedy_plan(model)
    rng = np.random.default_rng(11)
    other = np.zeros(model.n_vars)
    starts = model.starts.reset_index(drop=True)
    for rows in starts.groupby("project").indices.values():
        if rng.random() < 0.5:
            other[rng.choice(rows)] = 1.0
    other[len(starts):] = model.ub[len(starts):] * rng.random(model.n_vars - len(starts))
    other[~np.isfinite(other)] = 0.0
    return [reasons_module.plan_vector(portfolio, model, x), other], x


@pytest.fixture(params=["default slices", "small slices"])
def slices(request, monkeypatch):
    if request.param == "small slices":
        for module in (linear_module, reasons_module, impossible_module):
            monkeypatch.setattr(module, "SLICE", 37)
    return request.param


def test_activity_is_the_one_pass_sum(cases, slices):
    for portfolio, _, model in cases.values():
        for xp in _plans(portfolio, model)[0]:
            assert np.array_equal(model.activity(xp), reference_activity(model, xp))


def test_rows_in_the_way_are_the_one_pass_scan(cases, slices):
    bought = 0
    for name, (portfolio, _, model) in cases.items():
        for xp in _plans(portfolio, model)[0]:
            rows, cols, purchases = reference_rows_in_the_way(model, xp)
            new_rows, new_cols = reasons_module._rows_in_the_way(model, xp)
            assert np.array_equal(new_rows, rows), name
            assert np.array_equal(new_cols, cols), name
            assert len(rows) > 0, name
            bought += purchases
    assert bought > 0  # some column bought FTE: the merged path was compared too


def test_impossible_gives_the_same_proofs(cases, slices):
    proven = 0
    for name, (portfolio, _, model) in cases.items():
        projects = list(portfolio.projects.index)
        proofs = impossible_module.impossible(model, projects)
        assert proofs == reference_impossible(model, projects), name
        assert list(proofs) == list(reference_impossible(model, projects)), name
        proven += len(proofs)
    assert proven > 0  # some project was proven impossible


def test_first_reasons_are_unchanged(cases):
    codes = set()
    for name, (portfolio, derived, model) in cases.items():
        x = _plans(portfolio, model)[1]
        selected = set(assignment_of(portfolio, model, x).starts)
        new = reasons_module.first_reasons(portfolio, derived, model, x, selected)
        old = reference_first_reasons(portfolio, derived, model, x, selected)
        assert [e.model_dump() for e in new] == [e.model_dump() for e in old], name
        assert new, name
        codes |= {e.code for e in new}
    assert "infeasible_alone" in codes and len(codes) >= 3, codes  # proofs and scan both used


def test_the_model_is_built_as_before(cases, monkeypatch):
    import spmo.engine.model.money as money_module
    import spmo.engine.model.people as people_module

    fields = ("lb", "ub", "integer", "c", "row_name", "row_family", "row_lo", "row_hi",
              "a_row", "a_col", "a_val", "row_project")
    for name, (portfolio, derived, model) in cases.items():
        with monkeypatch.context() as patch:
            patch.setattr(linear_module.ModelBuilder, "finish", reference_finish)
            for module in (linear_module, money_module, people_module):
                patch.setattr(module, "summed", reference_summed)
            old = build(portfolio, derived)
        assert np.all(np.diff(model.a_row) >= 0), name
        for field in fields:
            new_array, old_array = getattr(model, field), getattr(old, field)
            assert new_array.dtype == old_array.dtype, (name, field)
            assert np.array_equal(new_array, old_array), (name, field)
