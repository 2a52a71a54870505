"""Erasure reaches the audit log: the person's name and e-mail leave every snapshot, and an
export of the erased person finds nothing of them (issue 13, privacy promises)."""

from __future__ import annotations

import json

from heard.core import audit
from heard.core.models import AuditEvent
from heard.feedback import actions as feedback_actions
from heard.stakeholders import actions, queries

NAME, EMAIL = "Zoë Ångström", "zoe.angstrom@example.com"


def _log_text(workspace) -> str:
    rows = AuditEvent.objects.filter(workspace=workspace).values_list("object_repr", "before", "after")
    return json.dumps(list(rows), ensure_ascii=False).lower()


def test_erasure_redacts_name_and_email_from_every_audit_snapshot_and_the_export(workspace, owner, product):
    person = actions.create_stakeholder(actor=owner, workspace=workspace, data={"name": NAME, "email": EMAIL, "notes": "Call after 9", "role_title": "Head of finance"})
    actions.update_stakeholder(actor=owner, stakeholder=person, data={"notes": "Call after 10"})
    actions.grant_consent(actor=owner, stakeholder=person, purpose="contact", disclosure_text=f"We e-mail {NAME} at {EMAIL}.")
    actions.add_disclosure(actor=owner, stakeholder=person, kind="incentive", description="Gift card")
    feedback_actions.record_feedback(actor=owner, product=product, data={"stakeholder": person.pk, "text": f"{NAME} said exports fail every Monday."})
    bystander = actions.create_stakeholder(actor=owner, workspace=workspace, data={"name": "Alsop Zoëfield", "notes": "Also a customer"})
    assert NAME.lower() in _log_text(workspace) and EMAIL in _log_text(workspace)
    verbs_before = list(AuditEvent.objects.filter(workspace=workspace).order_by("pk").values_list("verb", flat=True))

    actions.erase_stakeholder(actor=owner, stakeholder=person, reason="request #7")

    text = _log_text(workspace)
    for secret in (NAME.lower(), EMAIL, "call after", "head of finance", "ångström"):
        assert secret not in text, secret
    # What happened stays: every event is still there, with its verb; only personal data went.
    verbs_after = list(AuditEvent.objects.filter(workspace=workspace).order_by("pk").values_list("verb", flat=True))
    assert verbs_after[: len(verbs_before)] == verbs_before and verbs_after[-1] == "stakeholder.erased"
    created = AuditEvent.objects.get(verb="stakeholder.created", object_id=str(person.pk))
    assert created.after["name"] == audit.REDACTED and created.after["email"] == audit.REDACTED
    # Someone else's events are untouched (names match as whole words only).
    other = AuditEvent.objects.get(verb="stakeholder.created", object_id=str(bystander.pk))
    assert other.after["name"] == "Alsop Zoëfield" and other.after["notes"] == "Also a customer"
    export = json.dumps(queries.export_stakeholder(owner, person), ensure_ascii=False).lower()
    for secret in (NAME.lower(), EMAIL, "call after"):
        assert secret not in export, secret
