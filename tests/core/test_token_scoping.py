"""API tokens belong to one workspace, have a scope and an expiry, and are rate-limited."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from heard.core import actions
from heard.core.models import ApiToken, AuditEvent
from heard.stakeholders import actions as stakeholder_actions
from tests.conftest import PASSWORD, ApiClient


@pytest.fixture
def both(workspace, other_workspace, member):
    """The acme developer is also an owner of globex; globex has a stakeholder."""
    dev = member("developer")
    actions.add_member(actor=None, workspace=other_workspace, email=dev.email, role="owner")
    secret = stakeholder_actions.create_stakeholder(actor=None, workspace=other_workspace, data={"name": "Grace Globex", "email": "grace@globex.example"})
    return dev, secret


def test_a_token_for_one_workspace_gets_404_on_the_other_workspaces_data(both, workspace, other_workspace):
    dev, secret = both
    acme = ApiClient(actions.issue_token(actor=None, user=dev, workspace=workspace))
    assert acme.get("/stakeholders", workspace="acme").status_code == 200
    named = acme.get("/stakeholders", workspace="globex")
    assert named.status_code == 404 and named.json()["error"]["field"] == "workspace"
    assert acme.get(f"/stakeholders/{secret.pk}").status_code == 404
    assert acme.patch(f"/stakeholders/{secret.pk}", {"name": "Mallory"}).status_code == 404
    assert acme.delete(f"/stakeholders/{secret.pk}").status_code == 404
    secret.refresh_from_db()
    assert secret.name == "Grace Globex" and secret.erased_at is None
    # Without ?workspace= the token works in its own workspace, never the person's other one.
    emails = [m["email"] for m in acme.get("/members").json()["items"]]
    assert emails == sorted(workspace.memberships.values_list("user__email", flat=True)) and "owner@globex.example" not in emails
    # The same person's globex token reaches globex.
    globex = ApiClient(actions.issue_token(actor=None, user=dev, workspace=other_workspace))
    assert globex.get(f"/stakeholders/{secret.pk}").status_code == 200
    assert globex.get("/stakeholders", workspace="acme").status_code == 404


def test_a_person_in_several_workspaces_must_say_which_one_a_token_is_for(both):
    dev, _ = both
    with pytest.raises(Exception, match="several workspaces"):
        actions.issue_token(actor=None, user=dev)


def test_another_workspaces_owner_neither_sees_nor_revokes_a_members_tokens(both, workspace, other_workspace, member):
    dev, _ = both
    acme_token, _raw = actions.create_token(actor=dev, workspace=workspace, name="acme script")
    globex_owner = ApiClient(actions.issue_token(actor=None, user=other_workspace.memberships.get(role="owner", user__email="owner@globex.example").user, workspace=other_workspace))
    listed = globex_owner.get("/tokens", all="true").json()["items"]
    assert "acme script" not in [t["name"] for t in listed]
    assert globex_owner.get(f"/tokens/{acme_token.pk}").status_code == 404
    assert globex_owner.delete(f"/tokens/{acme_token.pk}").status_code == 404
    acme_token.refresh_from_db()
    assert acme_token.revoked_at is None
    # The page too.
    client = Client()
    assert client.login(username="owner@globex.example", password=PASSWORD)
    page = client.get("/w/globex/tokens/").content.decode()
    assert "acme script" not in page
    assert client.post(f"/w/globex/tokens/{acme_token.pk}/revoke/").status_code == 404
    # acme's owner sees it.
    acme_owner = ApiClient(actions.issue_token(actor=None, user=member("owner"), workspace=workspace))
    assert "acme script" in [t["name"] for t in acme_owner.get("/tokens", all="true").json()["items"]]


def test_removing_a_member_revokes_their_tokens_for_that_workspace_only(both, workspace, other_workspace, member):
    dev, _ = both
    acme_raw = actions.issue_token(actor=None, user=dev, workspace=workspace)
    globex_raw = actions.issue_token(actor=None, user=dev, workspace=other_workspace)
    actions.remove_member(actor=member("owner"), membership=workspace.memberships.get(user=dev))
    refused = ApiClient(acme_raw).get("/members")
    assert refused.status_code == 401 and "revoked" in refused.json()["error"]["message"]
    assert ApiClient(globex_raw).get("/members").status_code == 200


def test_a_read_token_reads_and_is_refused_every_change_with_a_clear_error(workspace, member):
    raw = actions.issue_token(actor=None, user=member("owner"), workspace=workspace, scope="read")
    api = ApiClient(raw)
    assert api.get("/stakeholders").status_code == 200
    for response in (api.post("/stakeholders", {"name": "Ada"}), api.patch("/products/x", {"name": "y"}), api.delete("/members/1"), api.post("/tokens", {"name": "escape"})):
        assert response.status_code == 403
        assert "read scope" in response.json()["error"]["message"]
    assert ApiToken.objects.filter(user=member("owner")).count() == 1
    token = ApiToken.objects.get(key_hash=ApiToken.hash(raw))
    assert api.get(f"/tokens/{token.pk}").json()["scope"] == "read"


def test_an_expired_token_is_a_401_that_says_it_expired(workspace, member):
    raw = actions.issue_token(actor=None, user=member("viewer"), workspace=workspace, expires_in_days=30)
    token = ApiToken.objects.get(key_hash=ApiToken.hash(raw))
    assert abs((token.expires_at - timezone.now()) - timedelta(days=30)) < timedelta(minutes=1)
    assert ApiClient(raw).get("/members").status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = ApiClient(raw).get("/members")
    assert response.status_code == 401
    error = response.json()["error"]
    assert error["code"] == "unauthenticated" and "expired on" in error["message"] and "/w/acme/tokens/" in error["message"]


@pytest.mark.parametrize(("days", "ok"), [(0, False), (3651, False), (1, True), (None, True)])
def test_expiry_days_are_checked_on_the_field(api_as, days, ok):
    response = api_as("developer").post("/tokens", {"name": "t", "expires_in_days": days})
    assert response.status_code == (201 if ok else 400)
    if not ok:
        assert response.json()["error"]["field"] == "expires_in_days"


def test_a_bad_scope_is_a_field_error(api_as):
    response = api_as("developer").post("/tokens", {"name": "t", "scope": "admin"})
    assert response.status_code == 400 and response.json()["error"]["field"] == "scope"


def test_too_many_requests_answer_429_with_retry_after(workspace, member, settings):
    settings.HEARD_API_RATE_LIMIT = 3
    settings.HEARD_API_RATE_WINDOW = 60
    api = ApiClient(actions.issue_token(actor=None, user=member("viewer"), workspace=workspace))
    statuses = [api.get("/members").status_code for _ in range(3)]
    refused = api.get("/members")
    assert statuses == [200, 200, 200]
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "rate_limited"
    assert 1 <= int(refused["Retry-After"]) <= 60
    # The limit is per token: another token of the same person is not held back.
    other = ApiClient(actions.issue_token(actor=None, user=member("viewer"), workspace=workspace, name="second"))
    assert other.get("/members").status_code == 200


def test_the_tokens_page_creates_read_and_expiring_tokens(client_as):
    client = client_as("developer")
    response = client.post("/w/acme/tokens/", {"name": "dashboard", "scope": "read", "expires_in_days": "7"})
    assert response.status_code == 200 and "shown only this once" in response.content.decode()
    token = ApiToken.objects.get(name="dashboard")
    assert token.scope == "read" and token.workspace.slug == "acme" and token.expires_at is not None
    page = client.get("/w/acme/tokens/").content.decode()
    assert "read only" in page and "Acme" in page


def test_cli_tokens_create_list_revoke(both, workspace):
    dev, _ = both
    out = StringIO()
    with pytest.raises(Exception, match="several workspaces"):
        call_command("tokens", "create", dev.email, stdout=out)
    call_command("tokens", "create", dev.email, "--workspace", "acme", "--name", "nightly", "--scope", "read", "--expires-in-days", "90", stdout=out)
    raw = out.getvalue().strip()
    token = ApiToken.objects.get(key_hash=ApiToken.hash(raw))
    assert (token.workspace, token.scope, token.name) == (workspace, "read", "nightly")
    listing = StringIO()
    call_command("tokens", "list", "--workspace", "acme", stdout=listing)
    assert "nightly" in listing.getvalue() and raw not in listing.getvalue()
    call_command("tokens", "revoke", str(token.pk), "--workspace", "acme", stdout=StringIO())
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditEvent.objects.filter(verb="api_token.revoked", workspace=workspace, object_id=str(token.pk)).exists()
    with pytest.raises(Exception, match="No API token"):
        call_command("tokens", "revoke", str(token.pk), "--workspace", "globex", stdout=StringIO())
