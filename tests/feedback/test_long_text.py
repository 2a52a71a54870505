"""Long text (issue 10): feedback has limits that a field error explains, on the page and in
the API; unbroken text (5 000 characters, a long URL) wraps instead of widening the page."""

from __future__ import annotations

import pytest

from heard.core.errors import HeardError
from heard.feedback import actions
from heard.feedback.actions import CONTEXT_MAX, TEXT_MAX
from heard.feedback.models import Feedback

UNBROKEN = "x" * 5000
LONG_URL = "https://example.com/" + "/".join(f"segment{i}" for i in range(150))


def test_feedback_text_over_the_limit_is_a_field_error_that_says_by_how_much(product):
    with pytest.raises(HeardError) as exc:
        actions.record_feedback(actor=None, product=product, data={"text": "a" * (TEXT_MAX + 7)})
    assert exc.value.field == "text"
    assert exc.value.message == f"Feedback text: at most {TEXT_MAX:,} characters (you gave {TEXT_MAX + 7:,})."
    with pytest.raises(HeardError) as exc:
        actions.record_feedback(actor=None, product=product, data={"text": "Fine.", "observed": "o" * (CONTEXT_MAX + 1)})
    assert exc.value.field == "observed" and f"at most {CONTEXT_MAX:,} characters" in exc.value.message
    assert actions.record_feedback(actor=None, product=product, data={"text": "a" * TEXT_MAX}).text == "a" * TEXT_MAX


def test_other_free_text_of_feedback_has_limits_too(product):
    item = actions.record_feedback(actor=None, product=product, data={"text": "Exports fail."})
    with pytest.raises(HeardError) as exc:
        actions.set_disposition(actor=None, feedback=item, status="declined", reason="r" * (CONTEXT_MAX + 1))
    assert exc.value.field == "reason"
    other = actions.record_feedback(actor=None, product=product, data={"text": "Exports fail too."})
    with pytest.raises(HeardError) as exc:
        actions.merge_feedback(actor=None, product=product, items=[item, other], text="m" * (TEXT_MAX + 1))
    assert exc.value.field == "text"


def test_the_api_answers_400_with_the_field_and_documents_the_limit(api_as, product):
    api = api_as("developer")
    r = api.post("/feedback", {"product": "app", "text": "a" * (TEXT_MAX + 1)})
    assert r.status_code == 400
    assert r.json()["error"]["field"] == "text" and "at most" in r.json()["error"]["message"]
    document = api.client.get("/api/v1/openapi.json").json()
    ref = document["paths"]["/api/v1/feedback"]["post"]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    schema = document["components"]["schemas"][ref.rsplit("/", 1)[1]]["properties"]
    assert schema["text"]["maxLength"] == TEXT_MAX and schema["observed"]["maxLength"] == CONTEXT_MAX


@pytest.mark.django_db
def test_the_quick_entry_form_shows_the_limit_next_to_the_field(client_as, product):
    client = client_as("developer")
    assert f"At most {TEXT_MAX:,} characters" in client.get("/w/acme/p/app/feedback/new/").content.decode()
    r = client.post("/w/acme/p/app/feedback/new/", {"text": "a" * (TEXT_MAX + 1), "channel": "interview"})
    assert r.status_code == 400
    assert "Feedback text: at most" in r.content.decode()
    assert not Feedback.objects.exists()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_unbroken_long_text_wraps_on_the_list_and_the_detail_page(page, login, product):
    item = actions.record_feedback(actor=None, product=product, data={"text": f"{UNBROKEN} see {LONG_URL}", "observed": LONG_URL, "example": UNBROKEN[:2000]})
    login("viewer@acme.example")
    for path in ("/w/acme/p/app/feedback/", f"/w/acme/p/app/feedback/{item.pk}/"):
        page.goto(path)
        width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        assert width[0] <= width[1], f"{path} is {width[0]} px wide in a {width[1]} px window"


def test_other_free_text_has_limits_a_field_error_explains(product, workspace):
    """Backlog descriptions and criteria, closure notes and portal input are limited too."""
    from heard.backlog import actions as backlog_actions
    from heard.backlog.actions import CRITERION_MAX, DESCRIPTION_MAX

    with pytest.raises(HeardError) as exc:
        backlog_actions.create_item(actor=None, product=product, data={"title": "Bank feeds", "description": "d" * (DESCRIPTION_MAX + 1)})
    assert exc.value.field == "description" and f"at most {DESCRIPTION_MAX:,} characters (you gave {DESCRIPTION_MAX + 1:,})" in exc.value.message
    item = backlog_actions.create_item(actor=None, product=product, data={"title": "Bank feeds"})
    with pytest.raises(HeardError) as exc:
        backlog_actions.add_criterion(actor=None, item=item, data={"text": "c" * (CRITERION_MAX + 1)})
    assert exc.value.field == "text"

    from heard.portal import actions as portal_actions
    from heard.stakeholders import actions as s_actions

    ada = s_actions.create_stakeholder(actor=None, workspace=workspace, data={"name": "Ada", "email": "ada@example.com"})
    with pytest.raises(HeardError) as exc:
        portal_actions.give_feedback(stakeholder=ada, product=product, text="p" * (portal_actions.MAX_TEXT + 1))
    assert exc.value.field == "text" and exc.value.message.startswith("Your feedback: at most")
