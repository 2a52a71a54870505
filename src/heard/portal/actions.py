"""What happens in the portal: asking for a magic link, signing in with it, giving feedback
and commenting. A stakeholder's input is recorded by the system (``actor=None``) on their
behalf, and arrives where the team already looks: feedback items, session comments,
decision comments.

Magic links: a random token e-mailed once; only its SHA-256 is stored; it expires after
``LINK_MINUTES`` and works once. Requests are limited per address and per IP
(``LINKS_PER_ADDRESS_PER_HOUR``, ``LINKS_PER_IP_PER_HOUR``). The request itself does the same
work whether or not the address belongs to anyone (check the limits, record the request,
queue a task); only the background task looks the address up and sends the e-mail, so
neither the answer nor its timing tells who is a stakeholder.
"""

from __future__ import annotations

import ipaddress
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import connection, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from heard.core import audit, tasks
from heard.core.errors import HeardError, HeardValidationErrors
from heard.core.validation import check_length

from . import queries
from .models import PortalLinkToken, PortalSignInRequest, hash_token

LINK_MINUTES = 30
LINKS_PER_ADDRESS_PER_HOUR = 5
LINKS_PER_IP_PER_HOUR = 5
RATE_WINDOW = timedelta(hours=1)
# Sign-in rows are kept a day: long past what the hourly limits count, short enough that a
# table of who asked for a link does not grow forever.
KEEP_SIGN_INS = timedelta(days=1)
assert KEEP_SIGN_INS >= RATE_WINDOW, "pruning must never remove rows the rate limits still count"
MAX_TEXT = 5000


def _normal_email(raw) -> str:
    return str(raw or "").strip().lower()


def _serialise_requests(email: str, ip: str) -> None:
    """Requests for the same address or from the same network wait for each other, so two at
    the same moment cannot both pass the hourly limit. PostgreSQL: transaction-level advisory
    locks on the two (always in this order, so no two requests wait for each other in a
    circle); SQLite: its IMMEDIATE transactions already let one writer in at a time."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(18512, hashtext(%s))", [email])
            cursor.execute("SELECT pg_advisory_xact_lock(18513, hashtext(%s))", [ip])


def _check_rate(email: str, ip: str) -> None:
    recent = PortalSignInRequest.objects.filter(at__gte=timezone.now() - RATE_WINDOW)
    if recent.filter(email=email).count() >= LINKS_PER_ADDRESS_PER_HOUR or recent.filter(ip=ip).count() >= LINKS_PER_IP_PER_HOUR:
        raise HeardError("rate_limited", "Too many sign-in links were asked for in the last hour. Please wait an hour and try again.")


def _ip_bucket(ip: str) -> str:
    """What the per-IP limit counts: the address, or for IPv6 its /64 network, since one
    household or server usually holds a whole /64 and could otherwise rotate addresses."""
    raw = (ip or "").strip()
    try:
        address = ipaddress.ip_address(raw)
    except ValueError:
        return raw[:45] or "unknown"
    if address.version == 6:
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def issue_link(stakeholder, base_url: str = "") -> str:
    """A new magic link for the stakeholder (full URL). Also used by `heard portal-link`."""
    raw = secrets.token_urlsafe(32)
    PortalLinkToken.objects.create(stakeholder=stakeholder, token_hash=hash_token(raw), expires_at=timezone.now() + timedelta(minutes=LINK_MINUTES))
    return (base_url or settings.BASE_URL).rstrip("/") + reverse("portal:link", kwargs={"token": raw})


def _mail_links(email: str, links: list[tuple[str, str]]) -> None:
    context = {"links": links, "minutes": LINK_MINUTES}
    message = EmailMultiAlternatives(
        subject="Your sign-in link for heard", body=render_to_string("portal/email/link.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL, to=[email],
    )
    message.attach_alternative(render_to_string("portal/email/link.html", context), "text/html")
    message.send()


@transaction.atomic
def request_link(*, email, ip: str, base_url: str = "") -> None:
    """Record a request for a sign-in link and queue the e-mail.

    Deliberately the same work for every valid address: it never looks the address up (the
    task ``send_sign_in_links`` does, after the answer has gone). Raises ``invalid`` for
    something that is not an address and ``rate_limited`` when the address or the IP asked
    too often.
    """
    address = _normal_email(email)
    if not address or "@" not in address or len(address) > 254:
        raise HeardError("invalid", "Enter the e-mail address the team knows you by, like name@example.com.", "email")
    bucket = _ip_bucket(ip)
    _serialise_requests(address, bucket)
    _check_rate(address, bucket)
    sign_in_request = PortalSignInRequest.objects.create(email=address, ip=bucket)
    # Only the request's id goes into the queue: no address in the task table.
    tasks.enqueue("portal.send_sign_in_links", sign_in_request.pk, base_url)


def send_links_for_request(request_id: int, base_url: str = "") -> int:
    """The background half of ``request_link``: e-mail a link to every (not erased)
    stakeholder with the requested address, one e-mail listing one link per workspace.
    Returns how many links were sent (0 for an unknown address)."""
    from heard.stakeholders.models import Stakeholder

    with transaction.atomic():
        sign_in_request = PortalSignInRequest.objects.filter(pk=request_id).first()
        if sign_in_request is None:
            return 0
        people = (Stakeholder.objects.filter(email__iexact=sign_in_request.email, erased_at__isnull=True)
                  .select_related("workspace").order_by("workspace__name"))
        links = [(person.workspace.name, issue_link(person, base_url)) for person in people]
    if links:
        _mail_links(sign_in_request.email, links)
    return len(links)


def prune_sign_ins() -> tuple[int, int]:
    """Delete links used or expired, and requests made, more than ``KEEP_SIGN_INS`` ago.

    Requests of the last day stay, so the hourly limits still count every one of them.
    Returns (links deleted, requests deleted).
    """
    cutoff = timezone.now() - KEEP_SIGN_INS
    links, _ = PortalLinkToken.objects.filter(Q(used_at__lt=cutoff) | Q(expires_at__lt=cutoff)).delete()
    requests, _ = PortalSignInRequest.objects.filter(at__lt=cutoff).delete()
    return links, requests


@transaction.atomic
def redeem_link(raw_token: str):
    """The stakeholder behind a usable link, marking it used; invalid otherwise."""
    token = PortalLinkToken.objects.select_related("stakeholder").filter(token_hash=hash_token(str(raw_token or ""))).first()
    now = timezone.now()
    usable = token is not None and PortalLinkToken.objects.filter(pk=token.pk, used_at__isnull=True, expires_at__gt=now).update(used_at=now) == 1
    if not usable or token.stakeholder.is_erased:
        raise HeardError("invalid", "This sign-in link has expired or was already used. Ask for a new one below.", "token")
    audit.record(actor=f"stakeholder #{token.stakeholder_id} (portal)", workspace=token.stakeholder.workspace, verb="portal.signed_in", target=token.stakeholder)
    return token.stakeholder


def _text(raw, field: str, what: str) -> str:
    text = str(raw or "").replace("\r\n", "\n").strip()
    if not text:
        raise HeardValidationErrors({field: f"Write your {what} first."})
    check_length(text, field, f"Your {what}", MAX_TEXT)
    return text


@transaction.atomic
def give_feedback(*, stakeholder, product, text, job: str = "", environment: str = "", program=None):
    """New feedback from the portal: a written comment by the stakeholder, recorded by the system.
    ``program``: a beta or pilot of ``product`` they take part in, the feedback's context."""
    from heard.feedback import actions as feedback_actions

    if product is None or product.workspace_id != stakeholder.workspace_id:
        raise HeardValidationErrors({"product": "Choose one of the products listed."})
    body = _text(text, "text", "feedback")
    data = {
        "text": body, "stakeholder": str(stakeholder.pk), "channel": "written_comment",
        "job": str(job or "").strip()[:2000], "environment": str(environment or "").strip()[:2000],
    }
    if program is not None:
        if program.product_id != product.pk or not program.participants.filter(stakeholder=stakeholder).exists():
            raise HeardValidationErrors({"program": "You can only tell us about a beta or pilot you take part in."})
        data.update(program=program.pk, channel="beta")
    return feedback_actions.record_feedback(actor=None, product=product, data=data)


