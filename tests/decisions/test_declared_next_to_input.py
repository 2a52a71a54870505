"""A conflict-of-interest disclosure is shown next to that person's input wherever it is
evidence in a decision (their feedback, tickets, comments), not only for advisers (issue 13)."""

from __future__ import annotations

import re

from heard.decisions import actions
from heard.participation import actions as participation_actions
from heard.stakeholders import actions as stakeholder_actions


def _row(html: str, anchor: str) -> str:
    match = re.search(rf'<tr id="{anchor}">.*?</tr>', html, re.S)
    assert match, anchor
    return match.group(0)


def test_disclosures_show_next_to_feedback_tickets_and_comments_of_a_decision(decision, customer, regulator, feedback_item, ticket, member, client_as, api_as):
    stakeholder_actions.add_disclosure(actor=None, stakeholder=customer, kind="conflict_of_interest", description="Her brother runs a rival bank-feed service.")
    stakeholder_actions.add_disclosure(actor=None, stakeholder=regulator, kind="incentive", description="Paid advisory seat.")
    on_feedback = actions.add_evidence(actor=None, decision=decision, kind="feedback", ref=feedback_item.pk)
    on_ticket = actions.add_evidence(actor=None, decision=decision, kind="ticket", ref=ticket.pk)
    participation_actions.add_comment(actor=member("owner"), subject=decision, body="Please do it before spring.", stakeholder=customer.pk)

    html = client_as("viewer").get(f"/w/acme/p/app/decisions/{decision.pk}/").content.decode()
    assert "Declared conflict of interest: Her brother runs a rival bank-feed service." in _row(html, f"evidence-{on_feedback.pk}")
    assert "Declared incentive: Paid advisory seat." in _row(html, f"evidence-{on_ticket.pk}")
    comments = html[html.index('id="comments-h"'):]
    assert "Declared conflict of interest: Her brother runs a rival bank-feed service." in comments.split("Please do it before spring.")[0]

    evidence = {e["id"]: e for e in api_as("viewer").get(f"/decisions/{decision.pk}/evidence").json()}
    assert [d["description"] for d in evidence[on_feedback.pk]["declared"]] == ["Her brother runs a rival bank-feed service."]
    assert [d["kind"] for d in evidence[on_ticket.pk]["declared"]] == ["incentive"]


def test_an_ended_disclosure_is_not_shown(decision, customer, feedback_item, client_as):
    from datetime import timedelta

    from django.utils import timezone

    stakeholder_actions.add_disclosure(actor=None, stakeholder=customer, kind="conflict_of_interest", description="Old consultancy contract.", ends_at=timezone.now() - timedelta(days=1))
    actions.add_evidence(actor=None, decision=decision, kind="feedback", ref=feedback_item.pk)
    html = client_as("viewer").get(f"/w/acme/p/app/decisions/{decision.pk}/").content.decode()
    assert "Old consultancy contract." not in html
