"""`heard createuser`: a member created without a password can still set one by password
reset, and the command cannot demote a workspace's last owner."""

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from heard.core.models import Membership


@pytest.mark.django_db
def test_a_member_created_without_a_password_can_set_one_by_password_reset(client):
    call_command("createuser", "new.person@acme.example", "--workspace", "acme", "--role", "developer", "--no-password")
    response = client.post("/accounts/password-reset/", {"email": "new.person@acme.example"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new.person@acme.example"]
    assert "/accounts/reset/" in mail.outbox[0].body


@pytest.mark.django_db
def test_createuser_refuses_to_demote_the_last_owner():
    call_command("createuser", "boss@acme.example", "--workspace", "acme", "--role", "owner", "--password", "a-long-password-1")
    with pytest.raises(CommandError, match="last owner"):
        call_command("createuser", "boss@acme.example", "--workspace", "acme", "--role", "viewer")
    assert Membership.objects.get(user__email="boss@acme.example").role == "owner"
    call_command("createuser", "second@acme.example", "--workspace", "acme", "--role", "owner", "--password", "a-long-password-2")
    call_command("createuser", "boss@acme.example", "--workspace", "acme", "--role", "viewer")
    assert Membership.objects.get(user__email="boss@acme.example").role == "viewer"
