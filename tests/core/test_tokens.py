"""API tokens: the page and /api/v1/tokens — shown once, stored hashed, last use, revocation."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from heard.core import actions
from heard.core.models import ApiToken, AuditEvent
from tests.conftest import ApiClient

ROLES = ["owner", "product_owner", "scrum_master", "developer", "viewer"]


def _bearer(raw):
    return {"Authorization": f"Bearer {raw}"}


def _create_on_page(client, name):
    response = client.post("/w/acme/tokens/", {"name": name})
    html = response.content.decode()
    match = re.search(r'id="new-token"[^>]*value="(hrd_[^"]+)"', html)
    return response, (match.group(1) if match else None)


# ------------------------------------------------------------------ page


@pytest.mark.parametrize("role", ROLES)
def test_every_member_creates_a_token_shown_once_and_stored_hashed(client_as, role):
    client = client_as(role)
    response, raw = _create_on_page(client, "CI pipeline")
    assert response.status_code == 200 and raw
    assert "shown only this once" in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    token = ApiToken.objects.get(name="CI pipeline")
    assert token.user.email == f"{role}@acme.example"
    assert token.key_hash == ApiToken.hash(raw) and raw not in token.key_hash and raw.startswith(token.prefix)
    # The list shows the token by name and prefix, never the secret again.
    again = client.get("/w/acme/tokens/").content.decode()
    assert "CI pipeline" in again and token.prefix in again and raw not in again
    # The token works for the API with the member's role.
    assert Client().get("/api/v1/members", headers=_bearer(raw)).status_code == 200
    assert AuditEvent.objects.filter(verb="api_token.created", object_id=str(token.pk), workspace__slug="acme").exists()


@pytest.mark.parametrize(
    ("name", "message"),
    [("", "Name the token"), ("x" * 101, "at most 100 characters"), ("dup", "already have a token named")],
)
def test_bad_token_name_is_a_field_error(client_as, name, message):
    client = client_as("developer")
    _create_on_page(client, "dup")
    response, raw = _create_on_page(client, name)
    assert response.status_code == 400 and raw is None
    assert message in response.content.decode()
    assert ApiToken.objects.count() == 1


def test_page_shows_created_and_last_used(client_as, member):
    token, raw = actions.create_token(actor=member("developer"), workspace=member("developer").memberships.get().workspace, name="script")
    client = client_as("developer")
    assert "never" in client.get("/w/acme/tokens/").content.decode()
    Client().get("/api/v1/members", headers=_bearer(raw))
    token.refresh_from_db()
    html = client.get("/w/acme/tokens/").content.decode()
    assert token.last_used_at.strftime("%Y-%m-%d %H:%M") in html
    assert token.created_at.strftime("%Y-%m-%d %H:%M") in html


def test_revoked_token_gets_401(client_as, member, workspace):
    token, raw = actions.create_token(actor=member("developer"), workspace=workspace, name="laptop")
    assert Client().get("/api/v1/members", headers=_bearer(raw)).status_code == 200
    response = client_as("developer").post(f"/w/acme/tokens/{token.pk}/revoke/", follow=True)
    assert "Revoked the token “laptop”" in response.content.decode()
    denied = Client().get("/api/v1/members", headers=_bearer(raw))
    assert denied.status_code == 401 and denied.json()["error"]["code"] == "unauthenticated"
    assert AuditEvent.objects.filter(verb="api_token.revoked", object_id=str(token.pk)).exists()
    assert "laptop" not in client_as("developer").get("/w/acme/tokens/").content.decode()


@pytest.mark.parametrize("role", ["product_owner", "scrum_master", "developer", "viewer"])
def test_members_see_and_revoke_only_their_own_tokens(client_as, member, workspace, role):
    others, _ = actions.create_token(actor=member("owner"), workspace=workspace, name="owners-secret-script")
    client = client_as(role)
    assert "owners-secret-script" not in client.get("/w/acme/tokens/").content.decode()
    # Someone else's token is not found, so its existence is not disclosed either.
    assert client.post(f"/w/acme/tokens/{others.pk}/revoke/").status_code == 404
    others.refresh_from_db()
    assert others.revoked_at is None


def test_owner_sees_and_revokes_every_members_token(client_as, member, workspace, other_workspace):
    dev_token, raw = actions.create_token(actor=member("developer"), workspace=workspace, name="dev-script")
    from heard.core.models import User

    outsider = User.objects.get(email="owner@globex.example")
    outsider_token, _ = actions.create_token(actor=outsider, workspace=other_workspace, name="globex-script")
    client = client_as("owner")
    html = client.get("/w/acme/tokens/").content.decode()
    assert "Every member" in html and "dev-script" in html and "developer@acme.example" in html
    assert "globex-script" not in html
    assert client.post(f"/w/acme/tokens/{outsider_token.pk}/revoke/").status_code == 404
    assert client.post(f"/w/acme/tokens/{dev_token.pk}/revoke/").status_code == 302
    assert Client().get("/api/v1/members", headers=_bearer(raw)).status_code == 401
    event = AuditEvent.objects.get(verb="api_token.revoked", object_id=str(dev_token.pk))
    assert event.actor_label == "owner@acme.example"


def test_revoking_twice_is_refused_not_a_500(client_as, member, workspace):
    token, _ = actions.create_token(actor=member("viewer"), workspace=workspace, name="once")
    client = client_as("viewer")
    client.post(f"/w/acme/tokens/{token.pk}/revoke/")
    again = client.post(f"/w/acme/tokens/{token.pk}/revoke/")
    assert again.status_code == 409 and "already revoked" in again.content.decode()


# ------------------------------------------------------------------ last used, cheaply


def test_last_used_is_written_at_most_once_a_minute(member, workspace, django_assert_num_queries):
    token, raw = actions.create_token(actor=member("viewer"), workspace=workspace, name="poller")
    from heard.core import queries

    assert queries.user_for_token(raw) is not None
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None
    # Within the minute: one read, no write.
    with django_assert_num_queries(1):
        queries.user_for_token(raw)
    token.refresh_from_db()
    assert token.last_used_at == first
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - timedelta(minutes=2))
    queries.user_for_token(raw)
    token.refresh_from_db()
    assert token.last_used_at > first - timedelta(seconds=1)
    assert token.last_used_at <= timezone.now()


# ------------------------------------------------------------------ API


def test_api_creates_a_token_whose_secret_appears_once(api_as):
    api = api_as("developer")
    created = api.post("/tokens", {"name": "deploy bot"}, workspace="acme")
    assert created.status_code == 201
    body = created.json()
    raw = body["token"]
    assert raw.startswith(body["prefix"]) and body["name"] == "deploy bot" and body["last_used_at"] is None
    listed = api.get("/tokens", workspace="acme").json()
    assert {t["name"] for t in listed["items"]} == {"cli", "deploy bot"}
    assert "token" not in listed["items"][0] and raw not in str(listed)
    assert api.get(f"/tokens/{body['id']}", workspace="acme").json()["name"] == "deploy bot"
    # The new token works on its own.
    assert ApiClient(raw).get("/tokens", workspace="acme").status_code == 200


def test_api_revokes_a_token_which_then_gets_401(api_as, member, workspace):
    token, raw = actions.create_token(actor=member("scrum_master"), workspace=workspace, name="old")
    api = api_as("scrum_master")
    assert api.delete(f"/tokens/{token.pk}", workspace="acme").status_code == 204
    assert ApiClient(raw).get("/members").status_code == 401
    assert api.delete(f"/tokens/{token.pk}", workspace="acme").status_code == 409
    revoked = api.get("/tokens", workspace="acme", include_revoked="true").json()["items"]
    assert any(t["id"] == token.pk and t["revoked_at"] for t in revoked)


def test_a_token_can_revoke_itself(api_as, member):
    api = api_as("viewer")
    own_id = api.get("/tokens", workspace="acme").json()["items"][0]["id"]
    assert api.delete(f"/tokens/{own_id}", workspace="acme").status_code == 204
    assert api.get("/tokens", workspace="acme").status_code == 401


@pytest.mark.parametrize(("payload", "status"), [({"name": ""}, 400), ({"name": "y" * 101}, 400), ({}, 422)])
def test_api_bad_token_name_names_the_field(api_as, payload, status):
    response = api_as("developer").post("/tokens", payload, workspace="acme")
    assert response.status_code == status and response.json()["error"]["field"] == "name"


def test_api_all_tokens_is_for_owners(api_as, member, workspace):
    actions.create_token(actor=member("developer"), workspace=workspace, name="dev-script")
    everyone = api_as("owner").get("/tokens", workspace="acme", all="true")
    assert everyone.status_code == 200
    assert {"developer@acme.example", "owner@acme.example"} <= {t["user_email"] for t in everyone.json()["items"]}
    assert api_as("developer").get("/tokens", workspace="acme", all="true").status_code == 403


@pytest.mark.parametrize("role", ["product_owner", "scrum_master", "developer", "viewer"])
def test_api_members_cannot_touch_others_tokens(api_as, member, workspace, role):
    owners, _ = actions.create_token(actor=member("owner"), workspace=workspace, name="owner-only")
    api = api_as(role)
    assert api.get(f"/tokens/{owners.pk}", workspace="acme").status_code == 404
    assert api.delete(f"/tokens/{owners.pk}", workspace="acme").status_code == 404
    owners.refresh_from_db()
    assert owners.revoked_at is None


def test_owner_revokes_a_members_token_through_the_api(api_as, member, workspace):
    token, raw = actions.create_token(actor=member("developer"), workspace=workspace, name="leaked")
    assert api_as("owner").delete(f"/tokens/{token.pk}", workspace="acme").status_code == 204
    assert ApiClient(raw).get("/members").status_code == 401


def test_a_script_with_a_wrong_token_hears_401_about_its_token_not_csrf(client_as):
    """Unsafe calls check CSRF only for browser sessions: a bad or missing token is a 401."""
    strict = Client(enforce_csrf_checks=True)
    for headers in ({"Authorization": "Bearer not-a-real-token"}, {}):
        denied = strict.post("/api/v1/tokens", {"name": "x"}, content_type="application/json", headers=headers)
        assert denied.status_code == 401, denied.content
        assert denied.json()["error"]["code"] == "unauthenticated"
    # A logged-in browser session without the CSRF token is still refused.
    browser = client_as("owner")
    browser.handler.enforce_csrf_checks = True
    refused = browser.post("/api/v1/tokens", {"name": "x"}, content_type="application/json")
    assert refused.status_code == 403
