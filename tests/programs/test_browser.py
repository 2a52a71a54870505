"""The whole journey of issue 16 (F20) in a real browser."""

import pytest
from django.utils import timezone

from heard.closure.models import ClosureNote
from heard.programs.models import Program
from tests.conftest import axe_serious

from .conftest import consenting


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_pilot_from_creation_to_a_no_go_in_a_decision_and_a_closure_note(page, login, workspace, product, tmp_path):
    early = consenting(workspace, "Ada Early", "ada@example.com")
    login("product_owner@acme.example")
    base = f"/w/{workspace.slug}/p/{product.slug}/programs/"
    page.goto(base + "new/")
    assert axe_serious(page) == []
    page.get_by_label("Name").fill("Quick export pilot")
    page.get_by_label("Starts on").fill("2026-03-01")
    page.get_by_label("Ends on").fill("2026-03-31")
    page.get_by_label("Who may pause it").fill("The on-call lead")
    page.get_by_role("button", name="Create program").click()
    page.wait_for_load_state()
    program = Program.objects.get(name="Quick export pilot")
    assert page.url.endswith(f"/programs/{program.pk}/")

    page.locator("summary", has_text="Add a cohort").click()
    page.get_by_label("Cohort name").fill("Early adopters")
    page.get_by_label("Rollout share (%)").fill("10")
    page.get_by_role("button", name="Add cohort").click()
    page.wait_for_load_state()
    page.locator("summary", has_text="Add a participant").click()
    page.locator("#participant_stakeholder").select_option(str(early.pk))
    page.get_by_role("button", name="Add participant").click()
    page.wait_for_load_state()

    for name, metric, limit, minimum in (("Exports finished", "export_done", "80", "50"), ("Slow exports", "export_slow", "5", "1000")):
        page.locator("summary", has_text="Register a threshold").click()
        page.locator("#threshold_name").fill(name)
        page.locator("#threshold_metric").fill(metric)
        page.locator("#threshold_direction").select_option("at_least" if metric == "export_done" else "at_most")
        page.locator("#threshold_limit").fill(limit)
        page.locator("#threshold_minimum_sample").fill(minimum)
        page.get_by_role("button", name="Register threshold").click()
        page.wait_for_load_state()
    page.get_by_role("button", name="Start the program (locks its thresholds)").click()
    page.wait_for_load_state()
    assert page.get_by_text("thresholds are locked").first.is_visible()
    assert page.locator("summary", has_text="Register a threshold").count() == 0

    rows = ["event_id,metric,day,participant,value"]
    rows += [f"d{i},export_done,2026-03-04,{early.email},{1 if i < 190 else 0}" for i in range(200)]
    rows += [f"s{i},export_slow,2026-03-04,{early.email},{1 if i < 3 else 0}" for i in range(100)]
    file = tmp_path / "telemetry.csv"
    file.write_text("\n".join(rows) + "\n")
    page.get_by_label("Telemetry file").set_input_files(str(file))
    page.get_by_role("button", name="Import telemetry").click()
    page.wait_for_load_state()
    assert page.get_by_text("300 created").is_visible()
    met = page.locator('#verdict-table tr[data-verdict="met"]')
    assert met.get_by_text("Exports finished").is_visible()
    assert met.get_by_text("91.04 % to 97.26 %").is_visible()  # Wilson 190/200 (closed formula)
    undecided = page.locator('#verdict-table tr[data-verdict="undecidable"]')
    assert undecided.get_by_text("Slow exports").is_visible() and undecided.get_by_text("100 of the 1,000").is_visible()
    assert page.locator("svg.interval-chart").count() == 1
    assert axe_serious(page) == []

    page.get_by_label("No go: do not roll out").check()
    page.get_by_label("What participants are told (optional)").fill("We will make exports faster first.")
    page.get_by_role("button", name="Confirm the go / no-go").click()
    page.wait_for_load_state()
    outcome = program.outcomes.get()
    assert outcome.recommendation == "no_go"
    page.get_by_role("link", name=outcome.decision.question).click()
    page.wait_for_load_state()
    evidence = page.locator("#evidence")
    assert evidence.get_by_role("cell", name="Program results", exact=True).is_visible()
    assert evidence.get_by_role("cell", name="No go: do not roll out. 1 of 2 thresholds met", exact=False).first.is_visible()

    today = timezone.localdate().isoformat()
    page.goto(f"/w/{workspace.slug}/p/{product.slug}/closure/")
    page.get_by_label("Name").fill("March")
    page.get_by_label("First day").fill(today)
    page.get_by_label("Last day").fill(today)
    page.get_by_role("button", name="Open cycle").click()
    page.wait_for_load_state()
    page.get_by_role("button", name="Close cycle and draft notes").click()
    page.wait_for_load_state()
    note = ClosureNote.objects.get(stakeholder=early)
    page.goto(f"/w/{workspace.slug}/p/{product.slug}/closure/notes/{note.pk}/")
    assert page.get_by_text("The pilot you took part in (Quick export pilot) met 1 of 2 thresholds", exact=False).first.is_visible()
