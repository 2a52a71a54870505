"""A small product world for closure and portal tests: stakeholders with every contact
situation, feedback with every kind of disposition, shared and unshared backlog items,
sessions open and team-only, and a closure cycle around today."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

from django.utils import timezone

from heard.backlog import actions as backlog_actions
from heard.closure import actions as closure_actions
from heard.feedback import actions as feedback_actions
from heard.sessions import actions as session_actions
from heard.stakeholders import actions as s_actions


def person(workspace, name, email="", consent=True):
    s = s_actions.create_stakeholder(actor=None, workspace=workspace, data={"name": name, "email": email})
    if consent:
        s_actions.grant_consent(actor=None, stakeholder=s, purpose="contact", disclosure_text="We may e-mail you about your feedback.")
    return s


def said(product, who, text, status="", increment="", reason="", item=None, criterion=None):
    f = feedback_actions.record_feedback(actor=None, product=product, data={"text": text, "stakeholder": str(who.pk), "channel": "interview"})
    if item is not None or criterion is not None:
        feedback_actions.link_feedback(actor=None, feedback=f, backlog_item=item, criterion=criterion)
    if status:
        feedback_actions.set_disposition(actor=None, feedback=f, status=status, increment=increment, reason=reason)
    f.refresh_from_db()
    return f


def build_world(workspace, product, other_workspace=None):
    w = SimpleNamespace(workspace=workspace, product=product)
    w.alice = person(workspace, "Alice Archer", "alice@kestrel.example")
    w.bob = person(workspace, "Bob Brand", "bob@pinecrest.example", consent=False)
    w.carol = person(workspace, "Carol Chen", "carol@lindenfeld.example")
    consent = w.carol.consents.get(purpose="contact")
    s_actions.withdraw_consent(actor=None, consent=consent)
    w.dan = person(workspace, "Dan Dorsey", "")

    w.report = backlog_actions.create_item(actor=None, product=product, data={"title": "Faster monthly report", "status": "ready", "increment": "2026.2"})
    w.secret = backlog_actions.create_item(actor=None, product=product, data={"title": "Secret pricing experiment", "status": "ready", "increment": "2026.2"})
    w.feeds = backlog_actions.create_item(actor=None, product=product, data={"title": "Bank feeds", "status": "released", "increment": "2026.1"})
    w.report_draft = backlog_actions.add_criterion(actor=None, item=w.report, data={"text": "The monthly report for 100 records is ready within two minutes."})
    w.secret_draft = backlog_actions.add_criterion(actor=None, item=w.secret, data={"text": "Half of the customers see the new price."})
    closure_actions.set_goal_shared(actor=None, backlog_item=w.report, shared=True)

    w.a_planned = said(product, w.alice, "The monthly report takes five minutes; we need it in two.", "planned", "2026.2", item=w.report)
    w.a_declined = said(product, w.alice, "Please add a dark mode.", "declined", reason="Few customers need it and it would delay the e-invoicing work.")
    w.a_deferred = said(product, w.alice, "Bank payments should match invoices by themselves.", "deferred", reason="After the e-invoicing work.", item=w.feeds)
    w.b_secret = said(product, w.bob, "Our prices feel too high for small firms.", "planned", "2026.2", item=w.secret)
    w.b_feeds = said(product, w.bob, "We match bank payments by hand every week.", "already_done", item=w.feeds)
    w.c_review = said(product, w.carol, "Reminders went out on a public holiday.", "under_review")
    w.d_planned = said(product, w.dan, "Searching old invoices is slow.", "planned", "2026.2", item=w.report)

    now = timezone.now()
    w.cycle = closure_actions.create_cycle(actor=None, product=product, data={
        "name": "2026.2", "starts_on": (now - timedelta(days=30)).date(), "ends_on": (now + timedelta(days=1)).date()})

    def session(title, confidentiality, who):
        s = session_actions.create_session(actor=None, product=product, data={
            "title": title, "channel": "review", "starts_at": (now + timedelta(days=3)).isoformat(timespec="minutes"),
            "ends_at": (now + timedelta(days=3, hours=1)).isoformat(timespec="minutes"), "confidentiality": confidentiality})
        for p in who:
            session_actions.add_participant(actor=None, session=s, stakeholder=str(p.pk))
        pre = session_actions.add_pre_read(actor=None, session=s, data={"title": f"Pre-read: {title}", "body": "Please read this before we meet."})
        session_actions.share_pre_read(actor=None, pre_read=pre)
        return pre

    w.alice_pre_read = session("Report review", "participants", [w.alice])
    w.team_pre_read = session("Pricing strategy", "team", [w.alice, w.bob])
    w.bob_pre_read = session("Small business review", "participants", [w.bob])

    from heard.decisions.models import Decision

    w.open_decision = Decision.objects.create(product=product, question="Should reminders skip public holidays?", open_for_comment=True)
    w.confidential_decision = Decision.objects.create(product=product, question="Which vendor do we drop?", open_for_comment=True, confidential=True)
    w.team_decision = Decision.objects.create(product=product, question="Do we raise prices?")
    w.figure = closure_actions.save_figure(actor=None, product=product, data={"kind": "adoption", "label": "Active customers", "value": "1 240"})
    if other_workspace is not None:
        from heard.core import actions as core_actions

        other_product = core_actions.create_product(actor=None, workspace=other_workspace, slug="app", name="Globex App")
        # The same address in another workspace: a different person as far as heard is concerned.
        w.alice_elsewhere = person(other_workspace, "Alice at Globex", "alice@kestrel.example")
        w.elsewhere_feedback = said(other_product, w.alice_elsewhere, "Globex-only feedback about exports.", "planned", "9.9")
    return w
