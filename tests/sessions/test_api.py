from datetime import timedelta

from heard.sessions.models import Participant, Session
from heard.stakeholders import actions as stakeholder_actions


def _new(api, when, **extra):
    return api.post("/sessions", {
        "product": "app", "title": "Demo", "channel": "demo", "starts_at": when.isoformat(),
        "ends_at": (when + timedelta(hours=1)).isoformat(), "time_zone": "Europe/Berlin", **extra,
    }, workspace="acme")


def test_plan_a_session_through_the_api(api_as, product, customer, member, when):
    api = api_as("scrum_master")
    response = _new(api, when)
    assert response.status_code == 201, response.content
    sid = response.json()["id"]
    assert {f["code"] for f in response.json()["flags"]} >= {"no_decider", "no_customer", "no_objectives"}
    objective = api.post(f"/sessions/{sid}/objectives", {"question": "Does it fit?", "outcome_kind": "validate_usability"}).json()
    assert api.post(f"/sessions/{sid}/agenda-items", {"title": "Try it", "timebox_minutes": 20, "objective": objective["id"]}).status_code == 201
    loose = api.post(f"/sessions/{sid}/agenda-items", {"title": "Chat", "timebox_minutes": 10}).json()
    assert loose["flagged"] is True
    assert api.post(f"/sessions/{sid}/participants", {"stakeholder": customer.pk, "right": "advises"}).status_code == 201
    assert api.post(f"/sessions/{sid}/participants", {"user": "product_owner@acme.example", "right": "decides"}).status_code == 201
    pre_read = api.post(f"/sessions/{sid}/pre-reads", {"title": "Summary", "shared_at": (when - timedelta(hours=5)).isoformat()}).json()
    assert pre_read["late"] is True
    detail = api.get(f"/sessions/{sid}").json()
    assert {f["code"] for f in detail["flags"]} == {"agenda_item_without_outcome", "late_pre_read"}
    assert [i["flagged"] for i in detail["agenda_items"]] == [False, True]
    assert len(detail["participants"]) == 2 and detail["pre_reads"][0]["late"] is True
    listing = api.get("/sessions", product="app", upcoming="true", workspace="acme").json()
    assert listing["total"] == 1 and listing["items"][0]["id"] == sid


def test_bad_input_answers_with_the_field_and_saves_nothing(api_as, product, when):
    api = api_as("scrum_master")
    response = _new(api, when, ends_at=(when - timedelta(minutes=5)).isoformat())
    assert response.status_code == 400 and response.json()["error"]["field"] == "ends_at"
    response = _new(api, when, time_zone="Nowhere/City")
    assert response.status_code == 400 and response.json()["error"]["field"] == "time_zone"
    assert not Session.objects.exists()
    sid = _new(api, when).json()["id"]
    response = api.post(f"/sessions/{sid}/agenda-items", {"title": "Long", "timebox_minutes": 90})
    assert response.status_code == 400 and response.json()["error"]["field"] == "timebox_minutes"
    assert api.get(f"/sessions/{sid}/agenda-items").json() == []


def test_participant_from_another_workspace_is_a_field_error(api_as, product, other_workspace, when):
    api = api_as("scrum_master")
    sid = _new(api, when).json()["id"]
    outsider = stakeholder_actions.create_stakeholder(actor=None, workspace=other_workspace, data={"name": "Outsider"})
    response = api.post(f"/sessions/{sid}/participants", {"stakeholder": outsider.pk, "right": "decides"})
    assert response.status_code == 400 and response.json()["error"]["field"] == "stakeholder"
    assert not Participant.objects.exists()


def test_over_the_cap_invitation_succeeds_with_a_warning(api_as, product, customer, when):
    api = api_as("product_owner")
    assert api.patch("/engagement-models/app", {"invitations_per_quarter": 1}, workspace="acme").json()["invitations_per_quarter"] == 1
    first, second = _new(api, when).json()["id"], _new(api, when + timedelta(hours=2)).json()["id"]
    assert api.post(f"/sessions/{first}/participants", {"stakeholder": customer.pk}).json()["warnings"] == []
    warned = api.post(f"/sessions/{second}/participants", {"stakeholder": customer.pk}).json()
    assert warned["warnings"] and "at most 1" in warned["warnings"][0]


def test_permissions_on_the_api(api_as, product, when, other_workspace):
    assert _new(api_as("viewer"), when).status_code == 403
    assert _new(api_as("developer"), when).status_code == 403
    sid = _new(api_as("scrum_master"), when).json()["id"]
    assert api_as("viewer").get(f"/sessions/{sid}").status_code == 200
    assert api_as("developer").post(f"/sessions/{sid}/comments", {"body": "Looks good"}).status_code == 201
    assert api_as("viewer").post(f"/sessions/{sid}/comments", {"body": "Hi"}).status_code == 403
    assert api_as("viewer").post("/glossary", {"term": "kpi", "plain": "measure"}).status_code == 403
    assert api_as("owner").post("/glossary", {"term": "kpi", "plain": "measure"}).status_code == 201


def test_another_workspace_cannot_see_the_session(api_as, product, when, other_workspace):
    from heard.core import actions as core_actions
    from tests.conftest import ApiClient

    sid = _new(api_as("scrum_master"), when).json()["id"]
    from heard.core.models import User

    outsider = ApiClient(core_actions.issue_token(actor=None, user=User.objects.get(email="owner@globex.example")))
    assert outsider.get(f"/sessions/{sid}").status_code == 404
    assert outsider.get(f"/sessions/{sid}", workspace="acme").status_code == 404


def test_plain_language_endpoint_uses_the_glossary(api_as, product):
    api = api_as("owner")
    api.post("/glossary", {"term": "reconciliation", "plain": "matching payments"}, workspace="acme")
    body = api.post("/plain-language", {"text": "We leverage reconciliation."}, workspace="acme").json()
    assert {j["term"]: j["suggestion"] for j in body["jargon"]} == {"leverage": "use", "reconciliation": "matching payments"}
    assert "score" in body and "label" in body


def test_attendance_and_comments_in_the_reader_format(api_as, product, customer, when):
    api = api_as("scrum_master")
    sid = _new(api, when).json()["id"]
    pid = api.post(f"/sessions/{sid}/participants", {"stakeholder": customer.pk}).json()["id"]
    assert api.patch(f"/sessions/{sid}/participants/{pid}", {"attendance": "attended"}).json()["attendance"] == "attended"
    assert api.patch(f"/sessions/{sid}/participants/{pid}", {"attendance": "perhaps"}).json()["error"]["field"] == "attendance"
    comment = api.post(f"/sessions/{sid}/comments", {"body": "Typed in from her e-mail", "stakeholder": customer.pk}).json()
    assert comment["author"] == "Ada Customer" and comment["author_stakeholder_id"] == customer.pk
