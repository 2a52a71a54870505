from heard.decisions import actions
from heard.decisions.models import Decision, DecisionStatus
from heard.stakeholders import actions as stakeholder_actions


def test_record_and_decide_through_the_api(api_as, product, customer, feedback_item, member):
    api = api_as("product_owner")
    r = api.post("/decisions", {"product": product.slug, "question": "Offer bank feeds?", "criteria": ["Cuts month-end work"], "touches_compliance": True}, workspace="acme")
    assert r.status_code == 201, r.content
    body = r.json()
    did = body["id"]
    assert body["status"] == "open" and body["criteria"] == ["Cuts month-end work"]
    assert {f["code"] for f in body["flags"]} >= {"no_decider", "compliance_unheard", "no_evidence"}
    assert body["compliance"] == {"required": True, "heard": False, "voices": []}

    option = api.post(f"/decisions/{did}/options", {"title": "Build", "value": "A day a month", "cost": "2 sprints", "risk": "Bank API churn"}).json()
    assert api.post(f"/decisions/{did}/evidence", {"kind": "feedback", "ref": str(feedback_item.pk), "note": "Typical"}).status_code == 201
    adviser = api.post(f"/decisions/{did}/participants", {"stakeholder": customer.pk, "right": "advises", "required": True}).json()
    assert api.post(f"/decisions/{did}/participants", {"user": "product_owner@acme.example", "right": "decides"}).status_code == 201

    r = api.post(f"/decisions/{did}/decide", {"outcome": option["id"], "rationale": "Because it saves a day."})
    assert r.status_code == 409
    assert r.json()["error"]["field"] == "participants"
    assert "Ada Customer" in r.json()["error"]["message"]

    r = api.post(f"/decisions/{did}/participants/{adviser['id']}/weigh-in", {"advice": "Yes please."})
    assert r.status_code == 200 and r.json()["weighed_in_at"]
    r = api.post(f"/decisions/{did}/decide", {"outcome": option["id"], "rationale": "Because it saves a day."})
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["status"] == "decided" and body["outcome_id"] == option["id"] and body["decided_by"] == "product_owner@acme.example"
    assert body["rationale_check"]["label"]
    assert body["evidence"][0]["stakeholder_id"] == customer.pk


def test_bad_input_gives_field_errors(api_as, product, decision):
    api = api_as("owner")
    r = api.post("/decisions", {"product": product.slug, "question": "  "}, workspace="acme")
    assert r.status_code == 400 and r.json()["error"]["field"] == "question"
    r = api.post("/decisions", {"product": product.slug, "question": "Q", "tie_break": "coin"}, workspace="acme")
    assert r.status_code == 400 and r.json()["error"]["field"] == "tie_break"
    r = api.post("/decisions", {"product": product.slug, "question": "Q", "due_date": "soon"}, workspace="acme")
    assert r.status_code == 422 and r.json()["error"]["field"] == "due_date"
    r = api.post("/decisions", {"product": "nope", "question": "Q"}, workspace="acme")
    assert r.status_code == 404 and r.json()["error"]["field"] == "product"
    r = api.post(f"/decisions/{decision.pk}/evidence", {"kind": "feedback", "ref": "12345"})
    assert r.status_code == 400 and r.json()["error"]["field"] == "ref"
    r = api.post(f"/decisions/{decision.pk}/participants", {"right": "decides"})
    assert r.status_code == 400 and r.json()["error"]["field"] == "stakeholder"
    r = api.post(f"/decisions/{decision.pk}/escalate", {"forum": 999, "reason": ""})
    assert r.status_code == 400 and set(r.json()["error"]["fields"]) == {"forum", "reason"}
    r = api.post(f"/decisions/{decision.pk}/options", {"value": "no title"})
    assert r.status_code == 422 and r.json()["error"]["field"] == "title"
    r = api.post(f"/decisions/{decision.pk}/decide", {"outcome": 1, "rationale": "x"})
    assert r.status_code == 409 and r.json()["error"]["field"] == "participants"


