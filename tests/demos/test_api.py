"""/api/v1/demos: lists, one demo, demonstrations, verdicts, sign-offs; bad input answers 4xx
naming the field, roles answer 403, other workspaces 404."""

import pytest

from heard.demos.models import DemoVerdict


@pytest.fixture
def api(api_as):
    return api_as("product_owner")


@pytest.mark.django_db
def test_plan_a_demo_and_record_verdicts_over_the_api(world, api, api_as):
    s = world.session.pk
    r = api.post(f"/demos/{s}/demonstrations", {"item": "APP-1", "device": "tablet", "connectivity": "weak", "data_volume": "12 jobs"})
    assert r.status_code == 201, r.content
    shown = r.json()
    assert [d["criterion_id"] for d in shown] == [world.first.pk, world.second.pk] and shown[0]["scenario"].startswith("12 jobs · Tablet")
    r = api.patch(f"/demos/{s}/demonstrations/{shown[1]['id']}", {"assistive_technology": "Switch access"})
    assert r.status_code == 200 and r.json()["assistive_technology"] == "Switch access" and r.json()["device"] == "tablet"
    r = api_as("developer").post(f"/demos/{s}/verdicts", {"criterion": world.first.pk, "stakeholder": "alice@kestrel.example",
                                                          "verdict": "does_not_fit", "note": "Too slow with 500.", "as_feedback": True})
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["verdict"] == "does_not_fit" and body["feedback_id"] and body["stakeholder"] == "Alice Archer" and not body["from_portal"]
    demo = api.get(f"/demos/{s}").json()
    assert demo["criteria_count"] == 2 and demo["verdict_count"] == 1 and {p["name"] for p in demo["participants"]} == {"Alice Archer", "Bob Baker"}
    listed = api.get("/demos", product="app").json()
    assert [(d["id"], d["criteria_count"], d["verdict_count"]) for d in listed] == [(s, 2, 1)]
    assert [v["id"] for v in api.get(f"/demos/{s}/verdicts").json()] == [body["id"]]
    history = api.get(f"/demos/items/{world.item.pk}/verdicts").json()
    assert [len(c["verdicts"]) for c in history["criteria"]] == [1, 0] and history["criteria"][0]["changed_after_verdict"] is False
    assert api.delete(f"/demos/{s}/verdicts/{body['id']}").status_code == 204
    assert not DemoVerdict.objects.exists()
    assert api.delete(f"/demos/{s}/demonstrations/{shown[1]['id']}").status_code == 204


@pytest.mark.django_db
def test_sign_off_over_the_api_says_when_it_is_last_minute(shown, api):
    r = api.post(f"/demos/items/{shown.item.pk}/sign-offs", {"stakeholder": shown.outsider.pk, "note": "OK from procurement"})
    assert r.status_code == 201, r.content
    assert r.json()["last_minute"] is True and r.json()["involvement"] == []
    r = api.post(f"/demos/items/{shown.item.pk}/sign-offs", {"stakeholder": "Alice Archer", "session": shown.session.pk})
    assert r.status_code == 201 and r.json()["last_minute"] is False
    assert [s["stakeholder"] for s in api.get(f"/demos/items/{shown.item.pk}/sign-offs").json()] == ["Olga Outsider", "Alice Archer"]
    r = api.post(f"/demos/items/{shown.item.pk}/sign-offs", {"stakeholder": "Alice Archer"})
    assert r.status_code == 409 and r.json()["error"]["field"] == "stakeholder"


@pytest.mark.django_db
@pytest.mark.parametrize("path_body_field", [
    ("/demos/{s}/demonstrations", {"item": "NOPE"}, "item"),
    ("/demos/{s}/demonstrations", {"item": "APP-1", "criteria": [999999]}, "criteria"),
    ("/demos/{s}/demonstrations", {"item": "APP-1", "device": "fridge"}, "device"),
    ("/demos/{s}/verdicts", {"criterion": 999999, "stakeholder": "Alice Archer", "verdict": "fits"}, "criterion"),
    ("/demos/{s}/verdicts", {"criterion": "{c}", "stakeholder": "Nobody", "verdict": "fits"}, "stakeholder"),
    ("/demos/{s}/verdicts", {"criterion": "{c}", "stakeholder": "Alice Archer", "verdict": "great"}, "verdict"),
    ("/demos/{s}/verdicts", {"criterion": "{c}", "stakeholder": "Alice Archer", "verdict": "fits", "note": "\x00"}, "note"),
    ("/demos/items/{i}/sign-offs", {"stakeholder": "Alice Archer", "at": "yesterday"}, "at"),
    ("/demos/items/{i}/sign-offs", {"stakeholder": "Alice Archer", "session": 99999999999}, "session"),
])
def test_bad_input_names_the_field(shown, api, path_body_field):
    path, body, field = path_body_field
    body = {k: (shown.first.pk if v == "{c}" else v) for k, v in body.items()}
    r = api.post(path.format(s=shown.session.pk, i=shown.item.pk), body)
    assert 400 <= r.status_code < 500 and r.status_code != 404, r.content
    error = r.json()["error"]
    assert error["field"] == field or field in str(error.get("fields", "")) or field in error["message"], error


@pytest.mark.django_db
def test_roles_and_other_workspaces(shown, api_as, other_workspace):
    from heard.core import actions as core_actions
    from heard.core.models import User
    from tests.conftest import ApiClient

    s = shown.session.pk
    assert api_as("viewer").get(f"/demos/{s}").status_code == 200
    r = api_as("viewer").post(f"/demos/{s}/verdicts", {"criterion": shown.first.pk, "stakeholder": "Alice Archer", "verdict": "fits"})
    assert r.status_code == 403
    assert api_as("developer").post(f"/demos/{s}/demonstrations", {"item": "APP-1"}).status_code == 403
    stranger = ApiClient(core_actions.issue_token(actor=None, user=User.objects.get(email="owner@globex.example"), workspace=other_workspace))
    assert stranger.get(f"/demos/{s}").status_code == 404
    assert stranger.get(f"/demos/{s}", workspace="acme").status_code == 404
    assert stranger.get(f"/demos/items/{shown.item.pk}/verdicts").status_code == 404
    assert api_as("owner").get("/demos/99999999999999999999").status_code in (404, 422)
