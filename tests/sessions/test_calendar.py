import zoneinfo
from datetime import timedelta

from icalendar import Calendar

from heard.sessions import actions


def test_a_session_downloads_as_a_valid_calendar_event_in_its_time_zone(client_as, workspace, product, session):
    actions.add_objective(actor=None, session=session, data={"question": "Does the export fit month-end?"})
    response = client_as("viewer").get(f"/w/{workspace.slug}/p/{product.slug}/sessions/{session.pk}/session.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    cal = Calendar.from_ical(response.content)
    assert cal["VERSION"] == "2.0" and cal["PRODID"]
    events = cal.walk("VEVENT")
    assert len(events) == 1
    event = events[0]
    start = event.decoded("DTSTART")
    assert start == session.starts_at
    assert str(start.tzinfo) == "Europe/Berlin" or getattr(start.tzinfo, "key", "") == "Europe/Berlin"
    assert event.decoded("DTEND") - start == timedelta(hours=1)
    assert "Demo of the export" in str(event["SUMMARY"])
    assert "Does the export fit month-end?" in str(event["DESCRIPTION"])
    assert str(event["UID"]).startswith(f"session-{session.pk}@")
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Europe/Berlin"]


def test_team_only_sessions_show_no_details_in_calendars(client_as, workspace, product, session):
    actions.update_session(actor=None, session=session, data={"confidentiality": "team", "description": "Pricing secrets"})
    body = client_as("viewer").get(f"/w/{workspace.slug}/p/{product.slug}/sessions/{session.pk}/session.ics").content
    event = Calendar.from_ical(body).walk("VEVENT")[0]
    assert "DESCRIPTION" not in event and event["CLASS"] == "PRIVATE"


def test_the_product_feed_is_subscribable_by_secret_link(client, workspace, product, session, when):
    second = actions.create_session(actor=None, product=product, data={"title": "Interview", "channel": "interview", "starts_at": "2027-02-01T09:00", "ends_at": "2027-02-01T10:00", "time_zone": "Asia/Tokyo"})
    url = f"/w/{workspace.slug}/p/{product.slug}/sessions/feed/"
    assert client.get(url + "nothing.ics").status_code == 404
    token = actions.set_calendar_feed(actor=None, product=product).feed_token
    response = client.get(url + f"{token}.ics")  # no login: calendar apps cannot log in
    assert response.status_code == 200
    cal = Calendar.from_ical(response.content)
    starts = {str(e["SUMMARY"]): e.decoded("DTSTART") for e in cal.walk("VEVENT")}
    assert starts["Demo of the export (Demo)"] == session.starts_at
    assert starts["Interview (Interview)"] == second.starts_at
    assert starts["Interview (Interview)"].astimezone(zoneinfo.ZoneInfo("UTC")).hour == 0
    assert {tz["TZID"] for tz in cal.walk("VTIMEZONE")} == {"Europe/Berlin", "Asia/Tokyo"}
    # Resetting the link makes the old one stop working.
    actions.set_calendar_feed(actor=None, product=product)
    assert client.get(url + f"{token}.ics").status_code == 404
