import pytest

from heard.decisions.models import Decision, DecisionStatus
from tests.conftest import axe_serious, press, shown_after_create


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_record_a_decision_with_an_adviser_and_evidence_then_decide(page, login, workspace, product, customer, feedback_item, member):
    login("product_owner@acme.example")
    base = f"/w/{workspace.slug}/p/{product.slug}/decisions/"
    page.goto(base + "new/")
    assert axe_serious(page) == []
    page.get_by_label("Question").fill("Do we build native bank feeds?")
    page.get_by_label("Criteria").fill("Cuts month-end work\nKeeps payment data safe")
    press(page, "Save")
    decision = shown_after_create(page, Decision, "decisions")
    assert page.locator('[data-flag="no_decider"]').is_visible()

    page.locator("summary", has_text="Add an option").click()
    page.locator("#option_title").fill("Build native bank feeds")
    page.locator("#option_cost").fill("Two sprints")
    press(page, "Add option")

    page.locator("summary", has_text="Link evidence").click()
    page.get_by_label("Kind of evidence").select_option("feedback")
    page.locator("#evidence_ref").fill(str(feedback_item.pk))
    page.get_by_label("Why it matters").fill("A clerk loses a day a month.")
    press(page, "Link evidence")
    assert page.get_by_text("A clerk loses a day a month.").is_visible()

    page.locator("summary", has_text="Add a person").click()
    page.locator("#participant_stakeholder").select_option(str(customer.pk))
    page.locator("#participant_right").select_option("advises")
    page.get_by_label("Required adviser").check()
    press(page, "Add person")
    page.locator("summary", has_text="Add a person").click()
    page.locator("#participant_user").select_option(str(member("product_owner").pk))
    page.locator("#participant_right").select_option("decides")
    press(page, "Add person")
    assert page.locator('[data-flag="no_decider"]').count() == 0

    page.get_by_label("Build native bank feeds").check()
    page.get_by_label("Rationale: because …").fill("Because clerks lose a day every month matching payments by hand.")
    press(page, "Record the decision")
    assert page.get_by_role("alert").filter(has_text="Ada Customer has not weighed in yet").is_visible()

    page.get_by_label("Advice of Ada Customer").fill("Please build it; I copy bank lines by hand.")
    press(page, "Record advice of Ada Customer")
    page.get_by_label("Build native bank feeds").check()
    page.get_by_label("Rationale: because …").fill("Because clerks lose a day every month matching payments by hand.")
    press(page, "Record the decision")
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.DECIDED
    assert page.locator('[data-status="decided"]').is_visible()
    assert page.get_by_text("Plain language of the rationale").is_visible()
    assert axe_serious(page) == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_decision_pages_have_no_serious_accessibility_violations(page, login, workspace, product, decision, option, forum, customer):
    from heard.decisions import actions

    actions.add_participant(actor=None, decision=decision, stakeholder=customer.pk, right="advises", required=True)
    actions.escalate(actor=None, decision=decision, forum=forum.pk, reason="Disagreement")
    login("owner@acme.example")
    base = f"/w/{workspace.slug}/p/{product.slug}/decisions/"
    for path in ("", f"{decision.pk}/", f"{decision.pk}/edit/", "forums/", "forums/new/", f"forums/{forum.pk}/edit/"):
        page.goto(base + path)
        assert page.locator("h1").count() == 1, path
        assert axe_serious(page) == [], path
