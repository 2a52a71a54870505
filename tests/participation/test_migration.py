"""The participation change keeps what people saw: a database holding the demo at the
migration state before the change (sessions 0001, decisions 0003), migrated forward, shows
the same session and decision pages and API answers.

The demo is loaded with today's code and then moved back to the old state, so the old
tables (``added_at``, no ``attendance``, no advice columns on sessions) hold it; the pages
and answers captured before that are compared with the ones after migrating forward again.
"""

from html.parser import HTMLParser

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client

BEFORE_PARTICIPATION = [("heard_sessions", "0001_initial"), ("decisions", "0003_evidence_ticket_in_tickets_app")]


def migrate(targets=None):
    """Move the test database to ``targets`` (default: every app's latest migration) and
    return the app registry of that state."""
    executor = MigrationExecutor(connection)
    targets = targets or executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    executor = MigrationExecutor(connection)
    return executor.loader.project_state(targets).apps


def columns(table: str) -> set[str]:
    with connection.cursor() as cursor:
        return {c.name for c in connection.introspection.get_table_description(cursor, table)}


class _Text(HTMLParser):
    """The words of a page's <main>, as a reader (or a screen reader) gets them."""

    def __init__(self):
        super().__init__()
        self.depth, self.words = 0, []

    def handle_starttag(self, tag, attrs):
        self.depth += tag == "main"

    def handle_endtag(self, tag):
        self.depth -= tag == "main"

    def handle_data(self, data):
        if self.depth:
            self.words += data.split()


def page_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(parser.words)


def capture(client: Client, workspace) -> dict:
    """Every session and decision page of the workspace, and their API answers."""
    from heard.decisions.models import Decision
    from heard.sessions.models import Session

    seen = {}
    for product in workspace.products.order_by("slug"):
        base, api = f"/w/{workspace.slug}/p/{product.slug}", f"/api/v1/%s?workspace={workspace.slug}"
        seen[f"sessions of {product.slug}"] = client.get(api % "sessions" + f"&product={product.slug}&per_page=200").json()
        seen[f"decisions of {product.slug}"] = client.get(api % "decisions" + f"&product={product.slug}&per_page=200").json()
        for kind, model in (("sessions", Session), ("decisions", Decision)):
            for pk in model.objects.filter(product=product).order_by("pk").values_list("pk", flat=True):
                response = client.get(f"{base}/{kind}/{pk}/")
                assert response.status_code == 200
                seen[f"page {kind}/{pk}"] = page_text(response.content.decode())
                for part in ("", "/participants", "/comments"):
                    seen[f"api {kind}/{pk}{part}"] = client.get(api % f"{kind}/{pk}{part}").json()
    return seen


@pytest.mark.django_db(transaction=True)
def test_the_demo_migrated_forward_shows_the_same_pages_and_answers():
    from heard import demo
    from heard.backlog import demo as backlog_demo
    from heard.core.models import User
    from heard.decisions import actions as decision_actions
    from heard.decisions import demo as decisions_demo
    from heard.decisions.models import Decision, DecisionComment, DecisionParticipant
    from heard.feedback import demo as feedback_demo
    from heard.sessions import demo as sessions_demo
    from heard.sessions.models import Comment, Participant
    from heard.tickets import demo as tickets_demo

    # The parts of the demo that sessions and decisions show (closure and the portal add none).
    workspace = demo._team()
    demo._stakeholder_map(workspace)
    for section in (sessions_demo, backlog_demo, feedback_demo, tickets_demo, decisions_demo):
        section.load(workspace)
    open_one = Decision.objects.filter(product__workspace=workspace, open_for_comment=True).first()
    decision_actions.add_comment(actor=None, decision=open_one, stakeholder=workspace.stakeholders.first(), body="Plain words, please.")
    client = Client()
    client.force_login(User.objects.get(email=demo.DEMO_LOGIN))
    before = capture(client, workspace)
    rows = [m.objects.count() for m in (Participant, Comment, DecisionParticipant, DecisionComment)]
    assert all(rows), "the demo has participants and comments on sessions and decisions"
    details = [answer for key, answer in before.items() if key.startswith("api decisions/") and key.count("/") == 1]
    assert any(d["participants"] for d in details) and any(d["disclosures"] for d in details)

    old = migrate(BEFORE_PARTICIPATION)
    assert {"added_at"} <= columns("decisions_decisionparticipant") and "attendance" not in columns("decisions_decisionparticipant")
    assert "advice" not in columns("heard_sessions_participant")
    old_models = [old.get_model(*label) for label in (("heard_sessions", "Participant"), ("heard_sessions", "Comment"), ("decisions", "DecisionParticipant"), ("decisions", "DecisionComment"))]
    assert [m.objects.count() for m in old_models] == rows

    migrate()
    after = capture(client, workspace)
    assert after.keys() == before.keys()
    assert [k for k in before if before[k] != after[k]] == []


@pytest.mark.django_db(transaction=True)
def test_migrating_forward_keeps_each_participant_and_fills_the_new_columns(workspace, product, member, customer):
    from datetime import UTC, datetime

    from heard.decisions import actions as decision_actions
    from heard.decisions.models import DecisionParticipant
    from heard.sessions import actions as session_actions
    from heard.sessions.models import Participant

    when = datetime(2026, 3, 5, 14, 30, tzinfo=UTC)
    session = session_actions.create_session(actor=None, product=product, data={"title": "Demo", "channel": "demo", "starts_at": "2027-01-01T10:00", "ends_at": "2027-01-01T11:00"})
    decision = decision_actions.create_decision(actor=None, product=product, data={"question": "Ship it?"})

    old = migrate(BEFORE_PARTICIPATION)
    OldSessionParticipant = old.get_model("heard_sessions", "Participant")
    OldDecisionParticipant = old.get_model("decisions", "DecisionParticipant")
    OldSessionParticipant.objects.create(session_id=session.pk, stakeholder_id=customer.pk, right="advises", attendance="attended", invited_at=when)
    OldDecisionParticipant.objects.create(decision_id=decision.pk, stakeholder_id=customer.pk, right="advises", required=True, advice="Yes.", weighed_in_at=when, added_at=when)
    OldDecisionParticipant.objects.create(decision_id=decision.pk, user_id=member("owner").pk, right="decides", added_at=when)

    migrate()
    in_session = Participant.objects.get(session=session)
    assert (in_session.stakeholder, in_session.right, in_session.attendance, in_session.invited_at) == (customer, "advises", "attended", when)
    assert (in_session.required, in_session.advice, in_session.weighed_in_at) == (False, "", None)
    adviser, decider = DecisionParticipant.objects.filter(decision=decision).order_by("pk")
    assert (adviser.stakeholder, adviser.required, adviser.advice, adviser.weighed_in_at, adviser.invited_at, adviser.attendance) == (customer, True, "Yes.", when, when, "")
    assert (decider.user, decider.right, decider.invited_at) == (member("owner"), "decides", when)
