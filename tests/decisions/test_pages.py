from heard.decisions import actions
from heard.decisions.models import Decision, DecisionStatus


def url(product, path=""):
    return f"/w/acme/p/{product.slug}/decisions/{path}"


def test_list_filters_by_status(client_as, product, decision):
    other = actions.create_decision(actor=None, product=product, data={"question": "Change reminder wording?"})
    actions.supersede(actor=None, decision=other, data={"question": "Drop reminders?"})
    client = client_as("viewer")
    page = client.get(url(product)).content.decode()
    assert "Should we build native bank feeds?" in page and "Change reminder wording?" in page
    page = client.get(url(product), {"status": "superseded"}).content.decode()
    assert "Change reminder wording?" in page and "Should we build native bank feeds?" not in page
    partial = client.get(url(product), {"status": "open"}, headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in partial and "Should we build native bank feeds?" in partial


def test_create_shows_errors_next_to_fields(client_as, product):
    client = client_as("scrum_master")
    r = client.post(url(product, "new/"), {"question": "", "due_date": "next week", "tie_break": "product_owner"})
    assert r.status_code == 400
    form = r.context["form"]
    assert "question" in form.errors and "due_date" in form.errors
    r = client.post(url(product, "new/"), {"question": "Add bank feeds?", "criteria": "- Cuts month-end work\n\n- Safe", "due_date": "2027-01-31", "tie_break": "lowest_risk", "touches_compliance": "on"})
    decision = Decision.objects.get()
    assert r.status_code == 302 and r["Location"].endswith(f"/decisions/{decision.pk}/")
    assert decision.criteria == ["Cuts month-end work", "Safe"] and decision.touches_compliance


def test_detail_shows_options_evidence_rights_flags_and_disclosures(client_as, product, decision, option, feedback_item, customer, member, workspace):
    from heard.stakeholders import actions as stakeholder_actions

    stakeholder_actions.add_disclosure(actor=None, stakeholder=customer, kind="incentive", description="Got a renewal discount.")
    actions.add_evidence(actor=None, decision=decision, kind="feedback", ref=feedback_item.pk, note="Typical month-end pain")
    actions.add_participant(actor=None, decision=decision, stakeholder=customer.pk, right="advises", required=True)
    page = client_as("viewer").get(url(product, f"{decision.pk}/")).content.decode()
    for text in ("Build it now", "Two sprints", "Bank API changes", "Typical month-end pain", "Ada Customer", "Got a renewal discount.", "Cuts month-end work", 'data-flag="no_decider"', 'data-flag="missing_advice"'):
        assert text in page, text
    assert "Record the decision" not in page  # viewers cannot decide
    assert "Add an option" not in page


def test_decide_on_the_page_explains_missing_advice(client_as, product, decision, option, customer, member):
    actions.add_participant(actor=None, decision=decision, user=member("product_owner").pk, right="decides")
    adviser = actions.add_participant(actor=None, decision=decision, stakeholder=customer.pk, right="advises", required=True)
    client = client_as("product_owner")
    r = client.post(url(product, f"{decision.pk}/decide/"), {"outcome": str(option.pk), "rationale": "Because it saves a day."})
    assert r.status_code == 400
    assert "Ada Customer has not weighed in yet" in r.content.decode()
    r = client.post(url(product, f"{decision.pk}/participants/{adviser.pk}/weigh-in/"), {"advice": "  "})
    assert r.status_code == 400 and "Advice is required." in r.content.decode()
    client.post(url(product, f"{decision.pk}/participants/{adviser.pk}/weigh-in/"), {"advice": "Go ahead."})
    r = client.post(url(product, f"{decision.pk}/decide/"), {"outcome": str(option.pk), "rationale": ""})
    assert r.status_code == 400 and "rationale" in r.context["decide_form"].errors
    r = client.post(url(product, f"{decision.pk}/decide/"), {"outcome": str(option.pk), "rationale": "Because it saves a day."})
    assert r.status_code == 302
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.DECIDED
    page = client.get(url(product, f"{decision.pk}/")).content.decode()
    assert "Because it saves a day." in page and "Plain language of the rationale" in page


def test_escalate_and_forum_pages(client_as, product, decision, member):
    owner = client_as("owner")
    r = owner.post(url(product, "forums/new/"), {"name": "", "final_authority": "", "deadline_days": "0"})
    assert r.status_code == 400 and {"name", "final_authority", "deadline_days"} <= set(r.context["form"].errors)
    r = owner.post(url(product, "forums/new/"), {"name": "Product council", "final_authority": str(member("owner").pk), "members": [str(member("product_owner").pk)], "deadline_days": "7"})
    assert r.status_code == 302
    forum = decision.product.workspace.escalation_forums.get()
    sm = client_as("scrum_master")
    r = sm.post(url(product, f"{decision.pk}/escalate/"), {"forum": "", "reason": ""})
    assert r.status_code == 400 and {"forum", "reason"} <= set(r.context["escalate_form"].errors)
    r = sm.post(url(product, f"{decision.pk}/escalate/"), {"forum": str(forum.pk), "reason": "Sales and support disagree."})
    assert r.status_code == 302
    page = owner.get(url(product, "forums/")).content.decode()
    assert "Product council" in page and decision.question in page
    # The final authority sees the decide form; the product owner does not.
    assert "Record the decision" in owner.get(url(product, f"{decision.pk}/")).content.decode()
    assert "Record the decision" not in client_as("product_owner").get(url(product, f"{decision.pk}/")).content.decode()


def test_page_permissions(client_as, product, decision, other_workspace):
    assert client_as("viewer").get(url(product, "new/")).status_code == 403
    assert client_as("developer").post(url(product, f"{decision.pk}/options/"), {"title": "x"}).status_code == 403
    assert client_as("scrum_master").get(url(product, "forums/new/")).status_code == 403
    assert client_as("viewer").get(url(product, "999999/")).status_code == 404
    assert client_as("viewer").get(f"/w/globex/p/{product.slug}/decisions/").status_code == 404


def test_supersede_from_the_page(client_as, product, decision):
    client = client_as("product_owner")
    r = client.get(url(product, f"{decision.pk}/supersede/"))
    assert r.status_code == 302 and r["Location"].endswith(f"?supersedes={decision.pk}")
    form_page = client.get(r["Location"])
    assert form_page.context["form"].initial["supersedes"] == str(decision.pk)
    client.post(url(product, "new/"), {"question": "Buy a service instead?", "tie_break": "product_owner", "supersedes": str(decision.pk)})
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.SUPERSEDED
    assert "Superseded by" in client.get(url(product, f"{decision.pk}/")).content.decode()


def test_the_decide_form_refuses_an_owner_who_is_not_the_decider(client_as, product, decision, option, member):
    actions.add_participant(actor=None, decision=decision, user=member("product_owner").pk, right="decides")
    r = client_as("owner").post(url(product, f"{decision.pk}/decide/"), {"outcome": str(option.pk), "rationale": "Because."})
    assert r.status_code == 400
    assert "only Product Owner, who holds the right to decide" in r.content.decode()
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.OPEN


def test_the_decide_form_is_offered_only_to_who_may_decide(client_as, product, decision, option, member):
    # Nobody holds the right yet: no form for anyone, and an owner is told why.
    owner_page = client_as("owner").get(url(product, f"{decision.pk}/")).content.decode()
    assert "Record the decision" not in owner_page
    assert "No one holds the right to decide this decision" in owner_page
    actions.add_participant(actor=None, decision=decision, user=member("product_owner").pk, right="decides")
    # The product owner holds it: they get the form; the owner, whose role could decide, is told who may.
    assert "Record the decision" in client_as("product_owner").get(url(product, f"{decision.pk}/")).content.decode()
    owner_page = client_as("owner").get(url(product, f"{decision.pk}/")).content.decode()
    assert "Record the decision" not in owner_page
    assert "only Product Owner, who holds the right to decide" in owner_page
    # Roles that may never decide see neither form nor note.
    for role in ("viewer", "developer"):
        page = client_as(role).get(url(product, f"{decision.pk}/")).content.decode()
        assert "Record the decision" not in page and "data-decide-note" not in page, role
