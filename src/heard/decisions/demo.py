"""Decision records for the demo workspace: decided ones with advisers and evidence, one
escalated to the product council, one superseded, one open for comment, and one that
shows the edge-case flag.

Idempotent: a decision is looked up by product and question before it is created, and its
options, evidence and people are added only when it is created. Evidence links to demo
feedback, tickets and backlog items that exist at that moment, so the decisions demo should
run after the feedback, backlog and support demos (decisions after support in INSTALLED_APPS).
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from . import actions
from .models import Decision, DecisionStatus

FORUM = {"name": "Product council", "description": "The product leads and the owner. Settles decisions the product owner and the people who advise cannot agree on.", "deadline_days": 10}

# Each decision: product, question, fields, options, evidence (kind, lookup), people, outcome.
# People: ("team", role) or ("stakeholder", kind, nth) with a right, required, advice.
DECISIONS = [
    {
        "product": "invoicing", "question": "Do we build native bank feeds, or keep CSV bank imports?",
        "data": {"context": "Clerks match bank payments to invoices by hand. A partner offers a paid add-on that does it.", "criteria": ["Cuts the time to match payments", "Keeps payment data safe", "Fits in two sprints"], "tie_break": "customer_impact", "touches_compliance": True},
        "options": [
            {"title": "Build native bank feeds", "value": "Hours saved every week for every clerk", "cost": "Two sprints, plus bank API upkeep", "risk": "Banks change their APIs"},
            {"title": "Keep CSV imports and improve matching", "value": "Quicker to ship", "cost": "One sprint", "risk": "Clerks still download files by hand"},
            {"title": "Recommend the partner add-on", "value": "No build at all", "cost": "Customers pay extra", "risk": "Partner has a conflict of interest"},
        ],
        "evidence": [("backlog_item", "INV-105"), ("feedback", "bank payments"), ("ticket", "Bank payments do not match")],
        "people": [("team", "product_owner", "decides", False, ""), ("stakeholder", "buyer", 0, "advises", True, "Do it: our clerk loses half a day a week."),
                   ("stakeholder", "partner", 0, "advises", False, "Our add-on already does this; building it twice wastes effort."),
                   ("stakeholder", "regulator", 0, "advises", True, "Fine if bank tokens are stored encrypted and customers can revoke access."),
                   ("team", "developer", "contributes", False, "")],
        "outcome": (0, "Because clerks told us matching takes hours every week, and a native feed removes the download step for everyone, not only for those who pay for an add-on."),
    },
    {
        "product": "invoicing", "question": "Send payment reminders by text message only?",
        "data": {"context": "An early idea to cut e-mail reminders.", "criteria": ["Customers notice the reminder"]},
        "options": [{"title": "Text messages only"}, {"title": "E-mail only"}],
        "evidence": [("feedback", "reminders")],
        "people": [("team", "product_owner", "decides", False, "")],
        "superseded_by": "Which wording do payment reminders use?",
    },
    {
        "product": "invoicing", "question": "Which wording do payment reminders use?",
        "data": {"context": "Customers said our reminders sound cold. We drafted two versions and want to hear from you.", "criteria": ["Polite", "Clear about the amount and the date"], "open_for_comment": True, "due_in_days": 10},
        "options": [{"title": "Friendly: “A quick reminder about invoice 123”"}, {"title": "Formal: “Payment reminder for invoice 123”"}],
        "evidence": [("backlog_item", "INV-103"), ("ticket", "Payment reminder sent on a public holiday")],
        "people": [("team", "product_owner", "decides", False, ""), ("stakeholder", "end_user", 0, "advises", False, ""), ("stakeholder", "end_user", 1, "contributes", False, "")],
    },
    {
        "product": "invoicing", "question": "How long do we keep payment data in exports?",
        "data": {"context": "Bookkeepers want ten years of exports; the data protection officer wants less.", "criteria": ["Meets tax law", "Keeps as little personal data as we can"], "tie_break": "final_authority", "touches_compliance": True, "confidential": True},
        "options": [{"title": "Ten years, as tax law asks", "risk": "More personal data kept"}, {"title": "Two years, older on request", "risk": "Bookkeepers must ask for older exports"}],
        "evidence": [("backlog_item", "INV-102"), ("feedback", "DATEV export")],
        "people": [("team", "product_owner", "decides", False, ""), ("stakeholder", "regulator", 1, "advises", True, ""), ("stakeholder", "buyer", 1, "advises", False, "Ten years, or our auditors complain.")],
        "escalate": "The product owner and the data protection officer disagree, and it touches legal duties.",
    },
    {
        "product": "field-app", "question": "Do photos sync over mobile data, or only on Wi-Fi?",
        "data": {"context": "Uploads over 3G fail halfway.", "criteria": ["Every photo arrives", "Technicians do not pay for data"], "due_in_days": -3},
        "options": [{"title": "Sync over any connection, resuming where it stopped"}, {"title": "Only on Wi-Fi"}],
        "evidence": [("backlog_item", "FLD-202"), ("feedback", "photos over 3G"), ("ticket", "Photos disappear")],
        "people": [("team", "product_owner", "decides", False, ""), ("stakeholder", "operator", 0, "advises", False, "")],
    },
    {
        "product": "field-app", "question": "Keep signatures on the device when offline?",
        "data": {"context": "Signatures captured without signal were lost.", "criteria": ["No signature is lost", "Signatures are stored safely"], "tie_break": "lowest_risk"},
        "options": [{"title": "Keep them encrypted on the device until sent"}, {"title": "Block signing while offline"}],
        "evidence": [("backlog_item", "FLD-201"), ("feedback", "Offline signatures"), ("ticket", "Signature pad")],
        "people": [("team", "product_owner", "decides", False, ""), ("stakeholder", "operator", 1, "advises", True, "Keep them; blocking the job is worse.")],
        "outcome": (0, "Because technicians often work without signal, and losing a customer's signature means a second visit."),
    },
]


def _forum(workspace, team):
    forum = workspace.escalation_forums.filter(name=FORUM["name"]).first()
    if forum is None:
        forum = actions.create_forum(actor=None, workspace=workspace, data=FORUM | {"final_authority": team["owner"].pk, "members": [team["product_owner"].pk, team["scrum_master"].pk]})
    return forum


def _find_target(product, kind, lookup):
    from heard.backlog.models import BacklogItem
    from heard.feedback.models import Feedback
    from heard.tickets.models import Ticket

    if kind == "backlog_item":
        return BacklogItem.objects.filter(product=product, external_key=lookup).first()
    if kind == "feedback":
        return Feedback.objects.filter(product=product, text__icontains=lookup).order_by("pk").first()
    return Ticket.objects.filter(product=product, subject__icontains=lookup).order_by("pk").first()


def _link_evidence(decision, spec):
    for kind, lookup in spec["evidence"]:
        target = _find_target(decision.product, kind, lookup)
        if target is None or decision.evidence.filter(**{kind: target}).exists():
            continue
        actions.add_evidence(actor=None, decision=decision, kind=kind, ref=target.pk, note=f"Shows {lookup.lower()} in the customers' own words." if kind != "backlog_item" else "The work this decision shapes.")


def _add_people(decision, spec, team, people_by_kind):
    for entry in spec["people"]:
        if entry[0] == "team":
            _, role, right, required, advice = entry
            user = team[role]
            if decision.participants.filter(user=user).exists():
                continue
            participant = actions.add_participant(actor=None, decision=decision, user=user.pk, right=right, required=required)
        else:
            _, kind, nth, right, required, advice = entry
            candidates = people_by_kind.get(kind, [])
            if not candidates:
                continue
            person = candidates[nth % len(candidates)]
            if decision.participants.filter(stakeholder=person).exists():
                continue
            participant = actions.add_participant(actor=None, decision=decision, stakeholder=person.pk, right=right, required=required)
        if advice:
            actions.weigh_in(actor=None, participant=participant, advice=advice)


def _furnish(decision, spec, team, people_by_kind):
    """Options, evidence and people of a decision just created. Only then: evidence found on a
    later run must not be added, or running the demo twice would add links."""
    for option in spec["options"]:
        actions.add_option(actor=None, decision=decision, data=option)
    _link_evidence(decision, spec)
    _add_people(decision, spec, team, people_by_kind)


def _fields(spec) -> dict:
    data = dict(spec["data"])
    due = data.pop("due_in_days", None)
    if due is not None:
        data["due_date"] = timezone.localdate() + timedelta(days=due)
    return data | {"question": spec["question"]}


def _ensure(product, spec, team, people_by_kind):
    decision = Decision.objects.filter(product=product, question=spec["question"]).first()
    if decision is None:
        decision = actions.create_decision(actor=None, product=product, data=_fields(spec))
        _furnish(decision, spec, team, people_by_kind)
    return decision


def load(workspace):
    team = {m.role: m.user for m in workspace.memberships.select_related("user")}
    if not {"owner", "product_owner", "scrum_master", "developer"} <= set(team):
        return
    forum = _forum(workspace, team)
    people_by_kind: dict[str, list] = {}
    for person in workspace.stakeholders.filter(erased_at__isnull=True).order_by("pk"):
        people_by_kind.setdefault(person.kind, []).append(person)
    products = {p.slug: p for p in workspace.products.all()}
    made = {}
    for spec in DECISIONS:
        product = products.get(spec["product"])
        if product is None:
            continue
        # The superseding decision is created by superseding, below.
        if any(s.get("superseded_by") == spec["question"] for s in DECISIONS) and not Decision.objects.filter(product=product, question=spec["question"]).exists():
            continue
        made[spec["question"]] = _ensure(product, spec, team, people_by_kind)
    for spec in DECISIONS:
        decision = made.get(spec["question"])
        if decision is None:
            continue
        if spec.get("superseded_by") and decision.status != DecisionStatus.SUPERSEDED:
            successor_spec = next(s for s in DECISIONS if s["question"] == spec["superseded_by"])
            successor = actions.supersede(actor=None, decision=decision, data=_fields(successor_spec))
            _furnish(successor, successor_spec, team, people_by_kind)
            made[successor.question] = successor
        if spec.get("outcome") and decision.status == DecisionStatus.OPEN:
            index, rationale = spec["outcome"]
            actions.decide(actor=team["product_owner"], decision=decision, outcome=decision.options.all()[index].pk, rationale=rationale)
        if spec.get("escalate") and decision.status == DecisionStatus.OPEN:
            actions.escalate(actor=None, decision=decision, forum=forum.pk, reason=spec["escalate"])
