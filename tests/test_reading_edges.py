"""Files as people save them: CSVs separated by semicolons or tabs, in
Windows-1252, Latin-1, UTF-16 or with a byte order mark; JSON with a byte
order mark; workbooks whose formulas were never calculated."""

from __future__ import annotations

import codecs
import csv
import io
import json
import shutil
import zipfile

import openpyxl
import pytest
from spmo.engine.errors import InvalidPortfolio
from spmo.engine.io import read_portfolio
from spmo.engine.validate import validate

from .conftest import EXAMPLES

CSV = EXAMPLES / "northwind_csv"


def document(path) -> dict:
    out = validate(read_portfolio(path)).to_document()
    out.pop("name")
    return out


@pytest.fixture(scope="module")
def northwind() -> dict:
    return document(EXAMPLES / "northwind.json")


def _rewrite(folder, write) -> None:
    """Every CSV of the folder re-written by write(rows) -> bytes."""
    for file in folder.glob("*.csv"):
        rows = list(csv.reader(io.StringIO(file.read_text(encoding="utf-8"))))
        file.write_bytes(write(rows))


def _joined(rows, delimiter: str) -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\n").writerows(rows)
    return out.getvalue()


@pytest.mark.parametrize("delimiter", [";", "\t", "|"])
def test_other_separators_read_the_same(tmp_path, northwind, delimiter):
    folder = shutil.copytree(CSV, tmp_path / "csv")
    _rewrite(folder, lambda rows: _joined(rows, delimiter).encode())
    raw = read_portfolio(folder)
    assert raw.problems == [] and raw.warnings == []
    assert document(folder) == northwind


def test_semicolon_files_with_decimal_commas(tmp_path, northwind):
    """Excel's CSV where the decimal mark is a comma: numbers in number
    columns read, with a warning naming the file; text is left alone."""
    folder = shutil.copytree(CSV, tmp_path / "csv")
    _rewrite(folder, lambda rows: _joined(
        [[c.replace(".", ",") if c.replace(".", "", 1).isdigit() else c for c in r]
         for r in rows], ";").encode())
    raw = read_portfolio(folder)
    warned = [w for w in raw.warnings if "decimal comma" in w]
    assert any(w.startswith("costs.csv: ") and "first at line 2, column amount" in w
               for w in warned), raw.warnings
    assert document(folder) == northwind


@pytest.mark.parametrize(("encoding", "label"), [("cp1252", "Windows-1252"),
                                                 ("latin-1", "Latin-1")])
def test_a_legacy_encoding_is_read_with_a_warning(tmp_path, encoding, label):
    folder = shutil.copytree(CSV, tmp_path / "csv")
    projects = folder / "projects.csv"
    # '€' exists only in Windows-1252; 0x81 only in Latin-1 (a control character)
    name = "Café € launch" if encoding == "cp1252" else "Café \x81 launch"
    text = projects.read_text(encoding="utf-8").replace("Redesign analytics platform", name)
    projects.write_bytes(text.encode(encoding))
    raw = read_portfolio(folder)
    assert [w for w in raw.warnings if "UTF-8" in w] == [
        f"projects.csv is not UTF-8: read as {label}; check its accents, or save it as "
        "CSV UTF-8"]
    assert validate(raw).projects.at["P01", "name"] == name


@pytest.mark.parametrize("bom", ["utf-8-sig", "utf-16"])
def test_unicode_with_a_byte_order_mark(tmp_path, northwind, bom):
    folder = shutil.copytree(CSV, tmp_path / "csv")
    for file in folder.glob("*.csv"):
        file.write_bytes(file.read_text(encoding="utf-8").encode(bom))
    assert (folder / "projects.csv").read_bytes()[:2] in (codecs.BOM_UTF8[:2],
                                                          codecs.BOM_UTF16_LE,
                                                          codecs.BOM_UTF16_BE)
    assert read_portfolio(folder).warnings == []
    assert document(folder) == northwind


def test_a_ragged_csv_names_its_file_and_line(tmp_path):
    folder = shutil.copytree(CSV, tmp_path / "csv")
    costs = folder / "costs.csv"
    lines = costs.read_text().splitlines()
    lines[4] += ",extra,cells"
    costs.write_text("\n".join(lines) + "\n")
    with pytest.raises(InvalidPortfolio) as caught:
        validate(read_portfolio(folder))
    [problem] = [p for p in caught.value.problems if p.table == "costs"]
    assert problem.row == 5 and "cannot read costs.csv" in problem.message


def test_json_with_a_byte_order_mark(tmp_path, northwind):
    path = tmp_path / "bom.json"
    path.write_bytes(codecs.BOM_UTF8 + (EXAMPLES / "northwind.json").read_bytes())
    assert document(path) == northwind


def test_json_not_in_utf8_is_refused_naming_the_file(tmp_path):
    path = tmp_path / "latin.json"
    path.write_bytes('{"name": "Café",\n "projects": []}'.encode("latin-1"))
    with pytest.raises(InvalidPortfolio) as caught:
        read_portfolio(path)
    [problem] = caught.value.problems
    assert problem.message.startswith("latin.json is not UTF-8 text (line 1)")


def _with_formula(tmp_path, formula: str = "=300+6.7"):
    """The example workbook with P01's value as a formula openpyxl wrote
    (so without a saved value)."""
    book = openpyxl.load_workbook(EXAMPLES / "northwind.xlsx")
    sheet = book["projects"]
    column = [c.value for c in sheet[1]].index("value") + 1
    assert sheet.cell(row=2, column=1).value == "P01"
    sheet.cell(row=2, column=column).value = formula
    path = tmp_path / "formula.xlsx"
    book.save(path)
    return path


def test_a_formula_without_a_saved_value_is_a_problem(tmp_path):
    with pytest.raises(InvalidPortfolio) as caught:
        validate(read_portfolio(_with_formula(tmp_path)))
    [problem] = caught.value.problems
    assert (problem.table, problem.row, problem.column) == ("projects", 2, "value")
    assert "the formula =300+6.7 has no saved value" in problem.message


def test_a_formula_with_its_saved_value_is_read(tmp_path):
    path = _with_formula(tmp_path)
    saved = tmp_path / "saved.xlsx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(saved, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                data = data.replace(b"<f>300+6.7</f><v />", b"<f>300+6.7</f><v>306.7</v>")
            target.writestr(item, data)
    portfolio = validate(read_portfolio(saved))
    assert portfolio.projects.at["P01", "value"] == pytest.approx(306.7)


def test_a_workbook_without_formulas_reads_as_before(northwind):
    assert json.dumps(document(EXAMPLES / "northwind.xlsx"), sort_keys=True) == \
        json.dumps(northwind, sort_keys=True)
