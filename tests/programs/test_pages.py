"""Program pages: list, create with field errors, detail with verdicts, thresholds locked."""

import pytest

from heard.programs import actions
from heard.programs.models import Program


def test_create_a_program_with_field_errors_then_for_real(client_as, product):
    client = client_as("product_owner")
    url = f"/w/acme/p/{product.slug}/programs/new/"
    r = client.post(url, {"name": "", "kind": "pilot", "starts_on": "2026-03-10", "ends_on": "2026-03-01"})
    assert r.status_code == 400
    assert "Name the program" in r.content.decode()
    r = client.post(url, {"name": "Page pilot", "kind": "pilot", "starts_on": "2026-03-10", "ends_on": "2026-03-01"})
    assert r.status_code == 400 and "must end on or after" in r.content.decode()
    r = client.post(url, {"name": "Page pilot", "kind": "pilot", "starts_on": "2026-03-01", "ends_on": "2026-03-31"})
    program = Program.objects.get(name="Page pilot")
    assert r.status_code == 302 and r["Location"].endswith(f"/programs/{program.pk}/")
    r = client.post(f"/w/acme/p/{product.slug}/programs/{program.pk}/thresholds/", {"name": "X", "metric": "done", "statistic": "rate",
                    "comparison": "absolute", "direction": "at_least", "limit": "lots", "minimum_sample": "10"})
    assert r.status_code == 400 and "Limit must be a number" in r.content.decode()


def test_detail_shows_verdicts_with_intervals_and_locked_thresholds(client_as, pilot, people, tmp_path):
    actions.start_program(actor=None, program=pilot)
    path = tmp_path / "t.csv"
    path.write_text("event_id,metric,day,participant,value\n" + "".join(f"e{i},task_completed,2026-03-03,{people[0].pk},{1 if i < 95 else 0}\n" for i in range(100)))
    actions.import_telemetry(actor=None, program=pilot, path=str(path))
    client = client_as("viewer")
    r = client.get(f"/w/acme/p/app/programs/{pilot.pk}/")
    html = r.content.decode()
    assert r.status_code == 200
    assert 'data-verdict="met"' in html and 'data-verdict="undecidable"' in html
    assert "88.82 % to 97.85 %" in html  # Wilson 95/100, hand-computed from the closed formula
    assert "Register a threshold" not in html and "Confirm the go / no-go" not in html  # viewer; and locked
    assert client_as("viewer").get("/w/acme/p/app/programs/").status_code == 200
    threshold = pilot.thresholds.first()
    r = client_as("product_owner").post(f"/w/acme/p/app/programs/{pilot.pk}/thresholds/{threshold.pk}/", {
        "name": threshold.name, "metric": threshold.metric, "statistic": "rate", "comparison": "absolute", "direction": "at_least",
        "limit": "75", "minimum_sample": "50", "reason": "",
    })
    assert r.status_code == 400 and "Say why the threshold changes" in r.content.decode()


@pytest.mark.parametrize("path", ["99999/", "abc/", "99999/thresholds/1/"])
def test_unknown_programs_are_404(client_as, product, path):
    assert client_as("owner").get(f"/w/acme/p/app/programs/{path}").status_code == 404


def test_a_confirmed_outcome_shows_on_the_decision_page(client_as, pilot, member):
    actions.start_program(actor=None, program=pilot)
    client = client_as("product_owner")
    r = client.post(f"/w/acme/p/app/programs/{pilot.pk}/outcome/", {"recommendation": "maybe"})
    assert r.status_code == 400 and "Select a valid choice" in r.content.decode()
    r = client.post(f"/w/acme/p/app/programs/{pilot.pk}/outcome/", {"recommendation": "extend", "message": "More data in April."})
    assert r.status_code == 302
    outcome = pilot.outcomes.get()
    page = client.get(f"/w/acme/p/app/decisions/{outcome.decision_id}/").content.decode()
    assert "Program results" in page and f"/programs/{pilot.pk}/" in page


def test_participants_see_their_program_cohort_and_shared_results_in_the_portal(pilot, people, tmp_path):
    from tests.portal.helpers import portal_client

    actions.start_program(actor=None, program=pilot)
    page = portal_client(people[0]).get("/portal/me/").content.decode()
    assert "Faster invoices" in page and "Early" in page and "once the team has judged them" in page
    path = tmp_path / "t.csv"
    path.write_text("event_id,metric,day,participant,value\n" + "".join(f"e{i},task_completed,2026-03-03,{people[0].pk},1\n" for i in range(60)))
    actions.import_telemetry(actor=None, program=pilot, path=str(path))
    actions.confirm_outcome(actor=None, program=pilot, recommendation="extend", message="We keep it running to April.")
    page = portal_client(people[2]).get("/portal/me/").content.decode()
    assert "comparison group" in page and "We keep it running to April." in page and "Task completion" in page
    assert "Faster invoices" not in portal_client(people[3]).get("/portal/me/").content.decode()


def test_csv_with_semicolons_mapped_columns_and_missing_ones(pilot, people, tmp_path):
    actions.start_program(actor=None, program=pilot)
    path = tmp_path / "t.csv"
    path.write_text(f"id;Metric;Day;who;v\nx1;error;2026-03-02;{people[0].pk};1\nx2;error;2026-03-02;{people[0].pk}\n")
    report = actions.import_telemetry(actor=None, program=pilot, path=str(path),
                                      mapping={"id": "event_id", "who": "participant", "v": "value"})
    assert (report.created, report.rejected) == (1, 1) and report.problems[0].line == 3 and report.problems[0].field == "value"


def test_a_participant_tells_the_team_about_the_pilot_and_it_arrives_with_the_pilot_as_context(pilot, people, client_as, product):
    from heard.feedback.models import Feedback
    from tests.portal.helpers import portal_client

    actions.start_program(actor=None, program=pilot)
    participant = portal_client(people[0])
    home = participant.get("/portal/me/").content.decode()
    url = f"/portal/programs/{pilot.pk}/feedback/"
    assert url in home
    # Empty text: the field says what is missing, nothing is recorded.
    r = participant.post(url, {"text": "  ", "job": ""})
    assert r.status_code == 400 and Feedback.objects.filter(program=pilot).count() == 0
    r = participant.post(url, {"text": "Matching found the wrong invoice twice this week.", "job": "Reconcile March"})
    assert r.status_code == 302
    item = Feedback.objects.get(program=pilot)
    assert item.stakeholder == people[0] and item.product == product and item.channel == "beta"
    team_page = client_as("product_owner").get(f"/w/acme/p/{product.slug}/programs/{pilot.pk}/").content.decode()
    assert "Matching found the wrong invoice twice this week." in team_page and "Feedback from participants (1)" in team_page
    # Someone who does not take part gets nothing to post to.
    assert portal_client(people[3]).get(url).status_code == 404
    assert portal_client(people[3]).post(url, {"text": "Let me in."}).status_code == 404
