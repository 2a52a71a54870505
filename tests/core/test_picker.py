"""The search-as-you-type picker: one query endpoint over the kinds each app registers,
whose values the forms accept as they are (so a form works the same without JavaScript)."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from heard.backlog import actions as backlog_actions
from heard.core import actions as core_actions
from heard.decisions import actions as decision_actions
from heard.feedback import actions as feedback_actions
from heard.themes.models import Theme
from heard.tickets.models import Ticket

pytestmark = pytest.mark.django_db
HX = {"HX-Request": "true"}


@pytest.fixture
def things(product, workspace):
    other = core_actions.create_product(actor=None, workspace=workspace, slug="other", name="Other App")
    return {
        "export": feedback_actions.record_feedback(actor=None, product=product, data={"text": "The year-end export takes an hour."}),
        "reminder": feedback_actions.record_feedback(actor=None, product=product, data={"text": "Reminders arrive on holidays."}),
        "elsewhere": feedback_actions.record_feedback(actor=None, product=other, data={"text": "Export in the other app is fine."}),
        "ticket": Ticket.objects.create(product=product, source="zendesk", external_id="SUP-88", subject="Export button greyed out", created_at=timezone.now(), content_hash="x"),
        "theme": Theme.objects.create(product=product, name="Exports time out", size=12),
        "item": backlog_actions.create_item(actor=None, product=product, data={"title": "Faster exports", "external_key": "INV-7"}),
        "decision": decision_actions.create_decision(actor=None, product=product, data={"question": "Cap export size?"}),
    }


def _options(response) -> list[tuple[str, str]]:
    return re.findall(r'role="option"[^>]*data-value="([^"]*)" data-label="([^"]*)"', response.content.decode())


def test_each_kind_finds_by_words_and_by_number_within_the_product(things, client_as):
    client = client_as("viewer")
    found = _options(client.get("/w/acme/p/app/pick/", {"kind": "feedback", "q": "export"}, headers=HX))
    assert found == [(str(things["export"].pk), f"#{things['export'].pk} The year-end export takes an hour.")]
    by_number = _options(client.get("/w/acme/p/app/pick/", {"kind": "feedback", "q": f"#{things['reminder'].pk}"}, headers=HX))
    assert [v for v, _ in by_number] == [str(things["reminder"].pk)]
    assert _options(client.get("/w/acme/p/app/pick/", {"kind": "feedback", "q": str(things["elsewhere"].pk)}, headers=HX)) == []
    assert _options(client.get("/w/acme/p/app/pick/", {"kind": "ticket", "q": "greyed"}, headers=HX)) == [("SUP-88", "#SUP-88 Export button greyed out")]
    assert _options(client.get("/w/acme/p/app/pick/", {"kind": "theme", "q": "time out"}, headers=HX)) == [(str(things["theme"].pk), "Exports time out")]
    assert _options(client.get("/w/acme/p/app/pick/", {"kind": "backlog_item", "q": "faster"}, headers=HX)) == [("INV-7", "INV-7 Faster exports")]
    assert _options(client.get("/w/acme/p/app/pick/", {"kind": "decision", "q": "cap"}, headers=HX)) == [(str(things["decision"].pk), "Cap export size?")]


def test_the_field_named_by_name_is_the_query_and_the_listbox_counts(things, client_as):
    response = client_as("viewer").get("/w/acme/p/app/pick/", {"kind": "feedback", "name": "ref", "ref": "reminders", "id": "evidence_ref"}, headers=HX)
    html = response.content.decode()
    assert 'id="evidence_ref_listbox"' in html and 'data-count="1"' in html and 'id="evidence_ref_option_1"' in html


def test_without_javascript_the_endpoint_is_a_page_to_look_numbers_up(things, client_as):
    html = client_as("viewer").get("/w/acme/p/app/pick/", {"kind": "ticket", "q": "export"}).content.decode()
    assert "<h1>Find a number in Acme App</h1>" in html and "<code>SUP-88</code>" in html


def test_bad_kind_is_a_400_with_the_kinds_and_outsiders_get_404(things, client_as, other_workspace):
    response = client_as("viewer").get("/w/acme/p/app/pick/", {"kind": "planets", "q": "x"}, headers=HX)
    assert response.status_code == 400 and "Unknown kind “planets”" in response.content.decode()
    from django.test import Client

    from tests.conftest import PASSWORD

    outsider = Client()
    assert outsider.login(username="owner@globex.example", password=PASSWORD)
    assert outsider.get("/w/acme/p/app/pick/", {"kind": "feedback"}, headers=HX).status_code == 404


def test_decision_evidence_takes_the_picked_values(things, client_as):
    client = client_as("product_owner")
    decision = things["decision"]
    page = client.get(f"/w/acme/p/app/decisions/{decision.pk}/").content.decode()
    assert 'role="combobox"' in page and 'hx-include="#evidence_kind"' in page
    for kind, value in (("feedback", str(things["export"].pk)), ("ticket", "SUP-88"), ("backlog_item", "INV-7")):
        response = client.post(f"/w/acme/p/app/decisions/{decision.pk}/evidence/", {"kind": kind, "ref": value, "note": ""})
        assert response.status_code == 302, response.content.decode()[:500]
    assert decision.evidence.count() == 3


def test_backlog_item_links_feedback_with_the_picker(things, client_as):
    client = client_as("developer")
    item = things["item"]
    page = client.get(f"/w/acme/p/app/backlog/{item.pk}/").content.decode()
    assert 'id="link_feedback"' in page and 'role="combobox"' in page
    response = client.post(f"/w/acme/p/app/backlog/{item.pk}/feedback-links/", {"feedback": f"#{things['export'].pk}", "weight": "3"})
    assert response.status_code == 302
    link = things["export"].links.get()
    assert link.backlog_item_id == item.pk and link.weight == 3
    wrong = client.post(f"/w/acme/p/app/backlog/{item.pk}/feedback-links/", {"feedback": str(things["elsewhere"].pk), "weight": "2"})
    assert wrong.status_code == 400
    assert f"No feedback “{things['elsewhere'].pk}” in Acme App" in wrong.content.decode()
    assert client_as("viewer").post(f"/w/acme/p/app/backlog/{item.pk}/feedback-links/", {"feedback": "1"}).status_code == 403


def test_backlog_items_and_decisions_link_a_theme_with_the_picker(things, client_as):
    client = client_as("scrum_master")
    item, decision, theme = things["item"], things["decision"], things["theme"]
    page = client.get(f"/w/acme/p/app/backlog/{item.pk}/").content.decode()
    assert 'id="theme_link_theme"' in page and "kind=theme" in page
    done = client.post("/w/acme/p/app/support/themes/link/", {"theme": f"#{theme.pk}", "weight": "3", "target": "backlog_item", "target_id": item.pk})
    assert done.status_code == 302 and done["Location"] == f"/w/acme/p/app/backlog/{item.pk}/"
    done = client.post("/w/acme/p/app/support/themes/link/", {"theme": str(theme.pk), "weight": "1", "target": "decision", "target_id": decision.pk})
    assert done["Location"] == f"/w/acme/p/app/decisions/{decision.pk}/"
    assert sorted((link.weight, bool(link.backlog_item_id)) for link in theme.links.all()) == [(1, False), (3, True)]
    refused = client.post("/w/acme/p/app/support/themes/link/", {"theme": "999999", "weight": "2", "target": "decision", "target_id": decision.pk})
    assert refused.status_code == 400 and "No theme “999999” in Acme App" in refused.content.decode()
    # A developer may not edit themes: no form, and the action refuses.
    assert 'id="theme_link_theme"' not in client_as("developer").get(f"/w/acme/p/app/backlog/{item.pk}/").content.decode()
    assert client_as("developer").post("/w/acme/p/app/support/themes/link/", {"theme": str(theme.pk), "weight": "2", "target": "decision", "target_id": decision.pk}).status_code == 403


def test_the_feedback_page_links_to_an_item_or_criterion_with_the_picker(things, client_as):
    client = client_as("developer")
    item, export = things["item"], things["export"]
    backlog_actions.add_criterion(actor=None, item=item, data={"text": "A year of invoices exports within a minute."})
    second = backlog_actions.add_criterion(actor=None, item=item, data={"text": "The export names the tax period."})
    page = client.get(f"/w/acme/p/app/feedback/{export.pk}/").content.decode()
    assert 'name="target"' in page and 'role="combobox"' in page and "kind=backlog_target" in page
    assert 'value="item:' not in page  # no longer a select of every item and criterion
    # An item named exactly lists it with its criteria, numbered as on the item's page.
    found = _options(client.get("/w/acme/p/app/pick/", {"kind": "backlog_target", "q": "inv-7"}, headers=HX))
    assert [v for v, _ in found] == ["INV-7", "INV-7/1", "INV-7/2"]
    assert found[2][1] == "Criterion 2: The export names the tax period."
    # Words find items and criteria.
    assert [v for v, _ in _options(client.get("/w/acme/p/app/pick/", {"kind": "backlog_target", "q": "tax period"}, headers=HX))] == ["INV-7/2"]
    # The picked values are what the form takes.
    assert client.post(f"/w/acme/p/app/feedback/{export.pk}/links/", {"target": "INV-7/2", "weight": "3"}).status_code == 302
    assert client.post(f"/w/acme/p/app/feedback/{export.pk}/links/", {"target": f"#{item.pk}", "weight": "1"}).status_code == 302
    assert {(ln.backlog_item_id, ln.criterion_id, ln.weight) for ln in export.links.all()} == {(None, second.pk, 3), (item.pk, None, 1)}
    # A reference that names nothing is explained next to the field.
    for ref, message in (("INV-99", "No backlog item “INV-99” in this product"), ("INV-7/5", "has 2 acceptance criteria; there is no criterion 5")):
        response = client.post(f"/w/acme/p/app/feedback/{export.pk}/links/", {"target": ref, "weight": "2"})
        assert response.status_code == 400 and message in response.content.decode()
        assert message in " ".join(response.context["link_form"].errors["target"])


def test_the_merge_form_picks_several_items(things, client_as):
    client = client_as("product_owner")
    export, reminder = things["export"], things["reminder"]
    page = client.get(f"/w/acme/p/app/feedback/{export.pk}/").content.decode()
    merge = page.split('id="merge-dialog"')[1].split("</dialog>")[0]
    assert "data-picker-multiple" in merge and "kind=feedback" in merge and "multiple=1" in merge
    # Only the words after the last comma are searched: the ones being typed.
    found = _options(client.get("/w/acme/p/app/pick/", {"kind": "feedback", "name": "items", "items": f"{export.pk}, remind", "multiple": "1"}, headers=HX))
    assert [v for v, _ in found] == [str(reminder.pk)]
    response = client.post(f"/w/acme/p/app/feedback/{export.pk}/merge/", {"items": f"{reminder.pk}, ", "text": ""})
    assert response.status_code == 302
    export.refresh_from_db()
    assert export.merged_into_id is not None


def test_the_triage_list_links_the_selection_with_the_picker(things, client_as):
    client = client_as("product_owner")
    page = client.get("/w/acme/p/app/feedback/").content.decode()
    assert 'id="bulk-target"' in page and 'role="combobox"' in page
    bad = client.post("/w/acme/p/app/feedback/bulk/", {"action": "link", "items": [things["export"].pk], "bulk-target": "INV-99", "bulk-weight": "2"})
    assert bad.status_code == 400 and "No backlog item “INV-99” in this product" in bad.content.decode()
    ok = client.post("/w/acme/p/app/feedback/bulk/", {"action": "link", "items": [things["export"].pk], "bulk-target": "INV-7", "bulk-weight": "2"})
    assert ok.status_code == 302 and things["export"].links.get().backlog_item_id == things["item"].pk
