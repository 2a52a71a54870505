import pytest

from heard.sessions.models import Session
from tests.conftest import axe_serious, press, shown_after_create


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_plan_a_session_in_the_browser(page, login, workspace, product, customer):
    login("scrum_master@acme.example")
    page.goto(f"/w/{workspace.slug}/p/{product.slug}/sessions/new/")
    assert axe_serious(page) == []
    page.get_by_label("Title").fill("Demo: bookkeeping export")
    page.get_by_label("Channel").select_option("demo")
    page.get_by_label("Starts").fill("2027-05-03T15:00")
    page.get_by_label("Ends").fill("2027-05-03T16:00")
    page.get_by_label("Time zone").fill("Europe/Berlin")
    press(page, "Save")
    shown_after_create(page, Session, "sessions")
    assert page.locator('[data-flag="no_customer"]').is_visible()

    page.get_by_text("Add an agenda item").click()
    page.locator("#agenda_title").fill("Open chat")
    page.get_by_label("Timebox (minutes)").fill("15")
    press(page, "Add agenda item")
    assert page.get_by_text("No outcome: serves no objective or decision").is_visible()

    page.get_by_text("Invite someone").click()
    page.get_by_label("Stakeholder").select_option(str(customer.pk))
    page.get_by_label("Decision right").select_option("decides")
    press(page, "Invite")
    assert page.locator('[data-flag="no_customer"]').count() == 0
    assert page.locator('[data-flag="no_decider"]').count() == 0
    assert axe_serious(page) == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_session_pages_have_no_serious_accessibility_violations(page, login, workspace, product, customer):
    from datetime import timedelta

    from heard.sessions import actions

    session = actions.create_session(actor=None, product=product, data={"title": "Review", "channel": "review", "starts_at": "2027-05-03T15:00", "ends_at": "2027-05-03T16:00", "time_zone": "Europe/Berlin"})
    actions.add_agenda_item(actor=None, session=session, data={"title": "Chat", "timebox_minutes": 10})
    actions.add_participant(actor=None, session=session, stakeholder=customer.pk)
    actions.add_pre_read(actor=None, session=session, data={"title": "Summary", "shared_at": session.starts_at - timedelta(hours=3)})
    actions.add_comment(actor=None, session=session, body="Looks fine", stakeholder=customer.pk)
    actions.set_calendar_feed(actor=None, product=product)
    login("owner@acme.example")
    base = f"/w/{workspace.slug}/p/{product.slug}/sessions/"
    for path in ("?when=all", f"{session.pk}/", f"{session.pk}/edit/", f"{session.pk}/publish/", f"{session.pk}/notes/", "engagement/", "glossary/"):
        page.goto(base + path)
        assert page.locator("h1").count() == 1, path
        assert axe_serious(page) == [], path
