"""E-mail to team members: the invitation to a new account and the note that someone was
added to a workspace. Actions send these from ``transaction.on_commit``, so a rolled-back
change e-mails nobody."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from .models import Invitation, Membership


def set_password_url(user) -> str:
    """The same one-time link that "forgot password" sends, so one page sets every password."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return settings.BASE_URL + reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token})


def _context(membership: Membership, inviter: str) -> dict:
    return {
        "membership": membership,
        "workspace": membership.workspace,
        "user": membership.user,
        "role": membership.get_role_display(),
        "inviter": inviter,
        "workspace_url": settings.BASE_URL + reverse("workspace", kwargs={"ws": membership.workspace.slug}),
        "login_url": settings.BASE_URL + reverse("login"),
        "reset_days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
    }


def _membership(pk: int) -> Membership | None:
    return Membership.objects.select_related("user", "workspace").filter(pk=pk).first()


def send_invitation(membership_pk: int, inviter: str) -> None:
    membership = _membership(membership_pk)
    if membership is None:  # removed again before the e-mail went out
        return
    context = _context(membership, inviter) | {"set_password_url": set_password_url(membership.user)}
    send_mail(
        subject=f"You are invited to {membership.workspace.name} on heard",
        message=render_to_string("core/email/invitation.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[membership.user.email],
    )


def send_added(membership_pk: int, inviter: str) -> None:
    membership = _membership(membership_pk)
    if membership is None:
        return
    send_mail(
        subject=f"You were added to {membership.workspace.name} on heard",
        message=render_to_string("core/email/added.txt", _context(membership, inviter)),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[membership.user.email],
    )


class ConsoleSummaryBackend:
    """Prints one line per message (recipients, subject and the links in its text) instead
    of the whole message, so a laptop or the demo shows what was sent without flooding the
    console. Used when no SMTP host is set; ``HEARD_EMAIL_CONSOLE=full`` prints whole messages."""

    def __init__(self, fail_silently=False, stream=None, **kwargs):
        import sys

        self.fail_silently = fail_silently
        self.stream = stream or sys.stdout

    def open(self):
        return False

    def close(self):
        pass

    def send_messages(self, messages) -> int:
        import re

        for message in messages:
            links = list(dict.fromkeys(re.findall(r"https?://\S+", message.body or "")))
            line = f"[e-mail] to {', '.join(message.to)}: “{message.subject}”"
            if links:
                line += " — " + " ".join(links)
            self.stream.write(line + "\n")
        self.stream.flush()
        return len(messages)


def send_join_invitation(invitation_pk: int, inviter: str) -> None:
    """To someone who already has an account: an invitation to accept or decline."""
    invitation = Invitation.objects.select_related("user", "workspace").filter(pk=invitation_pk).first()
    if invitation is None or not invitation.is_pending:
        return
    context = {
        "user": invitation.user, "workspace": invitation.workspace, "role": invitation.get_role_display(), "inviter": inviter,
        "answer_url": settings.BASE_URL + reverse("core:invitation", kwargs={"ws": invitation.workspace.slug}),
    }
    send_mail(
        subject=f"{inviter} invites you to {invitation.workspace.name} on heard",
        message=render_to_string("core/email/join_invitation.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[invitation.user.email],
    )
