"""The feedback triage list: inline disposition and bulk actions on selected items, each
through the same action as on the item's own page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from heard.backlog import actions as backlog_actions
from heard.feedback import actions
from heard.feedback.models import Feedback, FeedbackLink
from tests.conftest import axe_serious, press

LIST = "/w/acme/p/app/feedback/"


def _three(product):
    return [
        actions.record_feedback(actor=None, product=product, data={"text": f"The DATEV export rejects invoice {n} with two VAT rates.", "channel": "email"})
        for n in (1, 2, 3)
    ]


@pytest.mark.django_db
def test_bulk_disposition_sets_each_item_through_the_action(client_as, product):
    items = _three(product)
    response = client_as("product_owner").post(f"{LIST}bulk/", {
        "action": "disposition", "items": [f.pk for f in items], "status": "planned", "increment": "2026.2", "next": f"{LIST}?channel=email",
    })
    assert response.status_code == 302 and response["Location"] == f"{LIST}?channel=email"
    for f in Feedback.objects.all():
        assert f.disposition == "planned"
        assert f.disposition_history.latest("at").increment == "2026.2"


@pytest.mark.django_db
def test_a_refused_bulk_disposition_changes_none_and_names_the_field(client_as, product):
    items = _three(product)
    response = client_as("product_owner").post(f"{LIST}bulk/", {"action": "disposition", "items": [f.pk for f in items], "status": "planned"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'class="error-summary"' in html and 'href="#bulk-increment"' in html
    assert f"#{items[0].pk}: Say which increment" in html
    assert set(Feedback.objects.values_list("disposition", flat=True)) == {"new"}
    # The selection survives the refusal.
    assert html.count("checked>") == 3
    nothing = client_as("product_owner").post(f"{LIST}bulk/", {"action": "disposition", "status": "deferred"})
    assert nothing.status_code == 400 and "Select at least one feedback item first." in nothing.content.decode()
    odd = client_as("product_owner").post(f"{LIST}bulk/", {"action": "launch", "items": [items[0].pk]})
    assert odd.status_code == 400 and 'href="#bulk-action"' in odd.content.decode()


@pytest.mark.django_db
def test_bulk_link_and_merge(client_as, product):
    items = _three(product)
    item = backlog_actions.create_item(actor=None, product=product, data={"title": "DATEV export"})
    client = client_as("product_owner")
    linked = client.post(f"{LIST}bulk/", {"action": "link", "items": [f.pk for f in items[:2]], "bulk-target": str(item.pk), "bulk-weight": "3"})
    assert linked.status_code == 302
    assert FeedbackLink.objects.filter(backlog_item=item, weight=3).count() == 2
    merged = client.post(f"{LIST}bulk/", {"action": "merge", "items": [f.pk for f in items]}, follow=True)
    assert "Merged 3 items into #" in merged.content.decode()
    assert Feedback.objects.filter(merged_into__isnull=False).count() == 3
    # A developer may record and link but not dispose: refused, nothing changed.
    refused = client_as("developer").post(f"{LIST}bulk/", {"action": "disposition", "items": [items[0].pk], "status": "deferred"})
    assert refused.status_code == 403


@pytest.mark.django_db
def test_inline_disposition_answers_a_script_with_the_new_chip_or_the_message(client_as, product):
    f = _three(product)[0]
    client = client_as("product_owner")
    ok = client.post(f"{LIST}{f.pk}/disposition/", {"status": "deferred"}, HTTP_HX_REQUEST="true")
    assert ok.status_code == 200 and "chip" in ok.content.decode() and "Deferred" in ok.content.decode()
    bad = client.post(f"{LIST}{f.pk}/disposition/", {"status": "declined"}, HTTP_HX_REQUEST="true")
    assert bad.status_code == 400 and bad.content.decode() == "Give the reason it is declined, in words the customer can read."
    f.refresh_from_db()
    assert f.disposition == "deferred"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_sets_a_disposition_on_three_items_at_once(page, login, product):
    items = _three(product)
    actions.record_feedback(actor=None, product=product, data={"text": "Reminders on public holidays look careless.", "channel": "email"})
    login("product_owner@acme.example")
    page.goto(LIST)
    for f in items:
        page.get_by_label(f"Select #{f.pk}", exact=True).check()
    assert page.locator("[data-selected-count]").text_content() == "3 items selected"
    page.locator("#bulk-status").select_option("deferred")
    press(page, "Set on selected")
    assert "Disposition set to “Deferred” on 3 items." in page.locator(".messages").inner_text()
    assert sorted(Feedback.objects.filter(disposition="deferred").values_list("pk", flat=True)) == sorted(f.pk for f in items)
    assert Feedback.objects.filter(disposition="new").count() == 1
    assert axe_serious(page) == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_inline_disposition_saves_without_leaving_the_list(page, login, product):
    f = _three(product)[0]
    login("product_owner@acme.example")
    page.goto(LIST)
    page.get_by_label(f"Disposition of #{f.pk}", exact=True).select_option("under_review")
    expect(page.locator("[data-triage-status]")).to_contain_text("Saved")
    f.refresh_from_db()
    assert f.disposition == "under_review"
    # Declined needs a reason: the field appears and a refusal is shown next to the control.
    page.get_by_label(f"Disposition of #{f.pk}", exact=True).select_option("declined")
    reason = page.get_by_label(f"Reason #{f.pk} is declined")
    assert reason.is_visible()
    page.get_by_role("button", name=f"Set disposition of #{f.pk}").click()
    # Next to the control (the status line announces it too, so match the inline error itself).
    page.locator("[data-inline-error]", has_text="Give the reason it is declined").wait_for()
    reason.fill("We only support SEPA for now.")
    page.get_by_role("button", name=f"Set disposition of #{f.pk}").click()
    expect(page.locator("[data-triage-status]")).to_contain_text("Declined")
    f.refresh_from_db()
    assert f.disposition == "declined"
