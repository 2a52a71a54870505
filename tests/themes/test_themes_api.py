"""Themes through the API and the pages, the worker running the mining, and the support
lead's whole path: import, watch, open themes, fix two by hand, re-run, link to the backlog."""

from __future__ import annotations

import csv
import random
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command

from heard.backlog import actions as backlog_actions
from heard.themes import actions
from heard.themes.models import Theme, ThemeTicket
from heard.tickets.models import Ticket
from tests.themes.theme_data import PAINS, make_tickets


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def run_worker():
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)


@pytest.fixture
def mined(product):
    make_tickets(product, {"vat": 30, "sync": 30, "login": 20})
    actions.start_theme_run(actor=None, product=product, background=False)
    return product


@pytest.mark.django_db
def test_api_lists_reads_renames_and_pins(api_as, mined):
    api = api_as("scrum_master")
    page = api.get("/themes", product="app").json()
    assert page["total"] == Theme.objects.filter(status="active").count() >= 3
    first = page["items"][0]
    assert first["label"] and first["size"] > 0 and len(first["weekly_counts"]) >= 1
    assert {"resolution_median_hours", "resolution_p90_hours", "spikes", "recent_spike"} <= set(first)
    response = api.patch(f"/themes/{first['id']}", {"name": "Renamed by hand", "pinned": True})
    assert response.status_code == 200, response.content
    assert (response.json()["name"], response.json()["pinned"]) == ("Renamed by hand", True)
    assert api.get(f"/themes/{first['id']}").json()["name"] == "Renamed by hand"


@pytest.mark.django_db
def test_api_bad_input_gives_field_errors(api_as, mined):
    api = api_as("owner")
    theme = Theme.objects.filter(status="active").order_by("-size").first()
    cases = [
        (api.post("/themes:merge", {"themes": [theme.pk]}), 400, "themes"),
        (api.post("/themes:merge", {"themes": []}), 400, "themes"),
        (api.post("/themes:merge", {"themes": [theme.pk, 987654]}), 400, "themes"),
        (api.post(f"/themes/{theme.pk}/split", {"k": 1}), 400, "k"),
        (api.post(f"/themes/{theme.pk}/links", {"backlog_item": 424242}), 400, "backlog_item"),
        (api.post(f"/themes/{theme.pk}/links", {"backlog_item": 1, "decision": 1}), 400, "decision"),
        (api.patch(f"/themes/{theme.pk}", {"name": ""}), 400, "name"),
        (api.get("/themes", product="app", status="sideways"), 400, "status"),
    ]
    for response, status, field in cases:
        assert response.status_code == status, response.content
        assert response.json()["error"]["field"] == field, response.json()
    missing = api.get("/themes/987654")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    assert api.post("/themes/987654/split", {"k": 2}).status_code == 404
    item = backlog_actions.create_item(actor=None, product=mined, data={"title": "Fix VAT"})
    link = api.post(f"/themes/{theme.pk}/links", {"backlog_item": item.pk, "weight": 5})
    assert link.status_code == 400 and link.json()["error"]["field"] == "weight"


@pytest.mark.django_db
def test_api_merge_split_links_and_feedback(api_as, mined):
    api = api_as("owner")
    ids = [t["id"] for t in api.get("/themes", product="app").json()["items"]][:2]
    merged = api.post("/themes:merge", {"themes": ids, "name": "Both"})
    assert merged.status_code == 200, merged.content
    assert merged.json()["name"] == "Both" and merged.json()["curated"]
    parts = api.post(f"/themes/{merged.json()['id']}/split", {"k": 2})
    assert parts.status_code == 201 and parts.json()[0]["id"] == merged.json()["id"] and len(parts.json()) == 2
    item = backlog_actions.create_item(actor=None, product=mined, data={"title": "Fix it"})
    link = api.post(f"/themes/{ids[0]}/links", {"backlog_item": item.pk, "weight": 3})
    assert link.status_code == 201 and link.json()["weight"] == 3
    assert [x["backlog_item"] for x in api.get(f"/themes/{ids[0]}/links").json()] == [item.pk]
    assert api.delete(f"/themes/{ids[0]}/links/{link.json()['id']}").status_code == 204
    nobody = api.post(f"/themes/{ids[0]}/feedback")
    assert nobody.status_code == 409  # the fixture's tickets have no requesters


@pytest.mark.django_db
def test_api_permissions(api_as, mined):
    theme = Theme.objects.filter(status="active").first()
    for role in ("viewer", "developer"):
        api = api_as(role)
        assert api.get(f"/themes/{theme.pk}").status_code == 200
        assert api.patch(f"/themes/{theme.pk}", {"pinned": True}).status_code == 403
        assert api.post("/theme-runs", {"product": "app"}).status_code == 403


@pytest.mark.django_db
def test_other_workspaces_see_nothing(mined, other_workspace):
    from heard.core import actions as core_actions
    from tests.conftest import ApiClient

    api = ApiClient(core_actions.issue_token(actor=None, user=other_workspace.memberships.get().user))
    theme = Theme.objects.first()
    assert api.get(f"/themes/{theme.pk}", workspace="globex").status_code == 404


