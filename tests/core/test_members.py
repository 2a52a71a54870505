"""Members: the page and /api/v1/members, invitations by e-mail, roles, the last-owner rule."""

import re

import pytest
from django.core import mail
from django.test import Client

from heard.core.models import AuditEvent, Membership, User
from tests.conftest import PASSWORD, axe_serious, press

ROLES_BUT_OWNER = ["product_owner", "scrum_master", "developer", "viewer"]


def _membership(email, ws="acme"):
    return Membership.objects.get(user__email=email, workspace__slug=ws)


# ------------------------------------------------------------------ page: list and permissions


@pytest.mark.parametrize("role", ["owner", *ROLES_BUT_OWNER])
def test_every_member_sees_the_list_with_roles(client_as, role):
    page = client_as(role).get("/w/acme/members/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "scrum_master@acme.example" in html and "Product owner" in html
    assert ("Add member" in html) == (role == "owner")


def test_outsider_gets_not_found(other_workspace):
    client = Client()
    client.login(username="owner@globex.example", password=PASSWORD)
    assert client.get("/w/acme/members/").status_code == 404


@pytest.mark.parametrize("role", ROLES_BUT_OWNER)
def test_only_an_owner_changes_members(client_as, role, member):
    client = client_as(role)
    viewer = _membership("viewer@acme.example")
    assert client.post("/w/acme/members/", {"email": "new@acme.example", "role": "viewer"}).status_code == 403
    assert client.post(f"/w/acme/members/{viewer.pk}/role/", {"role": "owner"}).status_code == 403
    assert client.post(f"/w/acme/members/{viewer.pk}/remove/").status_code == 403
    assert not User.objects.filter(email="new@acme.example").exists()
    assert _membership("viewer@acme.example").role == "viewer"


# ------------------------------------------------------------------ page: adding


def test_owner_invites_a_new_person_who_sets_a_password_and_signs_in(client_as, django_capture_on_commit_callbacks):
    owner = client_as("owner")
    with django_capture_on_commit_callbacks(execute=True):
        response = owner.post("/w/acme/members/", {"email": " Grace@Example.org ", "name": "Grace", "role": "developer"}, follow=True)
    assert "Added grace@example.org as Developer" in response.content.decode()
    membership = _membership("grace@example.org")
    assert membership.role == "developer" and membership.user.name == "Grace"
    assert [m.to for m in mail.outbox] == [["grace@example.org"]]
    message = mail.outbox[0]
    assert "Acme" in message.subject and "Developer" in message.body
    link = re.search(r"https?://[^/\s]+(/accounts/reset/\S+/)", message.body).group(1)

    newcomer = Client()
    form_page = newcomer.get(link, follow=True)
    assert "Choose a new password" in form_page.content.decode()
    newcomer.post(form_page.redirect_chain[-1][0], {"new_password1": "a-fresh-passphrase-42", "new_password2": "a-fresh-passphrase-42"})
    assert Client().login(username="grace@example.org", password="a-fresh-passphrase-42")
    verbs = set(AuditEvent.objects.filter(workspace__slug="acme").values_list("verb", flat=True))
    assert {"user.created", "membership.created"} <= verbs


def test_a_lost_invitation_can_be_replaced_by_forgot_password(client_as, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client_as("owner").post("/w/acme/members/", {"email": "lost@example.org", "role": "viewer"})
    mail.outbox.clear()
    Client().post("/accounts/password-reset/", {"email": "lost@example.org"})
    assert [m.to for m in mail.outbox] == [["lost@example.org"]]


def test_a_known_person_is_invited_and_joins_only_when_they_accept(client_as, other_workspace, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as("owner").post("/w/acme/members/", {"email": "owner@globex.example", "role": "viewer"}, follow=True)
    assert "they join when they accept" in response.content.decode()
    assert not Membership.objects.filter(user__email="owner@globex.example", workspace__slug="acme").exists()
    assert "owner@globex.example" in client_as("owner").get("/w/acme/members/").content.decode()  # listed as invited
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert "invites you" in body and "/w/acme/invitation/" in body and "/accounts/reset/" not in body
    # Nothing of acme answers to them yet; their password did not change.
    invited = Client()
    assert invited.login(username="owner@globex.example", password=PASSWORD)
    assert invited.get("/w/acme/").status_code == 404
    page = invited.get("/w/acme/invitation/")
    assert page.status_code == 200 and "Accept and join" in page.content.decode()
    invited.post("/w/acme/invitation/", {"answer": "accept"})
    assert _membership("owner@globex.example").role == "viewer"
    assert AuditEvent.objects.filter(verb="invitation.accepted", workspace__slug="acme").exists()
    assert invited.get("/w/acme/invitation/").status_code == 404  # answered


def test_a_declined_or_cancelled_invitation_adds_nobody(client_as, other_workspace, api_as):
    api = api_as("owner")
    answer = api.post("/members", {"email": "owner@globex.example", "role": "developer"}, workspace="acme")
    assert answer.status_code == 202 and answer.json()["status"] == "pending"
    again = api.post("/members", {"email": "owner@globex.example", "role": "developer"}, workspace="acme")
    assert again.status_code == 409 and again.json()["error"]["field"] == "email"
    invited = Client()
    assert invited.login(username="owner@globex.example", password=PASSWORD)
    invited.post("/w/acme/invitation/", {"answer": "decline"})
    assert not Membership.objects.filter(user__email="owner@globex.example", workspace__slug="acme").exists()
    assert api.get("/invitations", workspace="acme").json() == []
    second = api.post("/members", {"email": "owner@globex.example", "role": "viewer"}, workspace="acme").json()
    assert [i["id"] for i in api.get("/invitations", workspace="acme").json()] == [second["id"]]
    assert api.delete(f"/invitations/{second['id']}", workspace="acme").status_code == 204
    assert invited.post("/w/acme/invitation/", {"answer": "accept"}).status_code == 404
    assert not Membership.objects.filter(user__email="owner@globex.example", workspace__slug="acme").exists()


def test_another_workspaces_owner_cannot_reach_a_persons_tokens_by_inviting_them(workspace, other_workspace, member, api_as):
    """The attack of issue 13: globex's owner adds acme's developer to globex, then lists and
    revokes their tokens. Now the developer is only invited, and their acme token is neither
    listed nor revocable from globex, even after they accept."""
    from heard.core import actions
    from heard.core.models import ApiToken
    from tests.conftest import ApiClient

    dev = member("developer")
    acme_token, _ = actions.create_token(actor=dev, workspace=workspace, name="acme ci")
    globex = ApiClient(actions.issue_token(actor=None, user=User.objects.get(email="owner@globex.example"), workspace=other_workspace))
    assert globex.post("/members", {"email": dev.email, "role": "viewer"}).status_code == 202
    assert globex.get(f"/tokens/{acme_token.pk}").status_code == 404
    actions.accept_invitation(actor=dev, invitation=dev.invitations.get())
    assert "acme ci" not in [t["name"] for t in globex.get("/tokens", all="true").json()["items"]]
    assert globex.delete(f"/tokens/{acme_token.pk}").status_code == 404
    assert ApiToken.objects.get(pk=acme_token.pk).revoked_at is None


@pytest.mark.parametrize(
    ("data", "field_text"),
    [
        ({"email": "not-an-address", "role": "viewer"}, "is not a valid e-mail address"),
        ({"email": "", "role": "viewer"}, "Enter the e-mail address"),
        ({"email": "developer@acme.example", "role": "viewer"}, "already a member"),
        ({"email": "x@example.org", "role": "emperor"}, "emperor"),
    ],
)
def test_bad_input_is_a_field_error_not_a_500(client_as, data, field_text):
    response = client_as("owner").post("/w/acme/members/", data)
    assert response.status_code == 400
    html = response.content.decode()
    assert field_text in html
    assert "errorlist" in html  # shown next to the field by Django's form rendering
    assert not mail.outbox
    assert _membership("developer@acme.example").role == "developer"


# ------------------------------------------------------------------ page: roles and removal


def test_owner_changes_a_role_with_an_audit_event(client_as):
    developer = _membership("developer@acme.example")
    response = client_as("owner").post(f"/w/acme/members/{developer.pk}/role/", {"role": "scrum_master"}, follow=True)
    assert "is now Scrum master" in response.content.decode()
    assert _membership("developer@acme.example").role == "scrum_master"
    event = AuditEvent.objects.get(verb="membership.role_changed", object_id=str(developer.pk))
    assert event.actor_label == "owner@acme.example"
    assert event.before["role"] == "developer" and event.after["role"] == "scrum_master"


def test_the_last_owner_can_be_neither_demoted_nor_removed(client_as):
    owner = _membership("owner@acme.example")
    client = client_as("owner")
    demote = client.post(f"/w/acme/members/{owner.pk}/role/", {"role": "viewer"})
    assert demote.status_code == 400
    html = demote.content.decode()
    assert "last owner" in html and f'aria-describedby="role-{owner.pk}-error"' in html
    remove = client.post(f"/w/acme/members/{owner.pk}/remove/")
    assert remove.status_code == 400 and "last owner" in remove.content.decode()
    assert _membership("owner@acme.example").role == "owner"


def test_with_a_second_owner_the_first_may_step_down(client_as):
    client = client_as("owner")
    po = _membership("product_owner@acme.example")
    client.post(f"/w/acme/members/{po.pk}/role/", {"role": "owner"})
    me = _membership("owner@acme.example")
    assert client.post(f"/w/acme/members/{me.pk}/role/", {"role": "developer"}).status_code == 302
    assert _membership("owner@acme.example").role == "developer"
    # Now a developer, the former owner may no longer manage members.
    assert client.post(f"/w/acme/members/{po.pk}/role/", {"role": "viewer"}).status_code == 403


def test_owner_removes_a_member_who_then_loses_access(client_as):
    viewer_client = client_as("viewer")
    viewer = _membership("viewer@acme.example")
    response = client_as("owner").post(f"/w/acme/members/{viewer.pk}/remove/", follow=True)
    assert "Removed viewer@acme.example" in response.content.decode()
    assert not Membership.objects.filter(pk=viewer.pk).exists()
    assert AuditEvent.objects.filter(verb="membership.removed", object_id=str(viewer.pk)).exists()
    assert viewer_client.get("/w/acme/").status_code == 404


def test_a_member_of_another_workspace_cannot_be_changed_from_here(client_as, other_workspace):
    theirs = _membership("owner@globex.example", ws="globex")
    assert client_as("owner").post(f"/w/acme/members/{theirs.pk}/remove/").status_code == 404
    assert Membership.objects.filter(pk=theirs.pk).exists()


# ------------------------------------------------------------------ API


def test_api_lists_members_paginated(api_as):
    response = api_as("viewer").get("/members", workspace="acme", per_page=2)
    assert response.status_code == 200
    body = response.json()
    assert body["total"] == 5 and body["pages"] == 3 and len(body["items"]) == 2
    assert set(body["items"][0]) >= {"id", "email", "name", "role", "role_label", "created_at"}


def test_api_adds_changes_and_removes_a_member(api_as, django_capture_on_commit_callbacks):
    api = api_as("owner")
    with django_capture_on_commit_callbacks(execute=True):
        created = api.post("/members", {"email": "ada@example.org", "role": "viewer", "name": "Ada"}, workspace="acme")
    assert created.status_code == 201, created.content
    member_id = created.json()["id"]
    assert created.json()["email"] == "ada@example.org" and len(mail.outbox) == 1
    changed = api.patch(f"/members/{member_id}", {"role": "developer"}, workspace="acme")
    assert changed.status_code == 200 and changed.json()["role"] == "developer"
    assert api.delete(f"/members/{member_id}", workspace="acme").status_code == 204
    assert api.get(f"/members/{member_id}", workspace="acme").status_code == 404


@pytest.mark.parametrize(
    ("data", "status", "field"),
    [
        ({"email": "nope", "role": "viewer"}, 400, "email"),
        ({"email": "developer@acme.example", "role": "viewer"}, 409, "email"),
        ({"email": "x@example.org", "role": "boss"}, 400, "role"),
        ({"role": "viewer"}, 422, "email"),
    ],
)
def test_api_bad_member_input_names_the_field(api_as, data, status, field):
    response = api_as("owner").post("/members", data, workspace="acme")
    assert response.status_code == status
    assert response.json()["error"]["field"] == field


def test_api_last_owner_rule(api_as):
    owner_id = _membership("owner@acme.example").pk
    api = api_as("owner")
    demote = api.patch(f"/members/{owner_id}", {"role": "viewer"}, workspace="acme")
    assert demote.status_code == 409 and demote.json()["error"]["field"] == "role"
    assert "last owner" in demote.json()["error"]["message"]
    remove = api.delete(f"/members/{owner_id}", workspace="acme")
    assert remove.status_code == 409 and remove.json()["error"]["field"] == "member"


@pytest.mark.parametrize("role", ROLES_BUT_OWNER)
def test_api_only_owners_manage_members(api_as, role):
    api = api_as(role)
    viewer_id = _membership("viewer@acme.example").pk
    assert api.post("/members", {"email": "z@example.org", "role": "viewer"}, workspace="acme").status_code == 403
    assert api.patch(f"/members/{viewer_id}", {"role": "owner"}, workspace="acme").status_code == 403
    assert api.delete(f"/members/{viewer_id}", workspace="acme").status_code == 403


# ------------------------------------------------------------------ browser


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_owner_adds_a_member_and_creates_a_token_in_the_browser(workspace, page, login):
    login("owner@acme.example")
    page.get_by_role("link", name="Members", exact=True).click()
    page.wait_for_url("**/w/acme/members/")
    page.get_by_label("E-mail", exact=True).fill("newcomer@example.org")
    page.get_by_label("Role", exact=True).select_option("developer")
    press(page, "Add member")
    assert page.get_by_text("Added newcomer@example.org as Developer").is_visible()
    assert page.get_by_role("cell", name="newcomer@example.org", exact=True).is_visible()
    assert axe_serious(page) == []
    assert [m.to for m in mail.outbox] == [["newcomer@example.org"]]

    page.get_by_role("link", name="API tokens", exact=True).first.click()
    page.wait_for_url("**/w/acme/tokens/")
    page.get_by_label("Token name").fill("CI pipeline")
    press(page, "Create token")
    secret = page.get_by_label("Token", exact=True).input_value()
    assert secret.startswith("hrd_")
    assert page.get_by_role("rowheader", name="CI pipeline").first.is_visible()
    assert axe_serious(page) == []
    assert Client().get("/api/v1/members", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
