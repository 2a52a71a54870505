"""E-mail for closure and enablement notes, through Django's mail framework.

Actions call ``deliver_*`` inside ``transaction.on_commit`` so a rolled-back send e-mails
nobody. A delivery that fails is written on the row (``delivery_error``) for the team to see.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

logger = logging.getLogger(__name__)


def portal_url(path: str = "") -> str:
    return settings.BASE_URL + (path or reverse("portal:start"))


def _message(subject: str, context: dict, stakeholder, template: str) -> EmailMultiAlternatives:
    with timezone.override(stakeholder.zone):  # times in the reader's zone
        text = render_to_string(f"closure/email/{template}.txt", context)
        html = render_to_string(f"closure/email/{template}.html", context)
    message = EmailMultiAlternatives(subject=subject, body=text, from_email=settings.DEFAULT_FROM_EMAIL, to=[stakeholder.email])
    message.attach_alternative(html, "text/html")
    return message


def _send(rows, build, model) -> None:
    connection = get_connection()
    for row in rows:
        try:
            connection.send_messages([build(row)])
        except Exception as exc:  # noqa: BLE001 -- the SMTP server's refusal must not lose the others
            logger.warning("Could not e-mail %s #%s: %s", model.__name__, row.pk, exc)
            model.objects.filter(pk=row.pk).update(delivery_error=str(exc)[:300])
    connection.close()


def deliver_closure_notes(note_ids: list[int]) -> None:
    from .models import ClosureNote

    notes = ClosureNote.objects.filter(pk__in=note_ids).select_related("stakeholder", "cycle__product")

    def build(note):
        url = portal_url(reverse("portal:note", kwargs={"pk": note.pk}))
        return _message(note.subject, {"note": note, "url": url}, note.stakeholder, "closure_note")

    _send(list(notes), build, ClosureNote)


def deliver_enablement(delivery_ids: list[int]) -> None:
    from .models import EnablementDelivery

    deliveries = EnablementDelivery.objects.filter(pk__in=delivery_ids).select_related("stakeholder", "note__backlog_item__product")

    def build(delivery):
        url = portal_url(reverse("portal:enablement", kwargs={"pk": delivery.pk}))
        subject = f"{delivery.note.get_kind_display()}: {delivery.note.title}"
        return _message(subject, {"delivery": delivery, "note": delivery.note, "url": url}, delivery.stakeholder, "enablement")

    _send(list(deliveries), build, EnablementDelivery)
