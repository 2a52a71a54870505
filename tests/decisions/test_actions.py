from datetime import timedelta

import pytest
from django.utils import timezone

from heard.core.errors import HeardError
from heard.core.models import AuditEvent
from heard.decisions import actions, queries
from heard.decisions.models import DecisionStatus
from heard.stakeholders import actions as stakeholder_actions


def codes(decision):
    return {f.code for f in queries.decision_flags(decision)}


def test_decide_refused_while_required_adviser_has_not_weighed_in(decision, option, member, customer):
    actions.add_participant(actor=None, decision=decision, user=member("product_owner").pk, right="decides")
    adviser = actions.add_participant(actor=None, decision=decision, stakeholder=customer.pk, right="advises", required=True)
    with pytest.raises(HeardError) as exc:
        actions.decide(actor=member("product_owner"), decision=decision, outcome=option.pk, rationale="Because customers lose a day a month.")
    assert exc.value.code == "conflict"
    assert "Ada Customer" in exc.value.message
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.OPEN
    assert "missing_advice" in codes(decision)

    actions.weigh_in(actor=member("scrum_master"), participant=adviser, advice="Please do it; we copy lines by hand.")
    customer.refresh_from_db()
    assert customer.last_heard_at is not None
    actions.decide(actor=member("product_owner"), decision=decision, outcome=option.pk, rationale="Because customers lose a day a month.")
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.DECIDED
    assert decision.outcome == option
    assert decision.decided_by == member("product_owner")
    assert AuditEvent.objects.filter(verb="decision.decided", object_id=str(decision.pk)).count() == 1


def test_decide_refused_when_no_one_holds_the_right_to_decide(decision, option, member, customer):
    actions.add_participant(actor=None, decision=decision, stakeholder=customer.pk, right="advises")
    assert "no_decider" in codes(decision)
    with pytest.raises(HeardError) as exc:
        actions.decide(actor=member("owner"), decision=decision, outcome=option.pk, rationale="Because.")
    assert exc.value.code == "conflict"
    assert "No one holds the right to decide" in exc.value.message


def test_decide_needs_an_option_and_a_rationale(decision, option, member):
    actions.add_participant(actor=None, decision=decision, user=member("owner").pk, right="decides")
    with pytest.raises(HeardError) as exc:
        actions.decide(actor=member("owner"), decision=decision, outcome=None, rationale="  ")
    assert exc.value.errors.keys() == {"outcome", "rationale"}
    other = actions.create_decision(actor=None, product=decision.product, data={"question": "Other?"})
    foreign = actions.add_option(actor=None, decision=other, data={"title": "Elsewhere"})
    with pytest.raises(HeardError) as exc:
        actions.decide(actor=member("owner"), decision=decision, outcome=foreign.pk, rationale="Because.")
    assert exc.value.field == "outcome"


def test_only_roles_with_decide_capability_record_the_outcome(decision, option, member):
    actions.add_participant(actor=None, decision=decision, user=member("developer").pk, right="decides")
    for role in ("developer", "scrum_master", "viewer"):
        with pytest.raises(HeardError) as exc:
            actions.decide(actor=member(role), decision=decision, outcome=option.pk, rationale="Because.")
        assert exc.value.code == "forbidden"
    with pytest.raises(HeardError) as exc:
        actions.create_decision(actor=member("developer"), product=decision.product, data={"question": "Mine?"})
    assert exc.value.code == "forbidden"


def test_decided_decision_is_a_record(decision, option, member):
    actions.add_participant(actor=None, decision=decision, user=member("owner").pk, right="decides")
    actions.decide(actor=member("owner"), decision=decision, outcome=option.pk, rationale="Because it saves a day.")
    with pytest.raises(HeardError) as exc:
        actions.add_option(actor=None, decision=decision, data={"title": "Late idea"})
    assert exc.value.code == "conflict"
    with pytest.raises(HeardError):
        actions.delete_decision(actor=None, decision=decision)


