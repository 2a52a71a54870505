import csv
import io

import pytest
from django.core.management import call_command

from heard.backlog import actions
from heard.backlog.models import BacklogItem
from heard.core.errors import HeardError
from heard.stakeholders import actions as s_actions


@pytest.fixture
def ada(workspace):
    return s_actions.create_stakeholder(actor=None, workspace=workspace, data={"name": "Ada Lovelace", "email": "ada@kestrel.example"})


def test_items_and_criteria_with_co_writers(product, ada, member):
    item = actions.create_item(actor=member("developer"), product=product, data={"title": "Offline signatures", "status": "In Progress", "external_key": "FLD-3"})
    assert item.status == "in_progress"
    criterion = actions.add_criterion(actor=member("developer"), item=item, data={"text": "When offline, the signature is kept and sent later.", "co_writers": [ada.email]})
    assert list(criterion.co_writers.all()) == [ada]
    actions.update_criterion(actor=None, criterion=criterion, data={"status": "agreed"})
    criterion.refresh_from_db()
    assert criterion.status == "agreed"
    with pytest.raises(HeardError) as err:
        actions.add_criterion(actor=None, item=item, data={"text": "x", "co_writers": ["ghost@nowhere.example"]})
    assert err.value.field == "co_writers"
    with pytest.raises(HeardError) as err:
        actions.create_item(actor=None, product=product, data={"title": "Dup", "external_key": "FLD-3"})
    assert err.value.field == "external_key"
    with pytest.raises(HeardError) as err:
        actions.create_item(actor=member("viewer"), product=product, data={"title": "No"})
    assert err.value.code == "forbidden"


def test_api_crud_for_items_and_criteria(product, ada, api_as):
    api = api_as("developer")
    created = api.post("/backlog-items", {"product": "app", "title": "Faster reports", "status": "ready", "external_key": "INV-1"})
    assert created.status_code == 201, created.content
    item_id = created.json()["id"]
    assert api.post("/backlog-items", {"product": "app", "title": "x", "status": "someday"}).json()["error"]["field"] == "status"
    crit = api.post("/acceptance-criteria", {"item": item_id, "text": "A report for 100 records is ready within 2 minutes.", "co_writers": [ada.pk]})
    assert crit.status_code == 201 and crit.json()["co_writers"][0]["name"] == "Ada Lovelace"
    assert api.patch(f"/acceptance-criteria/{crit.json()['id']}", {"status": "verified"}).json()["status"] == "verified"
    listed = api.get("/backlog-items", product="app", status="ready").json()
    assert listed["total"] == 1 and listed["items"][0]["criteria"][0]["status"] == "verified"
    assert api.get("/acceptance-criteria", product="app", item=str(item_id)).json()["total"] == 1
    assert api.patch(f"/backlog-items/{item_id}", {"increment": "2026.2"}).json()["increment"] == "2026.2"
    assert api_as("viewer").post("/backlog-items", {"product": "app", "title": "No"}).status_code == 403
    assert api.delete(f"/acceptance-criteria/{crit.json()['id']}").status_code == 204
    assert api.delete(f"/backlog-items/{item_id}").status_code == 204
    assert api.get(f"/backlog-items/{item_id}").status_code == 404


JIRA = """Summary,Issue key,Issue id,Status,Description,Sprint
Faster report generation,INV-7,10007,To Do,Reports for 100 records take 5 minutes,Sprint 14
Offline signatures,INV-8,10008,In Progress,,
,INV-9,10009,Done,No title here,
Dark mode,INV-10,10010,Someday,,
"""
GITHUB = """title,number,state,body
Reminder e-mails on holidays,381,open,Skip public holidays
Faster report generation (GitHub copy),382,closed,
"""


def _import(path, *args):
    out, err = io.StringIO(), io.StringIO()
    code = 0
    try:
        call_command("import", "backlog", str(path), "--product", "acme/app", "--no-progress", *args, stdout=out, stderr=err)
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue(), err.getvalue()


def test_jira_and_github_imports_are_idempotent(product, tmp_path):
    jira = tmp_path / "jira.csv"
    jira.write_text(JIRA)
    code, out, err = _import(jira)
    assert code == 1 and "2 created" in out and "2 rejected" in out
    assert "line 4 (title)" in err and "line 5 (status)" in err
    item = product.backlog_items.get(external_key="INV-7")
    assert (item.title, item.status, item.increment) == ("Faster report generation", "ready", "Sprint 14")
    code, out, _ = _import(jira)
    assert "0 created" in out and "2 unchanged" in out
    github = tmp_path / "gh.csv"
    github.write_text(GITHUB)
    code, out, _ = _import(github)
    assert code == 0 and "2 created" in out
    assert product.backlog_items.get(external_key="#382").status == "done"
    assert BacklogItem.objects.count() == 4


def test_export_with_each_tool_s_columns(product, client_as, api_as):
    item = actions.create_item(actor=None, product=product, data={"title": "Faster reports", "external_key": "#12", "status": "released", "description": "Under 2 minutes"})
    actions.add_criterion(actor=None, item=item, data={"text": "Ready within 2 minutes"})
    heard_csv = client_as("viewer").get("/w/acme/p/app/backlog/export.csv").content.decode()
    rows = list(csv.DictReader(io.StringIO(heard_csv)))
    assert rows[0]["title"] == "Faster reports" and "Ready within 2 minutes" in rows[0]["criteria"]
    jira = list(csv.DictReader(io.StringIO(api_as("viewer").get("/backlog-items/export", product="app", columns="jira").content.decode())))
    assert jira[0]["Summary"] == "Faster reports" and jira[0]["Status"] == "Done"
    github = list(csv.DictReader(io.StringIO(client_as("viewer").get("/w/acme/p/app/backlog/export.csv", {"columns": "github"}).content.decode())))
    assert github[0] == {"number": "12", "title": "Faster reports", "state": "closed", "milestone": "", "body": "Under 2 minutes"}


def test_pages_create_item_and_criterion_with_errors_next_to_fields(product, ada, client_as):
    client = client_as("product_owner")
    assert client.post("/w/acme/p/app/backlog/new/", {"title": "", "status": "idea"}).status_code == 400
    response = client.post("/w/acme/p/app/backlog/new/", {"title": "Offline signatures", "status": "idea"})
    item = BacklogItem.objects.get()
    assert response.status_code == 302
    bad = client.post(f"/w/acme/p/app/backlog/{item.pk}/criteria/", {"text": "", "status": "draft"})
    assert bad.status_code == 400
    ok = client.post(f"/w/acme/p/app/backlog/{item.pk}/criteria/", {"text": "Kept offline, sent later", "status": "agreed", "co_writers": [str(ada.pk)]})
    assert ok.status_code == 302
    page = client.get(f"/w/acme/p/app/backlog/{item.pk}/").content.decode()
    assert "Kept offline, sent later" in page and "Ada Lovelace" in page
    assert client_as("viewer").get("/w/acme/p/app/backlog/new/").status_code == 403
    listing = client_as("viewer").get("/w/acme/p/app/backlog/").content.decode()
    assert "Offline signatures" in listing
