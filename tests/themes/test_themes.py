"""Theme mining and the fixes people make: labelled themes, stable identities across
re-runs, spikes, resolution times, and turning a theme into feedback."""

from __future__ import annotations

import pytest

from heard.backlog import actions as backlog_actions
from heard.core.errors import HeardError
from heard.core.models import AuditEvent
from heard.feedback.models import Feedback
from heard.stakeholders.models import Stakeholder
from heard.themes import actions
from heard.themes.models import Theme, ThemeTicket
from heard.tickets.models import Ticket
from tests.themes.theme_data import make_tickets

pytestmark = pytest.mark.django_db


def mine(product, actor=None):
    run = actions.start_theme_run(actor=actor, product=product, background=False)
    assert run.status == "done", run.error
    return run


def pain_of(ticket: Ticket) -> str:
    from tests.themes.theme_data import PAINS

    for pain, templates in PAINS.items():
        if any(ticket.subject.split(" ")[:3] == t.split(" ")[:3] for t in templates):
            return pain
    raise AssertionError(ticket.subject)


def themes_of(product, pain: str) -> set[int]:
    return {m.theme_id for m in ThemeTicket.objects.filter(theme__product=product).select_related("ticket") if pain_of(m.ticket) == pain}


def members(theme) -> set[int]:
    return set(ThemeTicket.objects.filter(theme=theme).values_list("ticket_id", flat=True))


def test_mining_finds_labelled_pure_themes_with_rollups(product):
    make_tickets(product, {"vat": 40, "sync": 40, "login": 30, "export": 30},
                 resolve_hours={"login": [2, 4, 6, 8, 100]})
    run = mine(product)
    active = list(Theme.objects.filter(product=product, status="active"))
    assert run.themes_added == len(active) >= 4
    assert run.tickets == 140 and run.unassigned == 0
    for theme in active:
        assert theme.label and theme.terms and theme.name == theme.label[:200]
        tickets = Ticket.objects.filter(theme_membership__theme=theme)
        assert len({pain_of(t) for t in tickets}) == 1, f"{theme.label} mixes pains"
        assert set(theme.representative_ids) <= members(theme)
        assert sum(theme.weekly["counts"]) == theme.size == tickets.count()
    login = Theme.objects.filter(pk__in=themes_of(product, "login"))
    assert all(t.resolution_median_hours is not None and t.resolution_p90_hours >= t.resolution_median_hours for t in login)
    assert not Theme.objects.filter(pk__in=themes_of(product, "vat"), resolution_median_hours__isnull=False).exists()
    assert AuditEvent.objects.filter(verb="themes.mined").count() == 1


def test_rerun_keeps_ids_names_links_and_fixes(product, owner):
    make_tickets(product, {"vat": 40, "sync": 40, "login": 30, "export": 30})
    mine(product)
    sync_theme = Theme.objects.get(pk=min(themes_of(product, "sync")))
    actions.rename_theme(actor=owner, theme=sync_theme, name="Offline jobs lost")
    item = backlog_actions.create_item(actor=owner, product=product, data={"title": "Reliable offline sync"})
    actions.link_theme(actor=owner, theme=sync_theme, backlog_item=item.pk, weight=3)
    vat = sorted(themes_of(product, "vat"))
    assert len(vat) >= 2, "fixture: the VAT pain is said in ways the engine keeps apart"
    merged = actions.merge_themes(actor=owner, product=product, themes=vat, name="Wrong VAT on invoices")
    merged_members = members(merged)
    login_theme = Theme.objects.get(pk=min(themes_of(product, "login")))
    actions.set_pinned(actor=owner, theme=login_theme, pinned=True)
    pinned_members = members(login_theme)
    export_ids = themes_of(product, "export")

    Ticket.objects.filter(pk__in=ThemeTicket.objects.filter(theme_id__in=export_ids).values("ticket_id")).delete()
    make_tickets(product, {"battery": 30}, start=1000, seed=7)
    run = mine(product)

    sync_theme.refresh_from_db()
    assert sync_theme.status == "active" and sync_theme.name == "Offline jobs lost"
    assert sync_theme.links.get().backlog_item == item
    merged.refresh_from_db()
    assert merged.status == "active" and merged.name == "Wrong VAT on invoices"
    assert merged_members <= members(merged)
    assert themes_of(product, "vat") == {merged.pk}  # no theme came back to undo the merge
    assert set(Theme.objects.filter(pk__in=vat).exclude(pk=merged.pk).values_list("status", flat=True)) == {"merged"}
    login_theme.refresh_from_db()
    assert login_theme.pinned and login_theme.status == "active" and pinned_members <= members(login_theme)
    assert set(Theme.objects.filter(pk__in=export_ids).values_list("status", flat=True)) == {"retired"}
    battery = Theme.objects.filter(pk__in=themes_of(product, "battery"))
    assert battery and all(t.created_by_run == run for t in battery)
    assert run.themes_added == battery.count() and run.themes_retired == len(export_ids)


