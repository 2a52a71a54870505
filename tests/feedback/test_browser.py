import pytest

from heard.feedback.models import Feedback

from ..conftest import axe_serious

MEASURED = "Report generation takes five minutes for 100 records, exceeding the agreed target of two"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_quick_entry_from_the_keyboard_with_live_score(workspace, product, page, login):
    from heard.feedback import actions

    actions.record_feedback(actor=None, product=product, data={"text": "Report generation is slow for large customers"})
    login("developer@acme.example")
    page.goto("/w/acme/p/app/feedback/new/")
    text = page.get_by_label("What they said")
    assert text.evaluate("el => el === document.activeElement")  # focus starts in the text box
    page.keyboard.type("The dashboard feels slow")
    live = page.locator("#live")
    live.get_by_text("Add a measurement").wait_for()
    assert "Quality:" in live.inner_text()
    text.fill("")
    page.keyboard.type(MEASURED)
    live.get_by_text("(high)").wait_for()
    live.get_by_text("Report generation is slow for large customers").wait_for()
    assert axe_serious(page) == []
    # Tab to the Record button and press Enter: no mouse needed.
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "Record":
            break
    page.keyboard.press("Enter")
    page.get_by_text("Recorded feedback").wait_for()
    assert Feedback.objects.filter(text=MEASURED).count() == 1