def test_escalation_moves_the_decision_and_only_the_final_authority_decides(decision, option, forum, member):
    with pytest.raises(HeardError) as exc:
        actions.escalate(actor=member("scrum_master"), decision=decision, forum=forum.pk, reason="")
    assert exc.value.field == "reason"
    actions.escalate(actor=member("scrum_master"), decision=decision, forum=forum.pk, reason="The product owner and sales disagree.")
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.ESCALATED
    assert decision.forum == forum
    assert decision.escalation_reason == "The product owner and sales disagree."
    assert decision.escalation_deadline == timezone.localdate() + timedelta(days=7)
    assert list(queries.forum_decisions(member("viewer"), forum)) == [decision]

    with pytest.raises(HeardError) as exc:
        actions.decide(actor=member("product_owner"), decision=decision, outcome=option.pk, rationale="Because.")
    assert exc.value.code == "forbidden"
    assert "final authority" in exc.value.message
    actions.decide(actor=member("owner"), decision=decision, outcome=option.pk, rationale="Because the council weighed both sides.")
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.DECIDED


def test_cannot_escalate_to_another_workspaces_forum(decision, other_workspace):
    from heard.core.models import User

    foreign = actions.create_forum(actor=None, workspace=other_workspace, data={"name": "Their board", "final_authority": User.objects.get(email="owner@globex.example").pk})
    with pytest.raises(HeardError) as exc:
        actions.escalate(actor=None, decision=decision, forum=foreign.pk, reason="Try")
    assert exc.value.field == "forum"


def test_forum_needs_a_final_authority_from_the_workspace(workspace, other_workspace):
    with pytest.raises(HeardError) as exc:
        actions.create_forum(actor=None, workspace=workspace, data={"name": "Board", "final_authority": "owner@globex.example", "deadline_days": 0})
    assert exc.value.errors.keys() == {"final_authority", "deadline_days"}


def test_supersede_marks_the_old_decision_superseded(decision, member):
    new = actions.supersede(actor=member("product_owner"), decision=decision, data={"question": "Should we buy a bank-feed service instead?"})
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.SUPERSEDED
    assert new.supersedes == decision
    assert list(decision.superseded_by.all()) == [new]
    with pytest.raises(HeardError):
        actions.supersede(actor=None, decision=decision, data={"question": "Again?"})
    with pytest.raises(HeardError) as exc:
        actions.create_decision(actor=None, product=decision.product, data={"question": "Third", "supersedes": decision.pk})
    assert exc.value.field == "supersedes"


def test_disclosures_of_advisers_are_shown(decision, workspace, customer):
    partner = stakeholder_actions.create_stakeholder(actor=None, workspace=workspace, data={"name": "Paul Partner", "kind": "partner"})
    onlooker = stakeholder_actions.create_stakeholder(actor=None, workspace=workspace, data={"name": "Ian Informed"})
    stakeholder_actions.add_disclosure(actor=None, stakeholder=partner, kind="conflict_of_interest", description="Sells a competing add-on.")
    stakeholder_actions.add_disclosure(actor=None, stakeholder=onlooker, kind="incentive", description="Gift card.")
    actions.add_participant(actor=None, decision=decision, stakeholder=partner.pk, right="advises")
    actions.add_participant(actor=None, decision=decision, stakeholder=onlooker.pk, right="informed")
    shown = queries.adviser_disclosures(decision)
    assert [(p.person_name, d.description) for p, d in shown] == [("Paul Partner", "Sells a competing add-on.")]


def test_compliance_decision_flags_when_no_regulator_was_heard_before_it(decision, option, member, regulator, ticket):
    actions.update_decision(actor=None, decision=decision, data={"touches_compliance": True})
    actions.add_participant(actor=None, decision=decision, user=member("owner").pk, right="decides")
    reg = actions.add_participant(actor=None, decision=decision, stakeholder=regulator.pk, right="advises")
    assert "compliance_unheard" in codes(decision)
    actions.decide(actor=member("owner"), decision=decision, outcome=option.pk, rationale="Because it saves a day.")
    decision.refresh_from_db()
    assert "compliance_unheard" in codes(decision)
    # Advice after the decision does not count as heard before it.
    reg.weighed_in_at = timezone.now() + timedelta(minutes=5)
    reg.save()
    assert queries.compliance_voice(decision).heard is False