def test_permissions_and_isolation(api_as, product, decision, other_workspace):
    assert api_as("viewer").get(f"/decisions/{decision.pk}").status_code == 200
    assert api_as("viewer").patch(f"/decisions/{decision.pk}", {"question": "Mine"}).status_code == 403
    assert api_as("developer").post("/decisions", {"product": product.slug, "question": "Q"}).status_code == 403
    assert api_as("scrum_master").post("/escalation-forums", {"name": "Board", "final_authority": "owner@acme.example"}).status_code == 403
    # Another workspace's decision is not found, even with a workspace the caller belongs to.
    from heard.core import actions as core_actions
    from heard.decisions import actions

    theirs = core_actions.create_product(actor=None, workspace=other_workspace, slug="x", name="X")
    foreign = actions.create_decision(actor=None, product=theirs, data={"question": "Theirs"})
    assert api_as("owner").get(f"/decisions/{foreign.pk}").status_code == 404
    assert api_as("owner").get(f"/decisions/{foreign.pk}", workspace="globex").status_code == 404
    assert api_as("owner").get("/decisions", product=product.slug, status="maybe").status_code == 400


def test_escalate_supersede_and_forums(api_as, product, decision, member, workspace):
    api = api_as("owner")
    r = api.post("/escalation-forums", {"name": "Product council", "final_authority": "owner@acme.example", "members": ["product_owner@acme.example"], "deadline_days": 5})
    assert r.status_code == 201, r.content
    forum = r.json()
    assert forum["members"] == ["owner@acme.example", "product_owner@acme.example"]
    assert api.post("/escalation-forums", {"name": "product council", "final_authority": "owner@acme.example"}).json()["error"]["field"] == "name"

    r = api.post(f"/decisions/{decision.pk}/escalate", {"forum": forum["id"], "reason": "Sales and support disagree."})
    assert r.status_code == 200
    assert r.json()["status"] == "escalated" and r.json()["forum_id"] == forum["id"] and r.json()["escalation_deadline"]
    assert api.get(f"/escalation-forums/{forum['id']}").json()["waiting"] == [decision.pk]
    assert api.delete(f"/escalation-forums/{forum['id']}").status_code == 409

    r = api.post(f"/decisions/{decision.pk}/supersede", {"question": "Buy a bank-feed service instead?"})
    assert r.status_code == 201
    assert r.json()["supersedes_id"] == decision.pk
    assert api.get(f"/decisions/{decision.pk}").json()["superseded_by"] == [r.json()["id"]]
    assert Decision.objects.get(pk=decision.pk).status == DecisionStatus.SUPERSEDED
    listed = api.get("/decisions", product=product.slug, status="superseded").json()
    assert [d["id"] for d in listed["items"]] == [decision.pk]


def test_disclosures_in_the_api(api_as, decision, workspace):
    partner = stakeholder_actions.create_stakeholder(actor=None, workspace=workspace, data={"name": "Paul Partner", "kind": "partner"})
    stakeholder_actions.add_disclosure(actor=None, stakeholder=partner, kind="conflict_of_interest", description="Sells a competing add-on.")
    api = api_as("product_owner")
    api.post(f"/decisions/{decision.pk}/participants", {"stakeholder": partner.pk, "right": "advises"})
    body = api.get(f"/decisions/{decision.pk}").json()
    assert body["disclosures"][0]["name"] == "Paul Partner"
    assert body["disclosures"][0]["kind"] == "conflict_of_interest"


def test_comments_api(api_as, decision, customer):
    api = api_as("developer")
    r = api.post(f"/decisions/{decision.pk}/comments", {"body": "Typed in from a call.", "stakeholder": customer.pk})
    assert r.status_code == 201 and r.json()["author"] == "Ada Customer"
    assert api.post(f"/decisions/{decision.pk}/comments", {"body": ""}).json()["error"]["field"] == "body"
    assert len(api_as("viewer").get(f"/decisions/{decision.pk}/comments").json()) == 1


def test_the_api_refuses_an_outcome_from_someone_without_the_decide_right(api_as, decision, option, member):
    actions.add_participant(actor=None, decision=decision, user=member("product_owner").pk, right="decides")
    r = api_as("owner").post(f"/decisions/{decision.pk}/decide", {"outcome": option.pk, "rationale": "Because."})
    assert r.status_code == 403
    error = r.json()["error"]
    assert error["field"] == "participants" and "holds the right to decide" in error["message"]
    assert api_as("product_owner").post(f"/decisions/{decision.pk}/decide", {"outcome": option.pk, "rationale": "Because."}).status_code == 200
