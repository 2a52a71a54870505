import pytest

from heard.stakeholders import actions


@pytest.fixture
def segments(workspace):
    actions.create_segment(actor=None, workspace=workspace, data={"name": "Enterprise", "slug": "enterprise"})
    actions.create_segment(actor=None, workspace=workspace, data={"name": "Small business", "slug": "small-business"})


def test_api_requires_a_token(workspace, client):
    response = client.get("/api/v1/stakeholders")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"


def test_bad_token_is_refused(workspace, client):
    response = client.get("/api/v1/stakeholders", headers={"Authorization": "Bearer hrd_nope"})
    assert response.status_code == 401


def test_create_get_update_delete_a_stakeholder(api_as, segments):
    api = api_as("product_owner")
    created = api.post("/stakeholders", {"name": "Ada", "email": "ada@example.com", "kind": "buyer", "segments": ["enterprise"], "influence": 4})
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["segments"][0]["slug"] == "enterprise"
    sid = body["id"]
    assert api.get(f"/stakeholders/{sid}").json()["email"] == "ada@example.com"
    patched = api.patch(f"/stakeholders/{sid}", {"interest": 5})
    assert patched.status_code == 200 and patched.json()["interest"] == 5 and patched.json()["influence"] == 4
    assert api.delete(f"/stakeholders/{sid}").status_code == 204
    assert api.get(f"/stakeholders/{sid}").status_code == 404


@pytest.mark.parametrize(
    ("payload", "field", "status"),
    [
        ({"name": "X", "influence": 9}, "influence", 400),
        ({"name": "X", "segments": ["unknown"]}, "segments", 400),
        ({"name": "X", "time_zone": "Europe/Atlantis"}, "time_zone", 400),
        ({"name": "X", "influence": "lots"}, "influence", 422),
        ({"email": "x@example.com"}, "name", 422),
    ],
)
def test_bad_input_names_the_field(api_as, segments, payload, field, status):
    response = api_as("owner").post("/stakeholders", payload)
    assert response.status_code == status, response.content
    assert response.json()["error"]["field"] == field
    assert response.json()["error"]["message"]


def test_duplicate_email_is_a_conflict(api_as):
    api = api_as("owner")
    assert api.post("/stakeholders", {"name": "A", "email": "a@example.com"}).status_code == 201
    response = api.post("/stakeholders", {"name": "B", "email": "A@example.com"})
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "email"


def test_list_is_paginated_and_filterable(api_as, segments):
    api = api_as("owner")
    for i in range(7):
        api.post("/stakeholders", {"name": f"Person {i}", "kind": "buyer" if i % 2 else "end_user", "segments": ["enterprise"] if i < 3 else []})
    page = api.get("/stakeholders", per_page=3, page=2).json()
    assert (page["total"], page["pages"], page["page"], len(page["items"])) == (7, 3, 2, 3)
    assert api.get("/stakeholders", kind="buyer").json()["total"] == 3
    assert api.get("/stakeholders", segment="enterprise").json()["total"] == 3
    assert [s["name"] for s in api.get("/stakeholders", q="Person 4").json()["items"]] == ["Person 4"]


def test_viewer_can_read_but_not_write(api_as):
    viewer = api_as("viewer")
    assert viewer.get("/stakeholders").status_code == 200
    response = viewer.post("/stakeholders", {"name": "Nope"})
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"


def test_other_workspace_is_invisible(api_as, other_workspace):
    response = api_as("owner").get("/stakeholders", workspace="globex")
    assert response.status_code == 404


def test_organisations_segments_and_consents(api_as, segments):
    api = api_as("owner")
    org = api.post("/organisations", {"name": "Kestrel", "segment": "enterprise", "region": "EMEA"})
    assert org.status_code == 201, org.content
    assert api.post("/organisations", {"name": "kestrel"}).json()["error"]["field"] == "name"
    seg = api.post("/segments", {"name": "Public sector", "target_share": 20})
    assert seg.status_code == 201 and seg.json()["slug"] == "public-sector"
    assert api.patch(f"/segments/{seg.json()['id']}", {"target_share": 150}).json()["error"]["field"] == "target_share"
    person = api.post("/stakeholders", {"name": "Ada", "organisation": "Kestrel"}).json()
    assert person["organisation"]["name"] == "Kestrel"
    consent = api.post("/consents", {"stakeholder": person["id"], "purpose": "contact", "disclosure_text": "We e-mail you."})
    assert consent.status_code == 201 and consent.json()["active"] is True
    withdrawn = api.patch(f"/consents/{consent.json()['id']}", {"withdrawn": True})
    assert withdrawn.json()["active"] is False and withdrawn.json()["withdrawn_at"]
    assert api.get("/consents", active=True).json()["total"] == 0
    bad = api.post("/consents", {"stakeholder": person["id"], "purpose": "gossip", "disclosure_text": "x"})
    assert bad.status_code == 400 and bad.json()["error"]["field"] == "purpose"


def test_export_and_erase(api_as):
    api = api_as("owner")
    person = api.post("/stakeholders", {"name": "Ada Lovelace", "email": "ada@example.com", "notes": "Call on Mondays"}).json()
    exported = api.get(f"/stakeholders/{person['id']}/export")
    assert exported.status_code == 200 and exported.json()["stakeholder"]["notes"] == "Call on Mondays"
    erased = api.post(f"/stakeholders/{person['id']}/erase")
    assert erased.status_code == 200
    assert erased.json()["erased"] is True and erased.json()["email"] == "" and "Ada" not in erased.json()["name"]
    assert api.post(f"/stakeholders/{person['id']}/erase").status_code == 409
    assert api_as("scrum_master").get(f"/stakeholders/{person['id']}/export").status_code == 403


def test_openapi_document_lists_the_stakeholder_routes(client, db):
    spec = client.get("/api/v1/openapi.json").json()
    for path in ("/api/v1/stakeholders", "/api/v1/organisations", "/api/v1/segments", "/api/v1/consents"):
        assert path in spec["paths"]
