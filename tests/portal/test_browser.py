"""Done when: a product owner closes a cycle, reviews and sends closure notes, and a
stakeholder opens the magic link, reads what became of their feedback and comments on an
open draft -- in a real browser, with axe checks on the portal pages."""

import re

import pytest
from django.core import mail

from heard.closure.models import ClosureNote
from heard.feedback.models import Feedback
from tests.closure.world import build_world

from ..conftest import axe_serious


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_close_review_send_then_the_stakeholder_reads_and_comments(workspace, product, other_workspace, page, login, browser, live_server):
    world = build_world(workspace, product, other_workspace)
    login("product_owner@acme.example")
    page.goto(f"/w/acme/p/app/closure/{world.cycle.pk}/")
    page.get_by_role("button", name="Close cycle and draft notes").click()
    page.get_by_text("4 drafted").wait_for()
    page.get_by_role("link", name="Alice Archer").click()
    page.get_by_role("heading", name="Plain-language check").wait_for()
    body = page.get_by_label("Note")
    body.fill(body.input_value().replace("Thank you for taking the time.", "Thank you for your time."))
    page.get_by_role("button", name="Save and mark reviewed").click()
    page.get_by_text("marked reviewed").wait_for()
    page.get_by_role("link", name="Back to cycle 2026.2").click()
    page.get_by_role("button", name="Send 1 reviewed note").click()
    page.get_by_text("1 sent, 0 not e-mailed, 3 still waiting for review").wait_for()
    note = ClosureNote.objects.get(cycle=world.cycle, stakeholder=world.alice)
    assert note.status == "sent" and "Thank you for your time." in note.body
    assert [m.to for m in mail.outbox] == [["alice@kestrel.example"]]
    assert f"/portal/notes/{note.pk}/" in mail.outbox[0].body

    # The stakeholder, in their own browser.
    context = browser.new_context(base_url=live_server.url)
    portal = context.new_page()
    portal.set_default_timeout(10_000)
    portal.goto("/portal/")
    assert axe_serious(portal) == []
    portal.get_by_label("Your e-mail address").fill("alice@kestrel.example")
    portal.get_by_role("button", name="E-mail me a sign-in link").click()
    portal.get_by_role("heading", name="Check your e-mail").wait_for()
    link = re.search(r"http://[^\s]+/portal/link/[^\s]+/", mail.outbox[-1].body).group(0)
    portal.goto(link)
    portal.get_by_role("button", name="Sign in").click()
    portal.get_by_role("heading", name="Hello, Alice Archer").wait_for()
    assert axe_serious(portal) == []
    overview = portal.locator("main").inner_text()
    assert "Please add a dark mode." in overview and "Our prices feel too high" not in overview

    portal.get_by_role("link", name=note.subject).click()
    portal.get_by_role("heading", name=note.subject).wait_for()
    assert "What will not change, and why" in portal.locator("main").inner_text()
    assert axe_serious(portal) == []
    portal.get_by_role("button", name="I have read this").click()
    portal.get_by_text("Acknowledged").first.wait_for()
    note.refresh_from_db()
    assert note.opened_at and note.acknowledged_at

    portal.get_by_role("link", name="Back to your overview").click()
    portal.get_by_role("link", name="Please add a dark mode.").click()
    assert "delay the e-invoicing work" in portal.locator("main").inner_text()
    assert axe_serious(portal) == []
    portal.go_back()
    portal.get_by_role("link", name=re.compile("The monthly report for 100 records")).click()
    portal.get_by_label("Your comment").fill("Two minutes is fine; please also test with 500 records.")
    portal.get_by_role("button", name="Send comment").click()
    portal.get_by_text("Your comment reached the team.").wait_for()
    assert axe_serious(portal) == []
    comment = Feedback.objects.get(text="Two minutes is fine; please also test with 500 records.")
    assert comment.stakeholder_id == world.alice.pk and comment.channel == "written_comment"
    assert comment.links.get().criterion_id == world.report_draft.pk
    context.close()