def test_regulator_evidence_before_deciding_counts_as_heard(decision, option, member, ticket):
    actions.update_decision(actor=None, decision=decision, data={"touches_compliance": True})
    actions.add_evidence(actor=None, decision=decision, kind="ticket", ref="SUP-9", note="The regulator asked where data lives.")
    actions.add_participant(actor=None, decision=decision, user=member("owner").pk, right="decides")
    actions.decide(actor=member("owner"), decision=decision, outcome=option.pk, rationale="Because it saves a day.")
    voice = queries.compliance_voice(decision)
    assert voice.heard and "Rita Regulator" in voice.voices[0]
    assert "compliance_unheard" not in codes(decision)


def test_edge_case_segment_without_input_is_flagged(decision, workspace, edge_segment, customer, feedback_item):
    assert "edge_case_unheard" in codes(decision)
    actions.add_evidence(actor=None, decision=decision, kind="feedback", ref=feedback_item.pk)
    assert "edge_case_unheard" in codes(decision)
    stakeholder_actions.update_stakeholder(actor=None, stakeholder=customer, data={"segments": [edge_segment.slug]})
    assert "edge_case_unheard" not in codes(decision)


def test_evidence_links_each_kind_once(decision, feedback_item, backlog_item, ticket):
    actions.add_evidence(actor=None, decision=decision, kind="feedback", ref=feedback_item.pk)
    actions.add_evidence(actor=None, decision=decision, kind="backlog_item", ref="inv-142")
    actions.add_evidence(actor=None, decision=decision, kind="ticket", ref=ticket.pk)
    assert [e.target for e in queries.evidence(decision)] == [feedback_item, backlog_item, ticket]
    with pytest.raises(HeardError) as exc:
        actions.add_evidence(actor=None, decision=decision, kind="feedback", ref=feedback_item.pk)
    assert exc.value.field == "ref"
    with pytest.raises(HeardError) as exc:
        actions.add_evidence(actor=None, decision=decision, kind="rumour", ref="1")
    assert exc.value.field == "kind"
    with pytest.raises(HeardError) as exc:
        actions.add_evidence(actor=None, decision=decision, kind="feedback", ref="999999")
    assert exc.value.field == "ref"


def test_required_only_for_advisers_and_people_once(decision, member, customer):
    with pytest.raises(HeardError) as exc:
        actions.add_participant(actor=None, decision=decision, stakeholder=customer.pk, right="informed", required=True)
    assert exc.value.field == "required"
    actions.add_participant(actor=None, decision=decision, stakeholder=customer.pk, right="advises")
    with pytest.raises(HeardError) as exc:
        actions.add_participant(actor=None, decision=decision, stakeholder=customer.pk, right="decides")
    assert exc.value.field == "stakeholder"
    with pytest.raises(HeardError) as exc:
        actions.add_participant(actor=None, decision=decision)
    assert exc.value.field == "stakeholder"


def test_open_for_comment_query_and_portal_comment(product, workspace, customer, other_workspace):
    open_one = actions.create_decision(actor=None, product=product, data={"question": "Which reminder wording?", "open_for_comment": True})
    actions.create_decision(actor=None, product=product, data={"question": "Secret pricing?", "confidential": True})
    hidden = actions.create_decision(actor=None, product=product, data={"question": "Team only", "open_for_comment": True})
    hidden.confidential = True  # set behind the action's back: the query must still hide it
    hidden.save()
    closed = actions.create_decision(actor=None, product=product, data={"question": "Old", "open_for_comment": True})
    actions.supersede(actor=None, decision=closed, data={"question": "New"})
    assert list(queries.open_for_comment(customer)) == [open_one]

    outsider = stakeholder_actions.create_stakeholder(actor=None, workspace=other_workspace, data={"name": "Olga Outsider"})
    assert list(queries.open_for_comment(outsider)) == []

    comment = actions.add_comment(actor=None, decision=open_one, stakeholder=customer, body="The friendlier one, please.")
    assert comment.author_stakeholder == customer and comment.author_user is None
    customer.refresh_from_db()
    assert customer.last_heard_at == comment.created_at
    with pytest.raises(HeardError) as exc:
        actions.add_comment(actor=None, decision=hidden, stakeholder=customer, body="Peek")
    assert exc.value.code == "not_found"
    with pytest.raises(HeardError) as exc:
        actions.add_comment(actor=None, decision=open_one, stakeholder=outsider, body="Hi")
    assert exc.value.field == "stakeholder"
    with pytest.raises(HeardError) as exc:
        actions.add_comment(actor=None, decision=open_one, stakeholder=customer, body=" ")
    assert exc.value.field == "body"