@transaction.atomic
def reply_to_note(*, stakeholder, note, body):
    """A reply to a closure note: it reaches the team as the person's feedback, shown on the note."""
    from heard.closure import actions as closure_actions

    note = queries.get_my_note(stakeholder, note.pk)
    return closure_actions.reply_to_note(stakeholder=stakeholder, note=note, text=_text(body, "body", "reply"))


@transaction.atomic
def comment_on_pre_read(*, stakeholder, pre_read, body):
    from heard.sessions import actions as session_actions

    pre_read = queries.get_pre_read(stakeholder, pre_read.pk)
    text = _text(body, "body", "comment")
    return session_actions.add_comment(actor=None, session=pre_read.session, body=text, pre_read=pre_read, stakeholder=stakeholder)


@transaction.atomic
def comment_on_criterion(*, stakeholder, criterion, body):
    """A comment on a draft acceptance criterion arrives as feedback linked to that criterion."""
    from heard.feedback import actions as feedback_actions

    criterion = queries.get_criterion(stakeholder, criterion.pk)
    text = _text(body, "body", "comment")
    feedback = feedback_actions.record_feedback(actor=None, product=criterion.item.product, data={
        "text": text, "stakeholder": str(stakeholder.pk), "channel": "written_comment",
    })
    feedback_actions.link_feedback(actor=None, feedback=feedback, criterion=criterion, weight=2)
    return feedback


@transaction.atomic
def comment_on_decision(*, stakeholder, decision, body):
    try:
        from heard.decisions import actions as decision_actions
    except ImportError:
        decision_actions = None
    if decision_actions is None or not hasattr(decision_actions, "add_comment"):
        raise HeardError("not_found", "Decision was not found.")
    decision = queries.get_decision(stakeholder, decision.pk)
    text = _text(body, "body", "comment")
    return decision_actions.add_comment(actor=None, decision=decision, stakeholder=stakeholder, body=text)
