"""Representation and anti-patterns where people work: the segments page, the session,
item and decision pages, rotation suggestions when inviting, and the product inbox."""

from datetime import timedelta

import pytest
from django.utils import timezone

from heard.health import queries, rollups
from heard.health.models import Flag


@pytest.fixture
def counted(product, world):
    rollups.refresh(product)
    return world


def _base(product):
    return f"/w/{product.workspace.slug}/p/{product.slug}"


@pytest.mark.django_db
def test_segments_page_shows_share_of_voice_and_seats_against_target(client_as, product, counted):
    body = client_as("viewer").get(f"/w/{product.workspace.slug}/stakeholders/segments/").content.decode()
    assert "Share of voice and of seats against target" in body
    assert "Segment 0" in body and "Share of seats" in body


@pytest.mark.django_db
def test_flagged_objects_show_their_flag_with_evidence_and_advice(client_as, product, counted):
    client = client_as("viewer")
    for flag in Flag.objects.filter(product=product, object_type__in=["session", "backlog_item"]).order_by("rule")[:6]:
        page = {"session": "sessions", "backlog_item": "backlog"}[flag.object_type]
        body = client.get(f"{_base(product)}/{page}/{flag.object_id}/").content.decode()
        assert "Collaboration health flags" in body and flag.get_rule_display() in body
        assert flag.advice.replace("'", "&#x27;")[:40] in body


@pytest.mark.django_db
def test_proxy_only_decision_is_flagged_on_its_page(client_as, product, owner):
    from heard.decisions.models import Decision, DecisionEvidence
    from heard.feedback.actions import record_feedback

    decision = Decision.objects.create(product=product, question="Drop the PDF export?")
    proxy_said = record_feedback(actor=owner, product=product, data={"text": "Customers hate the PDF, I hear."})
    DecisionEvidence.objects.create(decision=decision, kind="feedback", feedback=proxy_said)
    rollups.refresh(product)
    body = client_as("viewer").get(f"{_base(product)}/decisions/{decision.pk}/").content.decode()
    assert "Proxy-only input" in body


@pytest.mark.django_db
def test_rotation_suggests_under_represented_people_with_consent_under_the_cap(product, owner, member):
    from heard.sessions.models import EngagementModel, Participant, Session
    from heard.stakeholders.models import Consent, Segment, Stakeholder

    ws = product.workspace
    EngagementModel.objects.update_or_create(product=product, defaults={"invitations_per_quarter": 1})
    big = Segment.objects.create(workspace=ws, slug="big", name="Enterprise", target_share=50)
    small = Segment.objects.create(workspace=ws, slug="small", name="Small business", target_share=50)
    now = timezone.now()
    regular = Stakeholder.objects.create(workspace=ws, name="Regular Rita", email="r@x.example")
    regular.segments.add(big)
    fresh = Stakeholder.objects.create(workspace=ws, name="Never Nadia", email="n@x.example")
    silent = Stakeholder.objects.create(workspace=ws, name="No-consent Nils", email="s@x.example")
    recent = Stakeholder.objects.create(workspace=ws, name="Recent Ravi", email="rr@x.example")
    for person in (fresh, silent, recent):
        person.segments.add(small)
    for person in (regular, fresh, recent):
        Consent.objects.create(stakeholder=person, purpose="contact", disclosure_text="We may invite you.")
    for days in (30, 20):
        s = Session.objects.create(product=product, title=f"Demo {days}", channel="demo", starts_at=now - timedelta(days=days), ends_at=now - timedelta(days=days) + timedelta(hours=1))
        Participant.objects.create(session=s, stakeholder=regular)
    Participant.objects.create(session=Session.objects.get(title="Demo 20"), stakeholder=recent)
    rollups.refresh(product)
    upcoming = Session.objects.create(product=product, title="Next demo", channel="demo", starts_at=now - timedelta(days=15), ends_at=now - timedelta(days=15) + timedelta(hours=1))
    Participant.objects.create(session=upcoming, stakeholder=regular)
    rotation = queries.rotation_suggestions(member("viewer"), upcoming)
    assert [s.stakeholder.name for s in rotation.over_used] == ["Regular Rita"]
    assert [s.stakeholder.name for s in rotation.invite] == ["Never Nadia"]  # no consent: Nils; invited 5 days before: Ravi
    assert "never invited" in rotation.invite[0].reason and "Small business" in rotation.invite[0].reason


@pytest.mark.django_db
def test_rotation_is_offered_on_the_session_page_to_planners(client_as, product, counted):
    session = counted["sessions"][0]
    body = client_as("scrum_master").get(f"{_base(product)}/sessions/{session.pk}/").content.decode()
    assert "Who else to invite" in body
    assert "Who else to invite" not in client_as("viewer").get(f"{_base(product)}/sessions/{session.pk}/").content.decode()


@pytest.mark.django_db
def test_product_inbox_lists_recent_anti_patterns(member, product, counted):
    from heard.core import inbox

    found = inbox.product_inbox(member("viewer"), product)
    section = next(s for s in found.sections if s.key == "health.anti_patterns")
    recent = Flag.objects.filter(product=product, at__gte=timezone.now() - timedelta(days=90)).exclude(rule="agenda_without_outcome", at__gt=timezone.now())
    assert section.count == recent.count() > 0
    assert section.lines[0].url.startswith("/w/")


@pytest.mark.django_db
def test_last_minute_sign_off_rule(product, owner):
    from heard.backlog.models import AcceptanceCriterion, BacklogItem
    from heard.feedback.models import Feedback, FeedbackLink
    from heard.health.detect import involvement, last_minute_sign_off
    from heard.stakeholders.models import Stakeholder

    item = BacklogItem.objects.create(product=product, title="Bank feeds")
    criterion = AcceptanceCriterion.objects.create(item=item, text="Given a bank, then payments appear.")
    outsider = Stakeholder.objects.create(workspace=product.workspace, name="Outsider Otto")
    writer = Stakeholder.objects.create(workspace=product.workspace, name="Writer Wanda")
    criterion.co_writers.add(writer)
    speaker = Stakeholder.objects.create(workspace=product.workspace, name="Speaker Sam")
    FeedbackLink.objects.create(feedback=Feedback.objects.create(product=product, stakeholder=speaker, text="Need feeds"), backlog_item=item)
    assert involvement(item, writer) == ["co-wrote its acceptance criteria"]
    assert last_minute_sign_off(item, speaker, at=timezone.now()) is None
    flag = last_minute_sign_off(item, outsider, at=timezone.now())
    assert flag.rule == "last_minute_sign_off" and "Outsider Otto" in flag.evidence
