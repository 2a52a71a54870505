"""Programs through their actions: lifecycle, locking, consent, telemetry, verdicts and the
go / no-go that becomes decision evidence and closure-note text."""

import json

import pytest

from heard.core.errors import HeardError
from heard.core.models import AuditEvent
from heard.programs import actions, queries
from heard.programs.models import ProgramStatus, TelemetryRecord

from .conftest import consenting


def _csv(tmp_path, lines, name="t.csv"):
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def _events(metric, who, n, ones, day="2026-03-05", prefix=None):
    prefix = prefix or f"{metric}-{who}"
    return [f"{prefix}-{i},{metric},{day},{who},{1 if i < ones else 0}" for i in range(n)]


def test_a_participant_needs_telemetry_consent(pilot, workspace):
    refuser = consenting(workspace, "No Consent", "nc@example.com", consent=False)
    with pytest.raises(HeardError) as err:
        actions.add_participant(actor=None, cohort=pilot.treated, stakeholder=refuser.pk)
    assert err.value.field == "stakeholder" and "telemetry" in err.value.message


def test_starting_locks_thresholds_and_a_later_change_needs_a_reason(pilot, member):
    owner = member("product_owner")
    actions.start_program(actor=owner, program=pilot)
    assert pilot.status == ProgramStatus.RUNNING
    with pytest.raises(HeardError) as err:
        actions.add_threshold(actor=owner, program=pilot, data={"name": "New", "metric": "x", "limit": "1"})
    assert err.value.code == "conflict"
    threshold = pilot.thresholds.get(name="Task completion")
    with pytest.raises(HeardError) as err:
        actions.update_threshold(actor=owner, threshold=threshold, data={"limit": "75"})
    assert err.value.field == "reason"
    actions.update_threshold(actor=owner, threshold=threshold, data={"limit": "75"}, reason="Legal asked for the industry norm.")
    change = threshold.changes.get()
    assert (change.before["limit"], change.after["limit"], change.changed_by) == (80.0, 75.0, owner)
    assert AuditEvent.objects.filter(verb="program.threshold_changed_after_start", object_id=str(threshold.pk)).exists()


def test_starting_needs_thresholds_and_a_treated_cohort(product, member):
    program = actions.create_program(actor=None, product=product, data={"name": "Empty", "starts_on": "2026-01-01", "ends_on": "2026-01-31"})
    with pytest.raises(HeardError) as err:
        actions.start_program(actor=member("owner"), program=program)
    assert set(err.value.errors) == {"thresholds", "cohorts"}


def test_bad_program_input_names_the_field(product):
    with pytest.raises(HeardError) as err:
        actions.create_program(actor=None, product=product, data={"name": "", "starts_on": "2026-02-30", "ends_on": "2026-01-01"})
    assert {"name", "starts_on"} <= set(err.value.errors)
    with pytest.raises(HeardError) as err:
        actions.create_program(actor=None, product=product, data={"name": "X", "starts_on": "2026-03-01", "ends_on": "2026-01-01"})
    assert err.value.field == "ends_on"


def test_a_developer_may_not_create_programs(product, member):
    with pytest.raises(HeardError) as err:
        actions.create_program(actor=member("developer"), product=product, data={"name": "X", "starts_on": "2026-03-01", "ends_on": "2026-03-02"})
    assert err.value.code == "forbidden"


def test_telemetry_before_the_start_is_refused(pilot, tmp_path):
    with pytest.raises(HeardError) as err:
        actions.import_telemetry(actor=None, program=pilot, path=_csv(tmp_path, ["event_id,metric,day,participant,value"]))
    assert err.value.code == "conflict"


