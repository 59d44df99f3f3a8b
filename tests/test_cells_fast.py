"""The vectorised typing of text columns gives exactly what the cell-by-cell
path gives: the same values and the same problems, row by row."""

from __future__ import annotations

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from spmo.engine.cells import NonFinite, _names_a_row, _type_column, is_blank, text_cell
from spmo.engine.schema import TABLES

COLUMNS = [(t, c) for t in ("projects", "dependencies", "budgets") for c in TABLES[t]
           if c.kind in ("id", "str", "enum") or c.kind.startswith("ref:")]
cells = st.one_of(st.none(), st.sampled_from(["", "  ", "NaN", "in", " OUT ", "a,b", "[x]",
                                              "requires", "P1", " P2 ", "growth"]),
                  st.just(NonFinite("NaN")), st.text(alphabet="ab ,[]IN", max_size=5))


def cell_by_cell(table, col, values):
    """The reference: text_cell on every cell, as the slow path does."""
    typed, problems = [], []
    for row, value in enumerate(values):
        out, message = text_cell(value, col, _names_a_row(table, col))
        if message is None and col.required and is_blank(value):
            message = "required value is blank"
        if message is not None:
            problems.append((row, message))
        typed.append(out)
    return typed, problems


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(COLUMNS), st.lists(cells, min_size=1, max_size=12))
def test_fast_text_typing_matches_cell_by_cell(table_col, values):
    table, col = table_col
    if not any(isinstance(v, str) for v in values):
        values = values + ["x"]  # the fast path takes columns holding strings
    problems = []
    typed = _type_column(table, col, pd.DataFrame({col.name: pd.Series(values, dtype=object)}),
                         problems)
    want, want_problems = cell_by_cell(table, col, values)
    assert typed.tolist() == want
    assert sorted((p.row, p.message) for p in problems) == sorted(want_problems)
