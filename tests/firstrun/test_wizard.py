"""The first owner's first login: the wizard through workspace, product, engagement model,
stakeholder import and invitations, each skippable, each linking to where the thing lives."""

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from heard.core import actions
from heard.core.models import AuditEvent, Workspace
from tests.conftest import PASSWORD

CSV = b"name,email,organisation\nAda Lovelace,ada@example.org,Analytical Engines\nGrace Hopper,grace@example.org,Navy\n"


@pytest.fixture
def fresh(db):
    """A workspace just made by `heard createuser`: one owner, nothing else, not set up."""
    workspace = actions.create_workspace(actor=None, slug="riverbank", name="Riverbank")
    actions.add_member(actor=None, workspace=workspace, email="amy@riverbank.example", role="owner", password=PASSWORD)
    actions.add_member(actor=None, workspace=workspace, email="vic@riverbank.example", role="viewer", password=PASSWORD)
    return workspace


def _client(email):
    client = Client()
    assert client.login(username=email, password=PASSWORD)
    return client


def test_the_first_owner_is_walked_through_every_step(fresh, django_capture_on_commit_callbacks):
    client = _client("amy@riverbank.example")
    landing = client.get("/", follow=True)
    assert landing.redirect_chain[-1][0] == "/w/riverbank/start/workspace/"
    assert "Name the workspace" in landing.content.decode()

    response = client.post("/w/riverbank/start/workspace/", {"name": "Riverbank Clinic"}, follow=True)
    assert response.redirect_chain[-1][0] == "/w/riverbank/start/product/"
    assert Workspace.objects.get(pk=fresh.pk).name == "Riverbank Clinic"

    response = client.post("/w/riverbank/start/product/", {"name": "Patient App", "slug": "", "description": ""}, follow=True)
    assert response.redirect_chain[-1][0] == "/w/riverbank/start/engagement/"
    html = response.content.decode()
    assert "Patient App" in html and "/w/riverbank/p/patient-app/sessions/engagement/" in html

    engagement = {"pre_read_lead_days": "3", "default_confidentiality": "participants", "input_consideration_days": "10", "invitations_per_quarter": "4"}
    response = client.post("/w/riverbank/start/engagement/", engagement, follow=True)
    assert response.redirect_chain[-1][0] == "/w/riverbank/start/stakeholders/"
    assert fresh.products.get().engagement_model.input_consideration_days == 10

    upload = SimpleUploadedFile("people.csv", CSV, content_type="text/csv")
    response = client.post("/w/riverbank/start/stakeholders/", {"file": upload}, follow=True)
    assert response.redirect_chain[-1][0] == "/w/riverbank/start/members/"
    assert fresh.stakeholders.count() == 2 and "2 created" in response.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/w/riverbank/start/members/", {"email": "sam@riverbank.example", "role": "product_owner"}, follow=True)
    assert response.redirect_chain[-1][0] == "/w/riverbank/start/members/"
    assert [m.to for m in mail.outbox] == [["sam@riverbank.example"]]

    response = client.post("/w/riverbank/start/members/", {"skip": "1"}, follow=True)
    assert response.redirect_chain[-1][0] == "/w/riverbank/"
    assert "is set up" in response.content.decode()
    assert Workspace.objects.get(pk=fresh.pk).setup_finished_at is not None
    assert AuditEvent.objects.filter(verb="workspace.setup_finished", actor__email="amy@riverbank.example").count() == 1
    # From now on a login lands on the workspace home.
    assert _client("amy@riverbank.example").get("/", follow=True).redirect_chain[-1][0] == "/w/riverbank/"


def test_every_step_can_be_skipped(fresh):
    client = _client("amy@riverbank.example")
    for step, following in (("workspace", "product"), ("product", "engagement"), ("engagement", "stakeholders"), ("stakeholders", "members")):
        page = client.get(f"/w/riverbank/start/{step}/")
        assert page.status_code == 200 and "Skip this step" in page.content.decode()
        response = client.post(f"/w/riverbank/start/{step}/", {"skip": "1"})
        assert response["Location"] == f"/w/riverbank/start/{following}/"
    assert "Add a product first" in client.get("/w/riverbank/start/engagement/").content.decode()
    assert client.post("/w/riverbank/start/members/", {"skip": "1"})["Location"] == "/w/riverbank/"
    assert not fresh.products.exists() and Workspace.objects.get(pk=fresh.pk).setup_finished_at is not None


@pytest.mark.parametrize("step, data, text", [
    ("workspace", {"name": ""}, "Name the workspace, or skip"),
    ("product", {"name": "X", "slug": "Not OK"}, "lowercase letters"),
    ("members", {"email": "nope", "role": "developer"}, "not a valid e-mail"),
])
def test_bad_input_stays_on_the_step_with_a_field_error(fresh, step, data, text):
    response = _client("amy@riverbank.example").post(f"/w/riverbank/start/{step}/", data)
    assert response.status_code == 400 and text in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()


def test_rejected_stakeholder_rows_are_listed_and_the_good_ones_kept(fresh):
    bad = CSV + b",nobody@example.org,\n"
    response = _client("amy@riverbank.example").post("/w/riverbank/start/stakeholders/", {"file": SimpleUploadedFile("p.csv", bad)})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Rejected rows" in html and "Name is required" in html and "Continue" in html
    assert fresh.stakeholders.count() == 2


def test_only_owners_get_the_wizard(fresh):
    viewer = _client("vic@riverbank.example")
    assert viewer.get("/", follow=True).redirect_chain[-1][0] == "/w/riverbank/"
    assert viewer.get("/w/riverbank/start/workspace/").status_code == 403
    assert viewer.post("/w/riverbank/start/members/", {"skip": "1"}).status_code == 403
    assert "Set it up step by step" not in viewer.get("/w/riverbank/").content.decode()
    assert "Set it up step by step" in _client("amy@riverbank.example").get("/w/riverbank/").content.decode()


def test_a_workspace_in_use_is_not_offered_the_wizard(workspace, client_as):
    assert client_as("owner").get("/", follow=True).redirect_chain[-1][0] == "/w/acme/"