def test_csv_import_keeps_good_rows_reports_bad_lines_and_is_idempotent(pilot, people, tmp_path):
    actions.start_program(actor=None, program=pilot)
    path = _csv(tmp_path, [
        "event_id,metric,day,participant,value",
        f"e1,task_completed,2026-03-05,{people[0].pk},1",
        f"e2,task_completed,2026-03-05,{people[1].email},0",
        "e3,task_completed,2026-03-05,999999,1",
        f"e4,task_completed,not-a-day,{people[0].pk},1",
        f"e5,task_completed,2026-03-05,{people[0].pk},lots",
        f",task_completed,2026-03-05,{people[0].pk},1",
        f"e1,task_completed,2026-03-05,{people[0].pk},0",
    ])
    report = actions.import_telemetry(actor=None, program=pilot, path=path)
    assert (report.created, report.unchanged, report.rejected) == (2, 1, 4)
    assert [(p.line, p.field) for p in report.problems] == [(4, "participant"), (5, "day"), (6, "value"), (7, "event_id")]
    again = actions.import_telemetry(actor=None, program=pilot, path=path)
    assert (again.created, again.unchanged) == (0, 3)
    assert TelemetryRecord.objects.filter(program=pilot).count() == 2
    # the first row with a key wins
    assert TelemetryRecord.objects.get(program=pilot, key="e1").total == 1.0


def test_ndjson_aggregates_per_cohort(pilot, tmp_path):
    actions.start_program(actor=None, program=pilot)
    path = tmp_path / "t.ndjson"
    path.write_text("\n".join([
        json.dumps({"metric": "error", "day": "2026-03-05", "cohort": "Early", "value": 3, "count": 400}),
        json.dumps({"metric": "error", "at": "2026-03-05T10:00:00Z", "cohort": "control", "value": 4, "count": 400}),
        "not json",
        json.dumps({"metric": "error", "day": "2026-03-05", "cohort": "Nobody", "value": 1, "count": 1}),
        json.dumps({"metric": "error", "day": "2026-03-05", "cohort": "Early", "value": 1, "count": 0}),
    ]) + "\n")
    report = actions.import_telemetry(actor=None, program=pilot, path=str(path))
    assert (report.created, report.rejected) == (2, 3)
    assert [(p.line, p.field) for p in report.problems] == [(3, None), (4, "cohort"), (5, "count")]
    assert actions.import_telemetry(actor=None, program=pilot, path=str(path)).created == 0


def test_telemetry_after_a_participant_left_is_refused(pilot, people, tmp_path):
    actions.start_program(actor=None, program=pilot)
    participant = pilot.participants.get(stakeholder=people[0])
    actions.leave_program(actor=None, participant=participant)
    path = _csv(tmp_path, ["event_id,metric,day,participant,value", f"late,error,2099-01-01,{people[0].pk},1"])
    report = actions.import_telemetry(actor=None, program=pilot, path=path)
    assert report.rejected == 1 and report.problems[0].field == "participant"


def test_withdrawn_telemetry_consent_keeps_the_person_out_of_telemetry_from_then_on(pilot, people, tmp_path):
    from heard.stakeholders import actions as stakeholder_actions

    actions.start_program(actor=None, program=pilot)
    consent = people[1].consents.get(purpose="telemetry")
    stakeholder_actions.withdraw_consent(actor=None, consent=consent)
    participant = pilot.participants.get(stakeholder=people[1])
    assert participant.left_at is not None
    path = _csv(tmp_path, ["event_id,metric,day,participant,value",
                           f"after,error,2099-01-01,{people[1].pk},1", f"other,error,2099-01-01,{people[0].pk},1"])
    report = actions.import_telemetry(actor=None, program=pilot, path=path)
    assert report.rejected == 1 and report.problems[0].field == "participant"
    assert report.created == 1  # the other participant's row is kept
    assert not TelemetryRecord.objects.filter(program=pilot, participant__stakeholder=people[1]).exists()


