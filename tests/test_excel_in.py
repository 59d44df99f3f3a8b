"""Excel in: the template (drop-downs, names, formats, help, example rows that
solve) and reading what people type into a workbook (numbers as text, percents,
decimal commas, dates in period cells), safely and within limits."""

from __future__ import annotations

import datetime as dt
import shutil
import zipfile

import openpyxl
import pytest
from spmo.api.workbook import ID_NAMES, write_template
from spmo.engine.errors import InvalidPortfolio
from spmo.engine.io import read_portfolio, write_workbook
from spmo.engine.schema import SINGLE_TABLES, TABLES
from spmo.engine.typed_text import typed_number
from spmo.engine.validate import validate
from spmo.engine.xlsx import Limits, read_workbook

from .family_helpers import costs, doc


@pytest.mark.parametrize(("text", "comma", "number"), [
    ("1200", False, 1200), ("1,200", False, 1200), ("1 200", False, 1200),
    ("1\u00a0200,5", True, 1200.5), ("12,345,678.25", False, 12345678.25),
    ("1'200", False, 1200), ("80%", False, 0.8), ("12.5 %", False, 0.125),
    ("-3.5", False, -3.5), ("1.200,50", True, 1200.5), ("1,5", True, 1.5),
    ("1.200", True, 1200), ("1,200", True, 1.2), ("80%", True, 0.8)])
def test_numbers_typed_as_text(text, comma, number):
    assert typed_number(text, comma) == (pytest.approx(number), None)


@pytest.mark.parametrize(("text", "comma", "hint"), [
    ("1,5", False, "type it with a decimal point (1.5)"),
    ("1.200,50", False, "(1200.50), or set decimal_comma to TRUE"),
    ("12.5", True, "type 12,5"), ("1,200.50", True, "type 1200,50")])
def test_ambiguous_numbers_are_refused_saying_what_to_type(text, comma, hint):
    number, message = typed_number(text, comma)
    assert number is None and hint in message


def test_words_are_left_to_the_cell_check():
    assert typed_number("lots", False) == (None, None)
    assert typed_number("1,2,3", False) == (None, None)


def _cell(book, sheet: str, column: str, row: int) -> str:
    """The address of `column` (by its header) in `row` of `sheet`."""
    header = [c.value for c in book[sheet][1]]
    return f"{openpyxl.utils.get_column_letter(header.index(column) + 1)}{row}"


def _workbook(tmp_path, document: dict, edit) -> object:
    path = tmp_path / "typed.xlsx"
    write_workbook(document, path)
    book = openpyxl.load_workbook(path)
    edit(book)
    book.save(path)
    return path


QUARTERS = doc([{"id": "A", "value": 5, "risk": 0.1}, {"id": "B", "value": 4}], periods=2,
               costs=costs("A", 6) + costs("B", 5),
               capacity=[{"skill": "dev", "period": "T1", "fte": 2}])
QUARTERS["periods"] = [{"id": "2027Q1"}, {"id": "2027Q2"}]
QUARTERS["capacity"][0]["period"] = "2027Q1"


def test_text_numbers_percents_and_dates_read_with_warnings(tmp_path):
    def edit(book):
        book["costs"]["C2"] = "1,200"          # amount of A
        book["projects"][_cell(book, "projects", "risk", 2)] = "80%"  # risk of A
        book["capacity"]["B2"] = dt.datetime(2027, 5, 17)  # a date in 2027Q2
    raw = read_portfolio(_workbook(tmp_path, QUARTERS, edit))
    portfolio = validate(raw)
    assert portfolio.table("costs")["amount"].tolist() == [1200, 5]
    assert portfolio.projects.loc["A", "risk"] == pytest.approx(0.8)
    assert portfolio.table("capacity")["period"].tolist() == ["2027Q2"]
    assert "costs column amount: numbers typed as text read as numbers in 1 cell " \
           "(row 2: '1,200' as 1200)" in raw.warnings
    assert "projects column risk: numbers typed as text read as numbers in 1 cell " \
           "(row 2: '80%' as 0.8)" in raw.warnings
    assert "capacity column period: dates read as periods in 1 cell (row 2: 2027-05-17 as " \
           "2027Q2)" in raw.warnings


def test_unreadable_text_is_refused_naming_sheet_row_and_column(tmp_path):
    def edit(book):
        book["costs"]["C3"] = "1,5"
        book["projects"][_cell(book, "projects", "value", 3)] = dt.date(2027, 1, 1)  # value of B
    with pytest.raises(InvalidPortfolio) as caught:
        validate(read_portfolio(_workbook(tmp_path, QUARTERS, edit)))
    found = {(p.table, p.row, p.column): p.message for p in caught.value.problems}
    assert "type it with a decimal point (1.5)" in found[("costs", 3, "amount")]
    assert "holds the date 2027-01-01: format it as Number" in found[("projects", 3, "value")]


def test_decimal_comma_setting_reads_european_numbers(tmp_path):
    document = QUARTERS | {"settings": {"decimal_comma": True}}

    def edit(book):
        book["costs"]["C2"] = "1.200,50"
        book["costs"]["C3"] = "5,25"
    portfolio = validate(read_portfolio(_workbook(tmp_path, document, edit)))
    assert portfolio.table("costs")["amount"].tolist() == [1200.5, 5.25]


