"""The programs API and the `heard programs` / `heard import telemetry` command line."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from heard.programs import actions


def test_a_pilot_through_the_api(api_as, product, people):
    api = api_as("product_owner")
    r = api.post("/programs", {"product": product.slug, "name": "API pilot", "starts_on": "2026-03-01", "ends_on": "2026-03-31"})
    assert r.status_code == 201, r.content
    pid = r.json()["id"]
    cohort = api.post(f"/programs/{pid}/cohorts", {"name": "Early", "rollout_share": 10}).json()
    assert api.post(f"/programs/{pid}/cohorts/{cohort['id']}/participants", {"stakeholder": people[0].pk}).status_code == 201
    r = api.post(f"/programs/{pid}/thresholds", {"name": "Completion", "metric": "done", "limit": 80, "minimum_sample": 10})
    assert r.status_code == 201
    tid = r.json()["id"]
    assert api.post(f"/programs/{pid}/start").json()["thresholds_locked"] is True
    r = api.patch(f"/programs/{pid}/thresholds/{tid}", {"limit": 70})
    assert r.status_code == 400 and r.json()["error"]["field"] == "reason"
    r = api.patch(f"/programs/{pid}/thresholds/{tid}", {"limit": 70, "reason": "Agreed with the customer board."})
    assert r.json()["changes_after_start"][0]["reason"] == "Agreed with the customer board."
    records = [{"event_id": f"e{i}", "metric": "done", "day": "2026-03-02", "participant": people[0].pk, "value": 1} for i in range(40)]
    records.append({"metric": "done", "day": "2026-03-02", "participant": people[0].pk, "value": "x", "event_id": "bad"})
    r = api.post(f"/programs/{pid}/telemetry", {"records": records})
    assert r.json()["created"] == 40 and r.json()["problems"] == [{"line": 41, "field": "value", "message": "value must be a number, not “x”."}]
    assert api.post(f"/programs/{pid}/telemetry", {"records": records[:40]}).json()["unchanged"] == 40
    verdict = api.get(f"/programs/{pid}/verdicts").json()
    assert verdict["suggestion"] == "go" and verdict["verdicts"][0]["status"] == "met" and verdict["verdicts"][0]["low"] > 70
    r = api.post(f"/programs/{pid}/outcome", {"recommendation": "go", "message": "Everyone gets it in March."})
    assert r.status_code == 201 and r.json()["decision_id"]


def test_api_errors_name_the_field_and_other_workspaces_see_nothing(api_as, pilot, other_workspace):
    api = api_as("product_owner")
    r = api.post(f"/programs/{pilot.pk}/thresholds", {"name": "X", "metric": "bad metric!", "limit": 1})
    assert r.status_code == 400 and r.json()["error"]["field"] == "metric"
    r = api.post(f"/programs/{pilot.pk}/telemetry", {"records": []})
    assert r.status_code == 409  # not started yet
    assert api_as("viewer").post(f"/programs/{pilot.pk}/start").status_code == 403
    assert api.get("/programs/99999999").status_code == 404
    r = api.get("/programs", product="app")
    assert [p["name"] for p in r.json()["items"]] == ["Faster invoices"]


def test_cli_list_import_and_judge(pilot, people, tmp_path):
    actions.start_program(actor=None, program=pilot)
    out = StringIO()
    call_command("programs", "list", "acme/app", stdout=out)
    assert f"{pilot.pk:>5}  Pilot" in out.getvalue()
    path = tmp_path / "t.csv"
    path.write_text("event_id,metric,day,participant,value\n" + "".join(f"e{i},task_completed,2026-03-03,{people[0].email},1\n" for i in range(60)))
    out = StringIO()
    call_command("import", "telemetry", str(path), "--program", str(pilot.pk), "--no-progress", stdout=out)
    assert "60 created" in out.getvalue()
    out = StringIO()
    call_command("programs", "judge", str(pilot.pk), "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert [v["status"] for v in data["verdicts"]] == ["met", "undecidable"]
    out = StringIO()
    call_command("programs", "recount", str(pilot.pk), stdout=out)
    assert "1 metric-cohort-days" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("import", "telemetry", str(path), "--no-progress")
    with pytest.raises(CommandError):
        call_command("programs", "judge", "424242")


def test_the_openapi_document_lists_the_program_endpoints(client_as):
    paths = client_as("viewer").get("/api/v1/openapi.json").json()["paths"]
    assert {"/api/v1/programs", "/api/v1/programs/{program_id}/telemetry", "/api/v1/programs/{program_id}/verdicts"} <= set(paths)


def test_odd_telemetry_values_are_row_problems_not_errors(api_as, pilot, people):
    actions.start_program(actor=None, program=pilot)
    api = api_as("developer")
    odd = [
        {"event_id": "a", "metric": ["x"], "day": "2026-03-02", "participant": people[0].pk, "value": 1},
        {"event_id": "b", "metric": "error", "day": {"d": 1}, "participant": people[0].pk, "value": 1},
        {"event_id": "c", "metric": "error", "day": "2026-03-02", "participant": {"id": 1}, "value": 1},
        {"event_id": "d", "metric": "error", "day": "2026-03-02", "participant": people[0].pk, "value": [1]},
        {"metric": "error", "day": "2026-03-02", "cohort": "Early", "value": 1, "count": 1.5},
        {"event_id": "x" * 101, "metric": "error", "day": "2026-03-02", "participant": people[0].pk, "value": 1},
        "not an object",
    ]
    r = api.post(f"/programs/{pilot.pk}/telemetry", {"records": odd})
    assert r.status_code == 200
    assert [p["field"] for p in r.json()["problems"]] == ["metric", "day", "participant", "value", "count", "event_id", None]
    assert api_as("viewer").post(f"/programs/{pilot.pk}/telemetry", {"records": []}).status_code == 403
