"""The team's demo pages, the backlog item's verdicts, the portal's own-verdict pages and the
command line: what people see, field errors next to the field, and nothing leaking."""

from io import StringIO

import pytest
from django.core.management import call_command

from heard.demos import actions
from heard.demos.models import DemoVerdict, SignOff
from tests.portal.helpers import portal_client

from .conftest import demonstration


def text(response) -> str:
    import re

    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


@pytest.mark.django_db
def test_plan_a_demo_and_record_a_verdict_on_the_team_pages(world, client_as):
    po = client_as("product_owner")
    base = f"/w/acme/p/app/demos/{world.session.pk}/"
    r = po.post(base + "criteria/", {"item": str(world.item.pk), "device": "phone", "connectivity": "offline", "data_volume": "30 signatures"})
    assert r.status_code == 302
    page = po.get(base)
    assert page.status_code == 200
    body = text(page)
    assert "30 signatures · Phone · Offline, reconnecting later" in body and "No verdict yet" in body
    d1 = demonstration(world, world.first)
    r = po.post(base + f"criteria/{d1.pk}/verdicts/", {f"v{d1.pk}-stakeholder": str(world.alice.pk), f"v{d1.pk}-verdict": "partly_fits",
                                                      f"v{d1.pk}-note": "Needs 500 records.", f"v{d1.pk}-as_feedback": "on"})
    assert r.status_code == 302
    verdict = DemoVerdict.objects.get()
    assert verdict.feedback_id and verdict.recorded_by.email == "product_owner@acme.example"
    body = text(po.get(base))
    assert "Partly fits" in body and f"Feedback #{verdict.feedback_id}" in body
    item_page = text(po.get(f"/w/acme/p/app/backlog/{world.item.pk}/"))
    assert "Demo verdicts and sign-offs" in item_page and "Needs 500 records." in item_page and "Sprint 9 demo" in item_page
    assert "Demos" in text(po.get("/w/acme/p/app/demos/")) and "Sprint 9 demo" in text(po.get("/w/acme/p/app/demos/"))


@pytest.mark.django_db
def test_errors_show_next_to_the_field(shown, client_as):
    po = client_as("product_owner")
    base = f"/w/acme/p/app/demos/{shown.session.pk}/"
    d1 = demonstration(shown, shown.first)
    r = po.post(base + f"criteria/{d1.pk}/verdicts/", {f"v{d1.pk}-stakeholder": str(shown.alice.pk), f"v{d1.pk}-verdict": "fits", f"v{d1.pk}-as_feedback": "on"})
    assert r.status_code == 400
    html = r.content.decode()
    assert f'id="v{d1.pk}-as_feedback_error"' in html or "Only a verdict of" in html
    assert "Only a verdict of “partly fits” or “does not fit” becomes feedback" in text(r)
    r = po.post(base + "criteria/", {"item": ""})
    assert r.status_code == 400 and "Choose the backlog item to demonstrate." in text(r)
    r = po.post(f"/w/acme/p/app/demos/items/{shown.item.pk}/sign-off/", {"stakeholder": "", "at": "soon"})
    assert r.status_code == 400 and "Choose the stakeholder." in text(r) and "is not a date" in text(r)
    r = po.post(base + f"criteria/{d1.pk}/", {"device": "fridge"})
    assert r.status_code == 400
    assert po.get("/w/acme/p/app/demos/999999/").status_code == 404
    assert po.get(base + "criteria/999999/").status_code == 404


@pytest.mark.django_db
def test_sign_off_on_the_team_pages_shows_the_last_minute_flag(shown, client_as):
    dev = client_as("developer")
    r = dev.post(f"/w/acme/p/app/demos/items/{shown.item.pk}/sign-off/", {"stakeholder": str(shown.outsider.pk), "note": "Procurement says yes."})
    assert r.status_code == 302 and SignOff.objects.get().last_minute
    item_page = text(dev.get(f"/w/acme/p/app/backlog/{shown.item.pk}/"))
    assert "Last-minute sign-off" in item_page and "Last-minute: never involved before" in item_page
    demo_page = text(dev.get(f"/w/acme/p/app/demos/{shown.session.pk}/"))
    assert "Last-minute sign-off" in demo_page and "Olga Outsider signed it off" in demo_page


@pytest.mark.django_db
def test_viewers_read_but_are_offered_no_forms(shown, client_as):
    viewer = client_as("viewer")
    page = viewer.get(f"/w/acme/p/app/demos/{shown.session.pk}/")
    assert page.status_code == 200 and "Record a verdict" not in text(page) and "Demonstrate a backlog item" not in text(page)
    d1 = demonstration(shown, shown.first)
    r = viewer.post(f"/w/acme/p/app/demos/{shown.session.pk}/criteria/{d1.pk}/verdicts/", {f"v{d1.pk}-stakeholder": str(shown.alice.pk), f"v{d1.pk}-verdict": "fits"})
    assert r.status_code == 403 and not DemoVerdict.objects.exists()