def test_a_share_typed_as_a_whole_percent_says_what_to_type(tmp_path):
    def edit(book):
        book["projects"][_cell(book, "projects", "risk", 2)] = 80  # risk of A, meant as 80 %
    with pytest.raises(InvalidPortfolio) as caught:
        validate(read_portfolio(_workbook(tmp_path, QUARTERS, edit)))
    assert [str(p) for p in caught.value.problems] == [
        "projects row 2 column risk: must be <= 1, got 80 (a share: type 80% or 0.8)"]


def test_limits_name_the_sheet_and_row(tmp_path):
    path = _workbook(tmp_path, QUARTERS, lambda book: None)
    raw = read_workbook(path, Limits(rows=2))
    assert [(p.table, p.row) for p in raw.problems] == [("periods", 3), ("projects", 3),
                                                        ("costs", 3)]
    assert "at most 2 per sheet" in raw.problems[0].message
    with pytest.raises(InvalidPortfolio) as caught:
        read_workbook(path, Limits(sheets=3))
    assert "sheets: spmo reads at most 3" in caught.value.problems[0].message
    with pytest.raises(InvalidPortfolio) as caught:
        read_workbook(path, Limits(file_bytes=1000))
    assert "spmo reads workbooks up to" in caught.value.problems[0].message


def test_entities_in_a_workbook_are_refused_not_expanded(tmp_path):
    assert openpyxl.xml.DEFUSEDXML  # openpyxl parses through defusedxml
    good = _workbook(tmp_path, QUARTERS, lambda book: None)
    bomb = tmp_path / "bomb.xlsx"
    entity = (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">'
              b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>')
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bomb, "w") as out:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "xl/workbook.xml":
                data = entity + (data.split(b"?>", 1)[1] if data.startswith(b"<?xml")
                                 else data)
            out.writestr(item, data)
    with pytest.raises(InvalidPortfolio) as caught:
        read_portfolio(bomb)
    assert "cannot read" in caught.value.problems[0].message
    assert "EntitiesForbidden" in caught.value.problems[0].message or \
        "entit" in caught.value.problems[0].message.lower()


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    path = tmp_path_factory.mktemp("template") / "t.xlsx"
    write_template(path)
    return path


def _lists(sheet, cells: bool = False) -> dict[str, str]:
    """Each validated column's letter (or first cell) and its list."""
    return {str(rng).split(":")[0].rstrip("" if cells else "0123456789"): v.formula1
            for v in sheet.data_validations.dataValidation for rng in v.sqref.ranges}


def test_every_code_and_id_column_has_a_drop_down(template):
    book = openpyxl.load_workbook(template)
    assert {n: book.defined_names[n].attr_text for n in ID_NAMES.values()} == {
        "period_ids": "periods!$A$2:$A$1048576", "project_ids": "projects!$A$2:$A$1048576",
        "objective_ids": "objectives!$A$2:$A$1048576",
        "group_names": "groups!$A$2:$A$1048576"}
    for table, columns in TABLES.items():
        sheet = book[table]
        lists = _lists(sheet)
        assert sheet.freeze_panes == "A2"
        for letter, col in zip("ABCDEFGHIJKLMNOP", columns, strict=False):
            if col.kind == "enum":
                assert lists[letter] == '"' + ",".join(col.choices) + '"', (table, col.name)
            elif col.kind.startswith("ref:"):
                assert lists[letter] == ID_NAMES[col.kind[4:]], (table, col.name)
            else:
                assert letter not in lists
    settings = _lists(book["settings"], cells=True)
    row = {c.value: c.row for c in book["settings"]["A"]}
    assert settings[f"B{row['objective']}"] == '"strategic,financial,blend"'
    assert settings[f"B{row['require_alignment']}"] == '"TRUE,FALSE"'
    assert settings[f"B{row['decimal_comma']}"] == '"TRUE,FALSE"'
    assert settings[f"B{row['objective_risk']}"] == '"expected,cvar,chance"'


def test_formats_and_help(template):
    book = openpyxl.load_workbook(template)
    projects = book["projects"]
    header = {c.value: c for c in projects[1]}
    assert projects.column_dimensions[header["risk"].column_letter].number_format == "0.0%"
    assert book["costs"].column_dimensions["C"].number_format == "#,##0.00"
    assert header["id"].font.b and not header["name"].font.b
    assert "candidate (blank: may be chosen)" in header["status"].comment.text
    for columns in (*TABLES.values(), *SINGLE_TABLES.values()):
        for col in columns:  # a sentence, not a type name
            assert len(col.doc.split()) >= 5 and col.doc != col.kind, col.name


def test_the_example_rows_solve_as_they_stand(template):
    from spmo.planning.pipeline import plan

    raw = read_portfolio(template)
    assert any("template's example rows" in w for w in raw.warnings)
    portfolio = validate(raw)
    assert set(portfolio.projects.index) == {"EX1", "EX2"}
    # actuals only mean something in a re-plan (settings.now): no example row
    assert all(len(portfolio.table(t)) for t in TABLES
               if t not in ("periods", "projects", "actuals"))
    result = plan(portfolio, time_limit_s=10, explain="none")
    assert result.status == "optimal" and len(result.selected) == 2


def test_a_copy_of_the_template_with_its_example_deleted_is_refused(template, tmp_path):
    path = tmp_path / "empty.xlsx"
    shutil.copy(template, path)
    book = openpyxl.load_workbook(path)
    book["projects"].delete_rows(2, 5)
    book.save(path)
    with pytest.raises(InvalidPortfolio) as caught:
        validate(read_portfolio(path))
    assert any(p.table == "costs" and "unknown project 'EX1'" in p.message
               for p in caught.value.problems)