def test_split_keeps_the_original_and_survives_a_rerun(product, owner):
    make_tickets(product, {"vat": 40, "sync": 40})
    mine(product)
    both = sorted(themes_of(product, "sync"))
    first = actions.merge_themes(actor=owner, product=product, themes=both)
    size = first.size
    parts = actions.split_theme(actor=owner, theme=first, k=2)
    assert parts[0].pk == first.pk and parts[0].size >= parts[1].size and parts[0].size + parts[1].size == size
    assert parts[1].split_from_id == first.pk and parts[0].name == first.name
    before = [members(p) for p in parts]
    mine(product)
    after = [members(Theme.objects.get(pk=p.pk)) for p in parts]
    assert all(Theme.objects.get(pk=p.pk).status == "active" for p in parts)
    assert before == after


def test_merge_moves_links_and_keeps_the_highest_weight(product, owner):
    make_tickets(product, {"vat": 40, "sync": 40})
    mine(product)
    a, b = sorted(themes_of(product, "vat"))[:2]
    item = backlog_actions.create_item(actor=owner, product=product, data={"title": "Correct VAT"})
    actions.link_theme(actor=owner, theme=Theme.objects.get(pk=a), backlog_item=item, weight=1)
    actions.link_theme(actor=owner, theme=Theme.objects.get(pk=b), backlog_item=item, weight=3)
    merged = actions.merge_themes(actor=owner, product=product, themes=[a, b])
    assert [(link.backlog_item_id, link.weight) for link in merged.links.all()] == [(item.pk, 3)]
    assert merged.curated and merged.label
    assert AuditEvent.objects.filter(verb="theme.merged", object_id=str(merged.pk)).exists()


@pytest.mark.parametrize("counts, expected", [
    ([2, 3, 2, 2, 3, 2, 2, 3, 12], [(8, 12, 2.0, 6.0)]),      # a clear jump
    ([0, 0, 0, 0, 0, 0, 0, 0, 6], [(8, 6, 0.0, 6.0)]),        # from nothing (baseline counted as 1)
    ([5, 7, 6, 5, 8, 6, 7, 6, 9], []),                         # ordinary noise
    ([0, 0, 0, 10], []),                                       # too little history to judge
    ([0, 0, 0, 0, 0, 0, 0, 0, 4], []),                         # too few tickets to call it a spike
    ([20, 30, 10, 25, 15, 30, 20, 10, 45], []),                # high spread: 45 is within reach
])
def test_spike_rule(counts, expected):
    found = actions.detect_spikes(counts)
    assert [(s["index"], s["count"], s["baseline"], s["ratio"]) for s in found] == expected
    assert all(s["z"] >= actions.SPIKE_Z for s in found)


def test_recent_spike_is_flagged_on_the_theme(product):
    make_tickets(product, {"vat": 30, "sync": 40}, recent={"sync": 20}, days=120)
    mine(product)
    flagged = Theme.objects.filter(product=product, latest_spike_ratio__isnull=False)
    assert flagged and {t.pk for t in flagged} <= themes_of(product, "sync")
    spike = flagged[0].spikes[-1]
    assert spike["ratio"] >= actions.SPIKE_RATIO and spike["count"] >= actions.SPIKE_MIN_COUNT


def test_resolution_percentiles():
    assert actions.resolution_percentiles([1, 2, 3, 4, 100]) == (3.0, 61.6)
    assert actions.resolution_percentiles([]) == (None, None)


def test_turn_into_feedback_keeps_who_said_what(product, owner, workspace):
    people = [Stakeholder.objects.create(workspace=workspace, name=f"Person {i}", email=f"p{i}@x.example") for i in range(3)]
    make_tickets(product, {"sync": 30, "vat": 30}, requesters=people)
    mine(product)
    theme = Theme.objects.get(pk=min(themes_of(product, "sync")))
    speakers = set(Ticket.objects.filter(theme_membership__theme=theme).values_list("requester_id", flat=True))
    item = actions.turn_into_feedback(actor=owner, theme=theme)
    assert item.channel == "support_ticket"
    originals = list(item.originals.all()) if item.is_merge else [item]
    assert {f.stakeholder_id for f in originals} == speakers
    assert all(f.channel == "support_ticket" and theme.name in f.text for f in originals)
    theme.refresh_from_db()
    assert theme.feedback == item
    with pytest.raises(HeardError) as err:
        actions.turn_into_feedback(actor=owner, theme=theme)
    assert err.value.code == "conflict"
    assert Feedback.objects.filter(merged_into__isnull=True, is_merge=True).count() == (1 if item.is_merge else 0)