@pytest.mark.django_db
def test_the_portal_shows_only_my_demos_and_takes_my_own_verdicts(shown, workspace, product):
    d1 = demonstration(shown, shown.first)
    actions.record_verdict(actor=None, demonstration=d1, stakeholder=shown.bob.pk, verdict="does_not_fit", note="Bob's private view")
    alice = portal_client(shown.alice)
    home = text(alice.get("/portal/me/"))
    assert "Demos you took part in" in home and "2 of 2 waiting for your verdict" in home
    page = alice.get(f"/portal/demos/{shown.session.pk}/")
    assert page.status_code == 200 and "Bob's private view" not in text(page) and "Bob Baker" not in text(page)
    r = alice.post(f"/portal/demos/{shown.session.pk}/criteria/{d1.pk}/", {f"v{d1.pk}-verdict": "does_not_fit", f"v{d1.pk}-note": "", f"v{d1.pk}-as_feedback": "on"})
    assert r.status_code == 400 and "becomes the feedback on this criterion" in text(r)
    r = alice.post(f"/portal/demos/{shown.session.pk}/criteria/{d1.pk}/", {f"v{d1.pk}-verdict": "does_not_fit", f"v{d1.pk}-note": "Too slow for us.", f"v{d1.pk}-as_feedback": "on"})
    assert r.status_code == 302
    mine = DemoVerdict.objects.get(stakeholder=shown.alice)
    assert mine.from_portal and mine.recorded_by is None and mine.feedback.links.get().criterion == shown.first
    assert DemoVerdict.objects.get(stakeholder=shown.bob).verdict == "does_not_fit"  # untouched
    assert "1 of 2 waiting" in text(alice.get("/portal/me/"))
    r = alice.post(f"/portal/demos/{shown.session.pk}/items/{shown.item.pk}/sign-off/", {f"s{shown.item.pk}-note": "Fine by me."})
    assert r.status_code == 302 and not SignOff.objects.get(stakeholder=shown.alice).last_minute
    # Someone who does not take part, a team-only demo, and the team's pages: not found.
    outsider = portal_client(shown.outsider)
    assert outsider.get(f"/portal/demos/{shown.session.pk}/").status_code == 404
    assert outsider.post(f"/portal/demos/{shown.session.pk}/criteria/{d1.pk}/", {f"v{d1.pk}-verdict": "fits"}).status_code == 404
    assert not DemoVerdict.objects.filter(stakeholder=shown.outsider).exists()
    from heard.sessions import actions as session_actions

    session_actions.update_session(actor=None, session=shown.session, data={"confidentiality": "team"})
    assert alice.get(f"/portal/demos/{shown.session.pk}/").status_code == 404
    assert alice.get(f"/w/acme/p/app/demos/{shown.session.pk}/").status_code == 302  # to the team's login


@pytest.mark.django_db
def test_portal_pages_need_a_portal_session(shown):
    from django.test import Client

    r = Client().get(f"/portal/demos/{shown.session.pk}/")
    assert r.status_code == 302 and r["Location"].startswith("/portal/")


@pytest.mark.django_db
def test_the_command_line(shown):
    d1 = demonstration(shown, shown.first)
    actions.record_verdict(actor=None, demonstration=d1, stakeholder=shown.alice.pk, verdict="partly_fits", note="500 records")
    actions.sign_off(actor=None, item=shown.item, stakeholder=shown.outsider.pk)
    out = StringIO()
    call_command("demos", "list", "acme/app", stdout=out)
    assert "Sprint 9 demo" in out.getvalue() and "2 criteria" in out.getvalue() and "1 verdicts" in out.getvalue()
    out = StringIO()
    call_command("demos", "verdicts", str(shown.session.pk), stdout=out)
    lines = out.getvalue()
    assert "Alice Archer: Partly fits – 500 records" in lines and "Bob Baker: no verdict yet" in lines and "LAST-MINUTE" in lines
    out = StringIO()
    call_command("demos", "verdicts", str(shown.session.pk), "--json", stdout=out)
    import json

    data = json.loads(out.getvalue())
    assert data["items"][0]["criteria"][0]["verdicts"] == {"Alice Archer": "partly_fits", "Bob Baker": None}
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="session"):
        call_command("demos", "verdicts", "abc", stdout=StringIO())
    with pytest.raises(CommandError):
        call_command("demos", "list", "nope/nothing", stdout=StringIO())


@pytest.mark.django_db
def test_the_stakeholders_page_lists_their_verdicts_and_sign_offs(shown, client_as):
    actions.record_verdict(actor=None, demonstration=demonstration(shown, shown.first), stakeholder=shown.alice.pk, verdict="fits")
    actions.sign_off(actor=None, item=shown.item, stakeholder=shown.alice.pk)
    page = text(client_as("viewer").get(f"/w/acme/stakeholders/{shown.alice.pk}/"))
    assert "Demo verdicts" in page and "Fits" in page and "Signed off" in page and "Sprint 9 demo" in page


@pytest.mark.django_db
def test_sign_off_from_the_demo_page_returns_there(shown, client_as):
    po = client_as("product_owner")
    p = f"s{shown.item.pk}"
    r = po.post(f"/w/acme/p/app/demos/items/{shown.item.pk}/sign-off/", {"prefix": p, "next": f"demo:{shown.session.pk}",
                                                                        f"{p}-stakeholder": str(shown.bob.pk), f"{p}-session": str(shown.session.pk)})
    assert r.status_code == 302 and r["Location"] == f"/w/acme/p/app/demos/{shown.session.pk}/#item-{shown.item.pk}"
    signed = SignOff.objects.get()
    assert signed.session == shown.session and not signed.last_minute
    r = po.post(f"/w/acme/p/app/demos/items/{shown.item.pk}/sign-off/", {"prefix": p, f"{p}-stakeholder": str(shown.bob.pk)})
    assert r.status_code == 400 and "already signed off" in text(r)
