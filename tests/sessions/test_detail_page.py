"""The session page: two columns (plan on the left; status, flags, facts, people, links and
actions on the right), the title, description, objectives and agenda items edited in place
through the update actions, and a plain edit page for each part without JavaScript."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from heard.core.models import AuditEvent
from heard.sessions import actions
from heard.sessions.models import AgendaItem, Objective
from tests.conftest import axe_serious


@pytest.fixture
def plan(session):
    objective = actions.add_objective(actor=None, session=session, data={"question": "Can a clerk export a month?", "outcome_kind": "validate_usability"})
    item = actions.add_agenda_item(actor=None, session=session, data={"title": "Try the export", "timebox_minutes": 20, "objective": objective.pk})
    return session, objective, item


def url(session, tail=""):
    return f"/w/acme/p/app/sessions/{session.pk}/{tail}"


@pytest.mark.django_db
def test_page_has_two_columns_with_facts_and_actions_on_the_right(client_as, plan):
    session, objective, item = plan
    html = client_as("scrum_master").get(url(session)).content.decode()
    main, side = html.split('<aside class="detail-side"', 1)
    assert '<div class="detail">' in main
    assert 'id="objectives-h"' in main and 'id="agenda-h"' in main and 'id="participants-h"' in main
    for heading in ('id="status-h"', 'id="flags-h"', 'id="facts-h"', 'id="people-h"', 'id="links-h"', 'id="actions-h"'):
        assert heading in side
    assert f'id="inline-objective-{objective.pk}-question"' in main and f'id="inline-agenda-{item.pk}-timebox_minutes"' in main
    viewer = client_as("viewer").get(url(session)).content.decode()
    assert "data-inline-form" not in viewer and 'id="actions-h"' not in viewer and "Can a clerk export a month?" in viewer


@pytest.mark.django_db
def test_objective_and_agenda_fields_save_in_place_through_the_update_actions(client_as, plan):
    session, objective, item = plan
    client = client_as("scrum_master")
    ok = client.post(url(session, f"objectives/{objective.pk}/inline/"), {"field": "question", "value": "Can a clerk export a quarter?"}, HTTP_HX_REQUEST="true")
    assert ok.status_code == 200 and ok.content.decode().strip() == "Can a clerk export a quarter?"
    assert Objective.objects.get().question == "Can a clerk export a quarter?"
    assert AuditEvent.objects.filter(verb="objective.updated").count() == 1
    notes = client.post(url(session, f"objectives/{objective.pk}/inline/"), {"field": "evidence_needed", "value": "Two of three\nwithout help"})
    assert notes.status_code == 200 and notes.content.decode().strip() == "Two of three<br>without help"
    longer = client.post(url(session, f"agenda/{item.pk}/inline/"), {"field": "timebox_minutes", "value": "45"})
    assert longer.status_code == 200 and longer.content.decode().strip() == "45"
    assert AgendaItem.objects.get().timebox_minutes == 45
    renamed = client.post(url(session, f"agenda/{item.pk}/inline/"), {"field": "title", "value": "Export a month"})
    assert renamed.status_code == 200 and AgendaItem.objects.get().title == "Export a month"
    title = client.post(url(session, "inline/"), {"field": "title", "value": "Demo of the quarterly export"})
    assert title.status_code == 200 and title.content.decode().strip() == "Demo of the quarterly export"


@pytest.mark.django_db
def test_bad_input_in_place_answers_the_field_message_and_saves_nothing(client_as, plan):
    session, objective, item = plan
    client = client_as("scrum_master")
    too_long = client.post(url(session, f"agenda/{item.pk}/inline/"), {"field": "timebox_minutes", "value": "90"})
    assert too_long.status_code == 400 and too_long.content.decode().startswith("The agenda would take 90 minutes but the session lasts 60")
    word = client.post(url(session, f"agenda/{item.pk}/inline/"), {"field": "timebox_minutes", "value": "soon"})
    assert word.status_code == 400 and word.content.decode() == "Timebox must be a whole number."
    empty = client.post(url(session, f"objectives/{objective.pk}/inline/"), {"field": "question", "value": " "})
    assert empty.status_code == 400 and empty.content.decode() == "Question is required."
    odd = client.post(url(session, f"objectives/{objective.pk}/inline/"), {"field": "position", "value": "9"})
    assert odd.status_code == 400 and "cannot be edited in place" in odd.content.decode()
    assert client_as("developer").post(url(session, f"agenda/{item.pk}/inline/"), {"field": "title", "value": "Mine"}).status_code == 403
    assert (AgendaItem.objects.get().timebox_minutes, AgendaItem.objects.get().title) == (20, "Try the export")
    assert Objective.objects.get().question == "Can a clerk export a month?"


@pytest.mark.django_db
def test_without_javascript_each_part_has_an_edit_page_with_errors_next_to_the_field(client_as, plan):
    session, objective, item = plan
    client = client_as("scrum_master")
    page = client.get(url(session, f"agenda/{item.pk}/edit/"))
    assert page.status_code == 200 and 'value="Try the export"' in page.content.decode()
    refused = client.post(url(session, f"agenda/{item.pk}/edit/"), {"title": "Try the export", "timebox_minutes": "75", "objective": str(objective.pk), "decision": ""})
    assert refused.status_code == 400
    assert "timebox_minutes" in refused.context["form"].errors and "session lasts 60" in refused.content.decode()
    saved = client.post(url(session, f"agenda/{item.pk}/edit/"), {"title": "Try the export", "timebox_minutes": "30", "objective": "", "decision": ""})
    assert saved.status_code == 302 and saved["Location"].endswith(f"/sessions/{session.pk}/#agenda-item-{item.pk}")
    item.refresh_from_db()
    assert item.timebox_minutes == 30 and item.objective is None
    edit = client.get(url(session, f"objectives/{objective.pk}/edit/")).content.decode()
    assert "Can a clerk export a month?" in edit
    client.post(url(session, f"objectives/{objective.pk}/edit/"), {"question": "Can a clerk export a year?", "outcome_kind": "validate_usability", "evidence_needed": "", "decision": ""})
    assert Objective.objects.get().question == "Can a clerk export a year?"
    other = actions.create_session(actor=None, product=session.product, data={"title": "Other", "channel": "demo", "starts_at": "2027-01-01T10:00", "ends_at": "2027-01-01T11:00", "time_zone": "UTC"})
    assert client.get(url(other, f"objectives/{objective.pk}/edit/")).status_code == 404


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_edit_an_objective_and_an_agenda_item_in_place_from_the_keyboard(page, login, plan):
    session, objective, item = plan
    page.set_viewport_size({"width": 1366, "height": 768})
    login("scrum_master@acme.example")
    page.goto(url(session))
    # The essentials of the plan are on the first screen.
    for selector in ("h1", ".when-line", "#objectives-h", f"#objective-{objective.pk}", "#agenda-h", "#status-h", "#flags-h"):
        box = page.locator(selector).first.bounding_box()
        assert box and box["y"] + box["height"] <= 768, selector
    opener = page.get_by_role("link", name="Edit question of objective 1")
    opener.focus()
    page.keyboard.press("Enter")
    field = page.get_by_label("Question", exact=True)
    expect(field).to_be_focused()
    field.fill("")
    field.press("Enter")
    error = page.locator(f"#inline-objective-{objective.pk}-question-error")
    expect(error).to_have_text("Question is required.")
    expect(field).to_have_attribute("aria-invalid", "true")
    field.fill("Can a clerk export a quarter in one go?")
    field.press("Enter")
    expect(page.locator(f"#objective-{objective.pk} .part-question [data-inline-view]")).to_have_text("Can a clerk export a quarter in one go?")
    expect(opener).to_be_focused()
    # Escape leaves the value as it was.
    page.get_by_role("link", name="Edit timebox in minutes of agenda item 1").click()
    minutes = page.get_by_label("Timebox in minutes", exact=True)
    minutes.fill("90")
    minutes.press("Enter")
    expect(page.locator(f"#inline-agenda-{item.pk}-timebox_minutes-error")).to_contain_text("the session lasts 60")
    assert axe_serious(page) == []
    minutes.press("Escape")
    expect(page.get_by_role("link", name="Edit timebox in minutes of agenda item 1")).to_be_focused()
    expect(page.locator(f"#agenda-item-{item.pk} td.num [data-inline-view]")).to_have_text("20")
    page.get_by_role("link", name="Edit timebox in minutes of agenda item 1").click()
    minutes.fill("35")
    minutes.press("Enter")
    expect(page.locator(f"#agenda-item-{item.pk} td.num [data-inline-view]")).to_have_text("35")
    objective.refresh_from_db()
    item.refresh_from_db()
    assert objective.question == "Can a clerk export a quarter in one go?" and item.timebox_minutes == 35
