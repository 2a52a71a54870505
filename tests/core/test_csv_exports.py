"""CSV exports never hand a spreadsheet a formula to run, and read back as written."""

import csv
import io

import pytest

from heard.backlog import actions
from heard.backlog.importers import import_backlog
from heard.backlog.models import BacklogItem
from heard.core.exporting import csv_writer, safe_cell

pytestmark = pytest.mark.django_db

DANGEROUS = ['=HYPERLINK("http://evil.example","Click")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)", "\t=1", "\r=1"]


@pytest.mark.parametrize("text", DANGEROUS)
def test_a_cell_a_spreadsheet_would_run_is_escaped(text):
    assert safe_cell(text) == "'" + text
    out = io.StringIO()
    csv_writer(out).writerow([text, "plain", 3])
    cells = next(csv.reader(io.StringIO(out.getvalue())))
    assert cells == ["'" + text, "plain", "3"]


def test_harmless_cells_are_left_alone():
    assert [safe_cell(v) for v in ["Faster reports", "a=b", "", 5, None]] == ["Faster reports", "a=b", "", 5, None]


@pytest.mark.parametrize("columns", ["heard", "jira", "github"])
def test_the_backlog_export_escapes_formulas_on_the_page_and_the_api(product, client_as, api_as, columns):
    actions.create_item(actor=None, product=product, data={"title": '=HYPERLINK("http://evil.example","Click")', "description": "@SUM(A1:A2)", "status": "idea"})
    page = client_as("viewer").get("/w/acme/p/app/backlog/export.csv", {"columns": columns}).content.decode()
    api = api_as("viewer").get("/backlog-items/export", product="app", columns=columns).content.decode()
    for text in (page, api):
        row = list(csv.reader(io.StringIO(text)))[1]
        assert row[1] == '\'=HYPERLINK("http://evil.example","Click")'
        assert "'@SUM(A1:A2)" in row
        assert not any(cell.startswith(("=", "+", "-", "@")) for cell in row)


def test_importing_the_export_gives_back_the_text_and_adds_nothing(product, client_as):
    actions.create_item(actor=None, product=product, data={"title": "-5 % on exports", "external_key": "INV-1", "status": "idea"})
    exported = client_as("viewer").get("/w/acme/p/app/backlog/export.csv").content.decode()
    report = import_backlog(actor=None, product=product, handle=io.StringIO(exported))
    assert (report.created, report.rejected) == (0, 0)
    assert BacklogItem.objects.get().title == "-5 % on exports"
