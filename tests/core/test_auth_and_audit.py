import re

import pytest
from django.core import mail
from django.test import Client

from heard.core import actions
from heard.core.models import AuditEvent
from tests.conftest import PASSWORD


def test_login_and_logout(workspace):
    client = Client()
    bad = client.post("/accounts/login/", {"username": "owner@acme.example", "password": "wrong"})
    assert bad.status_code == 200 and "Please enter a correct" in bad.content.decode()
    response = client.post("/accounts/login/", {"username": "owner@acme.example", "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == "/w/acme/"
    assert "Acme" in response.content.decode()
    client.post("/accounts/logout/")
    assert client.get("/w/acme/").status_code == 302


def test_password_reset_by_email(workspace):
    client = Client()
    client.post("/accounts/password-reset/", {"email": "developer@acme.example"})
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["developer@acme.example"]
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", message.body).group(1)
    form_page = client.get(link, follow=True)
    set_url = form_page.redirect_chain[-1][0]
    client.post(set_url, {"new_password1": "a-brand-new-passphrase", "new_password2": "a-brand-new-passphrase"})
    assert Client().login(username="developer@acme.example", password="a-brand-new-passphrase")


def test_unknown_address_gets_no_mail_and_no_hint(workspace):
    response = Client().post("/accounts/password-reset/", {"email": "nobody@acme.example"}, follow=True)
    assert response.status_code == 200 and not mail.outbox


def test_bearer_token_authenticates_the_api(workspace, member, client):
    raw = actions.issue_token(actor=None, user=member("viewer"))
    assert raw.startswith("hrd_")
    ok = client.get("/api/v1/stakeholders", headers={"Authorization": f"Bearer {raw}"})
    assert ok.status_code == 200
    from heard.core.models import ApiToken

    token = ApiToken.objects.get()
    assert token.key_hash != raw and raw not in token.key_hash  # only the hash is stored
    assert token.last_used_at is not None


def test_session_login_also_reaches_the_api(client_as):
    assert client_as("viewer").get("/api/v1/stakeholders").status_code == 200


def test_every_action_writes_an_audit_event(workspace, owner):
    from heard.stakeholders import actions as sh

    person = sh.create_stakeholder(actor=owner, workspace=workspace, data={"name": "Ada"})
    sh.update_stakeholder(actor=owner, stakeholder=person, data={"influence": 5})
    verbs = list(AuditEvent.objects.filter(object_type="stakeholders.stakeholder").order_by("at", "pk").values_list("verb", flat=True))
    assert verbs == ["stakeholder.created", "stakeholder.updated"]


def test_owner_reads_the_audit_log_filtered_by_object_and_person(workspace, owner, member, client_as):
    from heard.stakeholders import actions as sh

    a = sh.create_stakeholder(actor=owner, workspace=workspace, data={"name": "Ada"})
    sh.create_stakeholder(actor=member("scrum_master"), workspace=workspace, data={"name": "Bob"})
    client = client_as("owner")
    page = client.get("/w/acme/audit/", {"object_type": "stakeholders.stakeholder", "object_id": a.pk}).content.decode()
    assert "stakeholder.created" in page and "Ada" in page and "Bob" not in page
    page = client.get("/w/acme/audit/", {"person": "scrum_master@"}).content.decode()
    assert "Bob" in page and ">Ada<" not in page
    assert client_as("product_owner").get("/w/acme/audit/").status_code == 403


def test_heard_error_is_a_page_message_not_a_500(client_as):
    response = client_as("viewer").get("/w/acme/stakeholders/new/")
    assert response.status_code == 403
    assert "may not do this" in response.content.decode()


@pytest.mark.parametrize("role", ["owner", "product_owner", "scrum_master", "developer", "viewer"])
def test_every_role_can_see_the_workspace(client_as, role):
    assert client_as(role).get("/w/acme/").status_code == 200
