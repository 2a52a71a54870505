"""Done when (issue 16, demos): a stakeholder records a verdict per criterion in the portal,
and a team member sees them, per criterion, on the backlog item's page -- in a real browser,
with axe checks."""

import pytest

from heard.demos.models import DemoVerdict
from heard.portal import actions as portal_actions

from ..conftest import axe_serious
from .conftest import demonstration


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_stakeholder_judges_each_criterion_in_the_portal_and_the_team_sees_it(shown, page, login, browser, live_server):
    d1, d2 = demonstration(shown, shown.first), demonstration(shown, shown.second)

    # Alice, in her own browser, through a magic link.
    context = browser.new_context(base_url=live_server.url)
    portal = context.new_page()
    portal.set_default_timeout(10_000)
    portal.goto(portal_actions.issue_link(shown.alice, base_url=live_server.url))
    portal.get_by_role("button", name="Sign in").click()
    portal.get_by_role("heading", name="Hello, Alice Archer").wait_for()
    portal.get_by_role("link", name="Sprint 9 demo").click()
    portal.get_by_role("heading", name="Sprint 9 demo").wait_for()
    assert axe_serious(portal) == []

    first = portal.locator(f"#criterion-{d1.pk}")
    first.get_by_label("Partly fits", exact=True).check()
    first.get_by_label("Note", exact=True).fill("Fine for 100 records; at month-end we have 500.")
    first.get_by_label("Also send my note to the team").check()
    first.get_by_role("button", name="Save my verdict on criterion 1").click()
    portal.get_by_text("Your note reached the team as feedback on it.").wait_for()

    second = portal.locator(f"#criterion-{d2.pk}")
    second.get_by_label("Fits", exact=True).check()
    second.get_by_role("button", name="Save my verdict on criterion 2").click()
    portal.get_by_text("Your verdict on “While it runs").wait_for()
    assert axe_serious(portal) == []
    mine = {v.demonstration.criterion_id: v for v in DemoVerdict.objects.filter(stakeholder=shown.alice).select_related("demonstration")}
    assert mine[shown.first.pk].verdict == "partly_fits" and mine[shown.first.pk].feedback_id and mine[shown.second.pk].verdict == "fits"
    context.close()

    # A team member sees them on the item's page, per criterion.
    login("developer@acme.example")
    page.goto(f"/w/acme/p/app/backlog/{shown.item.pk}/")
    section = page.locator("#demo-verdicts")
    section.get_by_role("heading", name="Demo verdicts and sign-offs").wait_for()
    first_table = section.get_by_role("table", name="Verdicts on criterion 1, oldest first")
    assert "Alice Archer" in first_table.inner_text() and "Partly fits" in first_table.inner_text()
    assert "at month-end we have 500" in first_table.inner_text()
    assert "Fits" in section.get_by_role("table", name="Verdicts on criterion 2, oldest first").inner_text()
    assert axe_serious(page) == []
    # And on the demo page, one column per participant.
    page.get_by_role("link", name="Sprint 9 demo").first.click()
    page.get_by_role("heading", name="Demo: Sprint 9 demo").wait_for()
    matrix = page.get_by_role("table", name="Verdicts on the acceptance criteria of “Monthly report in two minutes”, one column per stakeholder taking part")
    assert "Partly fits" in matrix.inner_text() and "No verdict yet" in matrix.inner_text()
    assert axe_serious(page) == []