@pytest.mark.django_db
def test_theme_pages_show_errors_next_to_the_field(client_as, mined):
    client = client_as("owner")
    theme = Theme.objects.filter(status="active").order_by("-size").first()
    url = f"/w/acme/p/app/support/themes/{theme.pk}/"
    response = client.post(url, {"action": "split", "split-k": "1"})
    assert response.status_code == 400
    assert "A theme splits into 2 to 10 themes" in response.content.decode()
    response = client.post(url, {"action": "rename", "rename-name": ""})
    assert response.status_code == 400 and "This field is required" in response.content.decode()
    assert client_as("viewer").post(url, {"action": "rename", "rename-name": "x"}).status_code == 403
    assert client_as("viewer").get("/w/acme/p/app/support/themes/").status_code == 200


def write_export(path, n_tickets: int = 240) -> None:
    """A plain CSV export with a recent burst of VAT tickets and resolution times."""
    rnd = random.Random(5)
    now = datetime.now(UTC)
    pains = {"vat": 50, "sync": 60, "login": 50, "export": 50}
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["external_id", "subject", "body", "status", "created_at", "solved_at", "requester_email"])
        n = 0
        for pain, count in pains.items():
            for i in range(count):
                n += 1
                text = rnd.choice(PAINS[pain]).format(n=rnd.randint(2, 40))
                recent = pain == "vat" and i < 25
                created = now - timedelta(days=rnd.randint(0, 3) if recent else rnd.randint(14, 150), hours=rnd.randint(0, 20))
                solved = created + timedelta(hours=rnd.choice([3, 8, 24, 72])) if i % 3 else None
                writer.writerow([f"X-{n}", text.split(",")[0], text, "solved" if solved else "open", created.isoformat(),
                                 solved.isoformat() if solved else "", f"user{n % 17}@customer.example"])


@pytest.mark.django_db(transaction=True)
def test_support_lead_from_import_to_linked_theme(api_as, client_as, product, tmp_path):
    api = api_as("owner")
    client = client_as("owner")
    export = tmp_path / "tickets.csv"
    write_export(export)

    # Import a help-desk export and watch it finish.
    with open(export, "rb") as handle:
        job = api.client.post("/api/v1/tickets:import", {"file": handle, "product": "app", "format": "csv"}, headers=api.headers)
    assert job.status_code == 202, job.content
    run_worker()
    assert api.get(f"/import-jobs/{job.json()['id']}").json()["status"] == "done"
    assert Ticket.objects.filter(product=product).count() == 210

    # Run theme mining from the themes page; watch its progress.
    start = client.post("/w/acme/p/app/support/themes/run/")
    assert start.status_code == 302 and "/support/themes/runs/" in start.url
    assert "Queued" in client.get(start.url).content.decode() or "queued" in client.get(start.url).content.decode()
    run_worker()
    progress = client.get(start.url).content.decode()
    assert "See the themes" in progress and "new," in progress
    run_id = int(start.url.rstrip("/").split("/")[-1])
    assert api.get(f"/theme-runs/{run_id}").json()["status"] == "done"

    # The themes page: labelled themes, trend sparklines with text, a spike, resolution times.
    page = client.get("/w/acme/p/app/support/themes/").content.decode()
    active = list(Theme.objects.filter(product=product, status="active"))
    assert all(t.name in page for t in active)
    assert page.count('<svg class="spark" role="img"') == len(active) and "Tickets per week, last 12 weeks" in page
    assert "Spike</strong>: week of" in page
    assert any(t.resolution_median_hours for t in active)
    assert " h</td>" in page or " days</td>" in page

    # Fix two themes by hand: rename one, merge the VAT themes.
    sync = ThemeTicket.objects.get(ticket__external_id="X-51").theme
    assert client.post(f"/w/acme/p/app/support/themes/{sync.pk}/", {"action": "rename", "rename-name": "Offline jobs lost"}).status_code == 302
    vat_ids = sorted(set(ThemeTicket.objects.filter(ticket__subject__icontains="VAT").values_list("theme_id", flat=True)))
    merged_pk = vat_ids[0]
    if len(vat_ids) > 1:
        answer = client.post(f"/w/acme/p/app/support/themes/{vat_ids[0]}/", {"action": "merge", "merge-themes": vat_ids[1:], "merge-name": "Wrong VAT"})
        assert answer.status_code == 302
        merged_pk = int(answer.url.rstrip("/").split("/")[-1])
    else:
        client.post(f"/w/acme/p/app/support/themes/{merged_pk}/", {"action": "rename", "rename-name": "Wrong VAT"})
    vat_members = set(ThemeTicket.objects.filter(theme_id=merged_pk).values_list("ticket_id", flat=True))

    # Re-run mining: the fixes survive.
    again = client.post("/w/acme/p/app/support/themes/run/")
    run_worker()
    assert "See the themes" in client.get(again.url).content.decode()
    sync.refresh_from_db()
    merged = Theme.objects.get(pk=merged_pk)
    assert (sync.status, sync.name) == ("active", "Offline jobs lost")
    assert (merged.status, merged.name) == ("active", "Wrong VAT")
    assert vat_members <= set(ThemeTicket.objects.filter(theme=merged).values_list("ticket_id", flat=True))

    # Link the merged theme to a backlog item from its page.
    item = backlog_actions.create_item(actor=None, product=product, data={"title": "Correct VAT on invoice PDFs"})
    linked = client.post(f"/w/acme/p/app/support/themes/{merged_pk}/", {"action": "link", "link-backlog_item": item.pk, "link-weight": 3})
    assert linked.status_code == 302
    detail = client.get(f"/w/acme/p/app/support/themes/{merged_pk}/").content.decode()
    assert "Correct VAT on invoice PDFs" in detail and "(weight 3)" in detail
    assert "Tickets per week" in detail and "Representative tickets" in detail