def test_one_threshold_met_and_one_not_yet_decidable(pilot, people, tmp_path):
    actions.start_program(actor=None, program=pilot)
    lines = ["event_id,metric,day,participant,value"]
    lines += _events("task_completed", people[0].pk, 300, 285)  # 95 %: Wilson (hand-computed) 91.92 to 96.95, above 80
    lines += _events("error", people[0].pk, 100, 2)              # 100 < 200 needed
    lines += _events("error", people[2].pk, 100, 1)
    report = actions.import_telemetry(actor=None, program=pilot, path=_csv(tmp_path, lines))
    assert report.rejected == 0
    results = queries.judge(None, pilot)
    by_name = {v.threshold.name: v for v in results.verdicts}
    met = by_name["Task completion"]
    assert met.status == "met" and met.n == 300
    assert met.estimate.low == pytest.approx(91.92, abs=0.01) and met.estimate.high == pytest.approx(96.95, abs=0.01)
    undecided = by_name["Errors vs control"]
    assert undecided.status == "undecidable" and "100 of the 200" in undecided.reason
    assert results.suggestion == "extend"


def test_a_guardrail_broken_against_control_suggests_no_go(pilot, people, tmp_path):
    actions.start_program(actor=None, program=pilot)
    lines = ["event_id,metric,day,participant,value"]
    lines += _events("task_completed", people[0].pk, 300, 285)
    lines += _events("error", people[0].pk, 1000, 120)  # 12 % errors
    lines += _events("error", people[2].pk, 1000, 20)   # 2 % in control: +10 points > 2
    actions.import_telemetry(actor=None, program=pilot, path=_csv(tmp_path, lines))
    results = queries.judge(None, pilot)
    guardrail = next(v for v in results.verdicts if v.threshold.is_guardrail)
    assert guardrail.status == "not_met" and guardrail.estimate.low > 2
    assert results.suggestion == "no_go"


def test_confirmed_no_go_is_decision_evidence_and_in_the_participants_closure_note(pilot, people, member, tmp_path):
    from heard.closure import actions as closure_actions
    from heard.decisions.models import EvidenceKind

    owner = member("product_owner")
    actions.start_program(actor=owner, program=pilot)
    lines = ["event_id,metric,day,participant,value"] + _events("task_completed", people[0].pk, 300, 285)
    actions.import_telemetry(actor=owner, program=pilot, path=_csv(tmp_path, lines))
    outcome = actions.confirm_outcome(actor=owner, program=pilot, recommendation="no_go", message="We will fix the errors first.")
    evidence = outcome.decision.evidence.get()
    assert evidence.kind == EvidenceKind.PROGRAM and evidence.program_outcome == outcome
    assert "1 of 2 thresholds met" in evidence.note
    from django.utils import timezone

    today = timezone.localdate()
    cycle = closure_actions.create_cycle(actor=owner, product=pilot.product, data={"name": "Q1", "starts_on": today, "ends_on": today})
    closure_actions.draft_notes(actor=owner, cycle=cycle)
    note = cycle.notes.get(stakeholder=people[0])
    assert "The pilot you took part in (Faster invoices) met 1 of 2 thresholds; we will not roll it out as it is. We will fix the errors first." in note.body
    assert not cycle.notes.filter(stakeholder=people[3]).exists()  # not a participant


def test_a_viewer_may_not_confirm(pilot, member):
    actions.start_program(actor=None, program=pilot)
    with pytest.raises(HeardError) as err:
        actions.confirm_outcome(actor=member("viewer"), program=pilot, recommendation="go")
    assert err.value.code == "forbidden"


def test_erasure_removes_the_participation_and_keeps_the_numbers(pilot, people, tmp_path):
    from heard.stakeholders import actions as stakeholder_actions

    actions.start_program(actor=None, program=pilot)
    actions.import_telemetry(actor=None, program=pilot, path=_csv(tmp_path, ["event_id,metric,day,participant,value"] + _events("error", people[0].pk, 3, 1)))
    stakeholder_actions.erase_stakeholder(actor=None, stakeholder=people[0])
    assert not pilot.participants.filter(stakeholder=people[0]).exists()
    assert TelemetryRecord.objects.filter(program=pilot, participant__isnull=True).count() == 3