def test_confidential_decision_cannot_be_open_for_comment(product):
    with pytest.raises(HeardError) as exc:
        actions.create_decision(actor=None, product=product, data={"question": "Q", "confidential": True, "open_for_comment": True})
    assert exc.value.field == "open_for_comment"


def test_erasure_blanks_what_the_person_wrote(decision, customer, member):
    participant = actions.add_participant(actor=None, decision=decision, stakeholder=customer.pk, right="advises")
    actions.weigh_in(actor=None, participant=participant, advice="Ada thinks yes.")
    actions.add_comment(actor=member("owner"), decision=decision, stakeholder=customer.pk, body="Ada again")
    stakeholder_actions.erase_stakeholder(actor=None, stakeholder=customer)
    participant.refresh_from_db()
    assert participant.advice == "(erased)"
    assert decision.comments.get().body == "(erased)"


def test_rationale_gets_a_plain_language_check(decision, option, member):
    actions.add_participant(actor=None, decision=decision, user=member("owner").pk, right="decides")
    actions.decide(actor=member("owner"), decision=decision, outcome=option.pk, rationale="Because we leverage synergies to facilitate onboarding going forward.")
    result = queries.rationale_check(decision)
    assert {h.term for h in result.jargon} >= {"leverage", "synergies", "facilitate", "onboarding", "going forward"}


def test_only_the_person_holding_the_decide_right_records_the_outcome(decision, option, member):
    """Issue 10 defect: an owner could record a decision whose decider is someone else."""
    actions.add_participant(actor=None, decision=decision, user=member("product_owner").pk, right="decides")
    with pytest.raises(HeardError) as exc:
        actions.decide(actor=member("owner"), decision=decision, outcome=option.pk, rationale="Because I say so.")
    assert (exc.value.code, exc.value.field) == ("forbidden", "participants")
    assert "only Product Owner, who holds the right to decide" in exc.value.message
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.OPEN
    actions.decide(actor=member("product_owner"), decision=decision, outcome=option.pk, rationale="Because it saves a day.")
    decision.refresh_from_db()
    assert decision.decided_by == member("product_owner")


def test_a_stakeholders_decision_is_recorded_by_the_team_for_them(decision, option, member, customer):
    """A stakeholder holding the decide right has no team login: someone whose role may decide
    records their decision; a team member who is not the decider cannot override a team decider."""
    actions.add_participant(actor=None, decision=decision, stakeholder=customer.pk, right="decides")
    actions.decide(actor=member("product_owner"), decision=decision, outcome=option.pk, rationale="Because Ada chose it.")
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.DECIDED


def test_after_escalation_the_final_authority_decides_even_if_not_the_decider(decision, option, forum, member):
    actions.add_participant(actor=None, decision=decision, user=member("product_owner").pk, right="decides")
    actions.escalate(actor=member("scrum_master"), decision=decision, forum=forum.pk, reason="Sales disagree.")
    with pytest.raises(HeardError) as exc:
        actions.decide(actor=member("product_owner"), decision=decision, outcome=option.pk, rationale="Because.")
    assert exc.value.code == "forbidden" and exc.value.field == "participants"
    actions.decide(actor=member("owner"), decision=decision, outcome=option.pk, rationale="Because the council agreed.")
    decision.refresh_from_db()
    assert decision.decided_by == member("owner")
