import pytest

from heard.stakeholders import actions
from heard.stakeholders.models import Stakeholder


@pytest.fixture
def segment(workspace):
    return actions.create_segment(actor=None, workspace=workspace, data={"name": "Enterprise"})


def form(**overrides):
    data = {"name": "Ada Lovelace", "email": "ada@example.com", "kind": "buyer", "influence": "4", "interest": "5", "time_zone": "Europe/London", "language": "en"}
    data.update(overrides)
    return data


def test_pages_need_login(workspace, client):
    response = client.get("/w/acme/stakeholders/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_create_then_see_on_list_detail_and_grid(client_as, segment):
    client = client_as("scrum_master")
    response = client.post("/w/acme/stakeholders/new/", form(segments=["enterprise"]))
    assert response.status_code == 302
    person = Stakeholder.objects.get()
    assert response["Location"] == f"/w/acme/stakeholders/{person.pk}/"
    assert "Ada Lovelace" in client.get("/w/acme/stakeholders/").content.decode()
    detail = client.get(response["Location"]).content.decode()
    assert "Ada Lovelace" in detail and "Enterprise" in detail
    grid = client.get("/w/acme/stakeholders/grid/").content.decode()
    assert "<svg" in grid and "Ada Lovelace" in grid
    assert "Influence 4, interest 5: Ada Lovelace" in grid  # the SVG's own title
    assert "<td>4</td><td>5</td>" in grid.replace("\n", "").replace("    ", "")  # the table alternative


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"influence": "9"}, "Select a valid choice"),
        ({"time_zone": "Nowhere/Land"}, "is not a time zone heard knows"),
        ({"segments": ["nope"]}, "Select a valid choice"),
        ({"email": "broken"}, "is not a valid e-mail address"),
    ],
)
def test_bad_input_shows_a_message_next_to_the_field(client_as, segment, overrides, message):
    response = client_as("owner").post("/w/acme/stakeholders/new/", form(**overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Stakeholder.objects.exists()


def test_duplicate_email_on_the_page(client_as, workspace):
    actions.create_stakeholder(actor=None, workspace=workspace, data={"name": "First", "email": "ada@example.com"})
    response = client_as("owner").post("/w/acme/stakeholders/new/", form())
    assert "already uses ada@example.com" in response.content.decode()
    assert Stakeholder.objects.count() == 1


def test_list_filters_and_search(client_as, workspace, segment):
    actions.create_stakeholder(actor=None, workspace=workspace, data={"name": "Buyer Bea", "kind": "buyer", "segments": ["enterprise"]})
    actions.create_stakeholder(actor=None, workspace=workspace, data={"name": "User Uli", "kind": "end_user"})
    client = client_as("viewer")
    page = client.get("/w/acme/stakeholders/", {"kind": "buyer"}).content.decode()
    assert "Buyer Bea" in page and "User Uli" not in page
    page = client.get("/w/acme/stakeholders/", {"segment": "enterprise"}).content.decode()
    assert "Buyer Bea" in page and "User Uli" not in page
    page = client.get("/w/acme/stakeholders/", {"q": "uli"}).content.decode()
    assert "User Uli" in page and "Buyer Bea" not in page
    # HTMX asks for the results only.
    partial = client.get("/w/acme/stakeholders/", {"q": "uli"}, headers={"HX-Request": "true"}).content.decode()
    assert "User Uli" in partial and "<html" not in partial


def test_viewer_cannot_open_the_create_form(client_as):
    response = client_as("viewer").get("/w/acme/stakeholders/new/")
    assert response.status_code == 403


def test_outsider_gets_404(workspace, other_workspace):
    from django.test import Client

    from tests.conftest import PASSWORD

    client = Client()
    client.login(username="owner@globex.example", password=PASSWORD)
    assert client.get("/w/acme/stakeholders/").status_code == 404


def test_consent_and_erasure_from_the_pages(client_as, workspace):
    person = actions.create_stakeholder(actor=None, workspace=workspace, data={"name": "Ada Lovelace", "email": "ada@example.com"})
    client = client_as("product_owner")
    missing = client.post(f"/w/acme/stakeholders/{person.pk}/consents/", {"purpose": "contact", "disclosure_text": ""})
    assert missing.status_code == 400 and "Record the disclosure text" in missing.content.decode()
    client.post(f"/w/acme/stakeholders/{person.pk}/consents/", {"purpose": "contact", "disclosure_text": "We e-mail you."})
    assert person.consents.filter(withdrawn_at__isnull=True).count() == 1
    not_confirmed = client.post(f"/w/acme/stakeholders/{person.pk}/erase/", {})
    assert "This field is required" in not_confirmed.content.decode()
    client.post(f"/w/acme/stakeholders/{person.pk}/erase/", {"confirm": "on", "reason": "GDPR request 7"})
    person.refresh_from_db()
    assert person.is_erased and not person.consents.filter(withdrawn_at__isnull=True).exists()
    export = client.get(f"/w/acme/stakeholders/{person.pk}/export.json")
    assert export.status_code == 200 and export.json()["stakeholder"]["email"] == ""


def test_import_page_reports_rejected_rows(client_as, workspace):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("s.csv", b"name,email,influence\nGood,good@example.com,3\nBad,bad@example.com,9\n", content_type="text/csv")
    response = client_as("owner").post("/w/acme/stakeholders/import/", {"file": upload})
    body = response.content.decode()
    assert response.status_code == 400
    assert "1 created" in body and "Influence must be from 1 to 5, not 9." in body and "<td>3</td>" in body
    assert Stakeholder.objects.filter(name="Good").exists()


def test_unheard_page_lists_people_never_heard_from(client_as, workspace):
    actions.create_stakeholder(actor=None, workspace=workspace, data={"name": "Quiet Quinn", "kind": "regulator"})
    body = client_as("viewer").get("/w/acme/stakeholders/unheard/", {"days": "30"}).content.decode()
    assert "Quiet Quinn" in body and "Regulator" in body


def test_organisation_and_segment_pages(client_as, workspace):
    client = client_as("owner")
    assert client.post("/w/acme/stakeholders/segments/new/", {"name": "Public sector", "target_share": "25"}).status_code == 302
    bad = client.post("/w/acme/stakeholders/segments/new/", {"name": "X", "target_share": "250"})
    assert "from 0 to 100" in bad.content.decode()
    assert client.post("/w/acme/stakeholders/organisations/new/", {"name": "Kestrel", "segment": "public-sector"}).status_code == 302
    assert "Kestrel" in client.get("/w/acme/stakeholders/organisations/").content.decode()
    assert "25 %" in client.get("/w/acme/stakeholders/segments/").content.decode()