def test_mean_against_a_baseline_period_and_a_p95(product, people, tmp_path):
    program = actions.create_program(actor=None, product=product, data={"name": "Latency", "starts_on": "2026-03-01", "ends_on": "2026-03-31"})
    cohort = actions.add_cohort(actor=None, program=program, data={"name": "All"})
    actions.add_participant(actor=None, cohort=cohort, stakeholder=people[0].pk)
    with pytest.raises(HeardError) as err:
        actions.add_threshold(actor=None, program=program, data={"name": "Bad", "metric": "ms", "statistic": "mean", "limit": "0",
                                                                 "comparison": "baseline", "baseline_starts_on": "2026-02-01", "baseline_ends_on": "2026-03-05"})
    assert err.value.field == "baseline_ends_on"
    actions.add_threshold(actor=None, program=program, data={"name": "Faster than before", "metric": "ms", "statistic": "mean", "direction": "at_most",
                                                             "limit": "-50", "comparison": "baseline", "baseline_starts_on": "2026-02-01",
                                                             "baseline_ends_on": "2026-02-28", "minimum_sample": "20"})
    actions.add_threshold(actor=None, program=program, data={"name": "p95 under 2 s", "metric": "ms", "statistic": "p95", "direction": "at_most",
                                                             "limit": "2000", "minimum_sample": "20"})
    actions.start_program(actor=None, program=program)
    lines = ["event_id,metric,day,participant,value"]
    lines += [f"b{i},ms,2026-02-10,{people[0].pk},{1000 + (i % 10) * 10}" for i in range(50)]   # mean 1045
    lines += [f"a{i},ms,2026-03-10,{people[0].pk},{800 + (i % 10) * 10}" for i in range(50)]    # mean 845
    actions.import_telemetry(actor=None, program=program, path=_csv(tmp_path, lines))
    by_name = {v.threshold.name: v for v in queries.judge(None, program).verdicts}
    mean = by_name["Faster than before"]
    assert mean.status == "met" and mean.estimate.value == pytest.approx(-200) and mean.reference_n == 50
    p95 = by_name["p95 under 2 s"]
    assert p95.status == "met" and p95.estimate.value == pytest.approx(890.0, abs=0.5) and p95.n == 50  # only the program's days


def test_the_daily_rollup_equals_a_recount_from_raw_rows(pilot, people, tmp_path):
    from heard.programs.models import TelemetryDay

    actions.start_program(actor=None, program=pilot)
    lines = ["event_id,metric,day,participant,value"] + _events("error", people[0].pk, 30, 3) + _events("error", people[2].pk, 20, 1, day="2026-03-06")
    path = _csv(tmp_path, lines)
    actions.import_telemetry(actor=None, program=pilot, path=path)
    actions.import_telemetry(actor=None, program=pilot, path=path)  # all held already: adds nothing
    more = _csv(tmp_path, ["event_id,metric,day,participant,value"] + _events("error", people[0].pk, 40, 10), name="more.csv")  # 30 held, 10 new
    assert actions.import_telemetry(actor=None, program=pilot, path=more).created == 10
    actions.record_telemetry(actor=None, program=pilot, records=[
        {"metric": "error", "day": "2026-03-05", "cohort": "Early", "value": 4, "count": 100},
        {"metric": "error", "day": "2026-03-05", "cohort": "Early", "value": 4, "count": 100},
    ])

    def rollup():
        return sorted(TelemetryDay.objects.filter(program=pilot).values_list("metric", "cohort_id", "day", "count", "total", "total_sq"))

    kept = rollup()
    assert sum(row[3] for row in kept) == 30 + 20 + 10 + 100
    queries.recount_rollup(pilot)
    assert rollup() == kept