def test_who_may_fix_themes(product, member):
    make_tickets(product, {"vat": 20, "sync": 20})
    mine(product)
    theme = Theme.objects.first()
    for role in ("viewer", "developer"):
        with pytest.raises(HeardError) as err:
            actions.rename_theme(actor=member(role), theme=theme, name="Nope")
        assert err.value.code == "forbidden"
        with pytest.raises(HeardError):
            actions.start_theme_run(actor=member(role), product=product)
    actions.rename_theme(actor=member("scrum_master"), theme=theme, name="Named by the scrum master")
    with pytest.raises(HeardError) as err:  # creating and merging feedback is for product leads
        actions.turn_into_feedback(actor=member("scrum_master"), theme=theme)
    assert err.value.code == "forbidden"


def test_bad_fixes_are_refused_with_the_field(product, owner):
    make_tickets(product, {"vat": 20, "sync": 20})
    mine(product)
    theme = Theme.objects.filter(status="active").order_by("-size").first()
    cases = [
        (lambda: actions.merge_themes(actor=owner, product=product, themes=[theme.pk]), "themes"),
        (lambda: actions.merge_themes(actor=owner, product=product, themes=[theme.pk, 999999]), "themes"),
        (lambda: actions.split_theme(actor=owner, theme=theme, k=1), "k"),
        (lambda: actions.split_theme(actor=owner, theme=theme, k="two"), "k"),
        (lambda: actions.rename_theme(actor=owner, theme=theme, name="  "), "name"),
        (lambda: actions.link_theme(actor=owner, theme=theme, backlog_item=123456), "backlog_item"),
        (lambda: actions.link_theme(actor=owner, theme=theme), "backlog_item"),
        (lambda: actions.link_theme(actor=owner, theme=theme, decision="x", weight=2), "decision"),
    ]
    for call, field in cases:
        with pytest.raises(HeardError) as err:
            call()
        assert err.value.field == field, (field, err.value)


def test_a_second_run_is_refused_while_one_is_queued(product, owner):
    actions.start_theme_run(actor=owner, product=product)
    with pytest.raises(HeardError) as err:
        actions.start_theme_run(actor=owner, product=product)
    assert err.value.code == "conflict"


def test_command_line_mines_and_lists(product):
    from io import StringIO

    from django.core.management import call_command

    make_tickets(product, {"vat": 20, "sync": 20}, recent={"sync": 15})
    out = StringIO()
    call_command("themes", "mine", "--product", "acme/app", stdout=out)
    assert "new themes" in out.getvalue()
    call_command("themes", "list", "--product", "acme/app", stdout=out)
    assert Theme.objects.filter(status="active").first().name in out.getvalue() and "SPIKE week of" in out.getvalue()


def test_themes_keep_their_ids_when_the_space_is_made_anew(product, owner):
    """Switching engines (or losing the stored space) makes a new embedding space; themes that
    still exist are matched by their tickets in it, not retired and made again."""
    from heard.themes.models import ThemeRun

    make_tickets(product, {"vat": 40, "sync": 40, "login": 30})
    mine(product)
    before = {pain: themes_of(product, pain) for pain in ("vat", "sync", "login")}
    sync_theme = Theme.objects.get(pk=min(before["sync"]))
    actions.rename_theme(actor=owner, theme=sync_theme, name="Offline jobs lost")
    first_space = actions.product_embedder(product).fingerprint
    ThemeRun.objects.filter(product=product).update(embedder=None)
    actions._EMBEDDERS.clear()
    make_tickets(product, {"battery": 30}, start=1000, seed=7)  # a space fitted anew differs

    run = mine(product)

    assert actions.product_embedder(product).fingerprint != first_space
    assert run.themes_retired == 0
    for pain, ids in before.items():
        assert ids <= themes_of(product, pain), pain  # the same themes hold the same pain
        assert set(Theme.objects.filter(pk__in=ids).values_list("status", flat=True)) == {"active"}
    sync_theme.refresh_from_db()
    assert sync_theme.status == "active" and sync_theme.name == "Offline jobs lost"
