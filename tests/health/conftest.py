"""A random small world for health tests: segments, stakeholders, sessions with seats and
pre-reads, feedback with dispositions, links, decision evidence, closure notes and backlog
status changes, spread over two years, all written through the ORM so the rollup hooks run."""

import random
from datetime import timedelta

import pytest
from django.utils import timezone


def build_world(product, seed: int = 1, *, feedback: int = 160, sessions: int = 36):
    from heard.backlog.models import AcceptanceCriterion, BacklogItem
    from heard.closure.models import ClosureCycle, ClosureNote
    from heard.decisions.models import Decision, DecisionEvidence
    from heard.feedback.models import Feedback, FeedbackDisposition, FeedbackLink
    from heard.sessions.models import (
        AgendaItem,
        EngagementModel,
        Objective,
        Participant,
        PreRead,
        Session,
    )
    from heard.stakeholders.models import Segment, Stakeholder

    rng = random.Random(seed)
    now = timezone.now()
    ws = product.workspace
    EngagementModel.objects.update_or_create(product=product, defaults={"input_consideration_days": 10, "invitations_per_quarter": 2, "pre_read_lead_days": 2})
    segments = [Segment.objects.create(workspace=ws, slug=f"s{i}", name=f"Segment {i}", target_share=t) for i, t in enumerate([30, 25, None, 15])]
    kinds = ["end_user", "buyer", "operator", "support", "regulator", "partner", "internal_proxy"]
    people = []
    for i in range(30):
        p = Stakeholder.objects.create(workspace=ws, name=f"Person {i}", email=f"p{i}@ex.example", kind=rng.choice(kinds[: 3 + i % 5]))
        p.segments.set(rng.sample(segments, rng.randint(0, 2)))
        people.append(p)
    titles = ["Monthly demo – {m}", "Refinement {n}", "Interview with {n}"]
    all_sessions = []
    for i in range(sessions):
        start = now - timedelta(days=rng.randint(-10, 400), hours=rng.randint(0, 20))
        template = titles[i % 3]
        s = Session.objects.create(product=product, title=template.format(m=start.strftime("%B %Y"), n=i), channel="demo" if i % 3 == 0 else "interview",
                                   starts_at=start, ends_at=start + timedelta(hours=1))
        all_sessions.append(s)
        for person in rng.sample(people, rng.randint(0, 5)):
            Participant.objects.create(session=s, stakeholder=person)
        for _ in range(rng.randint(0, 2)):
            shared = None if rng.random() < 0.2 else start - timedelta(days=rng.uniform(0, 5))
            PreRead.objects.create(session=s, title="Notes", shared_at=shared)
        objective = Objective.objects.create(session=s, question="Does it fit?") if rng.random() < 0.5 else None
        AgendaItem.objects.create(session=s, title="Walk-through", timebox_minutes=10, objective=objective)
    items = [BacklogItem.objects.create(product=product, title=f"Item {i}") for i in range(6)]
    criteria = [AcceptanceCriterion.objects.create(item=item, text="Given a, then b") for item in items[:3]]
    all_feedback = []
    for i in range(feedback):
        said = now - timedelta(days=rng.uniform(0, 720))
        who = rng.choice(people + [None] * 4)
        session = rng.choice(all_sessions + [None] * 10)
        f = Feedback.objects.create(product=product, stakeholder=who, text=f"Point {i}", said_at=said, session=session,
                                    is_proxy=who is None or who.kind == "internal_proxy", is_merge=rng.random() < 0.03)
        FeedbackDisposition.objects.create(feedback=f, status="new", at=said)
        if rng.random() < 0.6:
            status = rng.choice(["planned", "declined", "under_review", "already_done"])
            FeedbackDisposition.objects.create(feedback=f, status=status, at=said + timedelta(days=rng.uniform(0, 200)))
            f.disposition = status
            f.save()
        if rng.random() < 0.15:
            FeedbackLink.objects.create(feedback=f, backlog_item=rng.choice(items))
        elif rng.random() < 0.05:
            FeedbackLink.objects.create(feedback=f, criterion=rng.choice(criteria))
        all_feedback.append(f)
    decisions = []
    for i in range(8):
        decided = now - timedelta(days=rng.uniform(0, 300))
        d = Decision.objects.create(product=product, question=f"Question {i}", status="decided", decided_at=decided, created_at=decided - timedelta(days=3))
        for f in rng.sample(all_feedback, 3):
            DecisionEvidence.objects.create(decision=d, kind="feedback", feedback=f, added_at=max(f.said_at, decided - timedelta(days=1)) + timedelta(days=rng.uniform(0, 30)))
        decisions.append(d)
    for old in decisions[:3]:
        Decision.objects.create(product=product, question=f"Again: {old.question}", supersedes=old, created_at=old.decided_at + timedelta(days=rng.choice([20, 150])))
    for i in range(3):
        ends = (now - timedelta(days=20 + 90 * i)).date()
        cycle = ClosureCycle.objects.create(product=product, name=f"C{i}", starts_on=ends - timedelta(days=80), ends_on=ends)
        for person in rng.sample(people, 8):
            note = ClosureNote.objects.create(cycle=cycle, stakeholder=person, subject="What we did", body="…", status=rng.choice(["sent", "draft", "skipped"]))
            if note.status == "sent":
                note.sent_at = timezone.make_aware(timezone.datetime.combine(ends, timezone.datetime.min.time())) + timedelta(days=2)
                note.opened_at = note.sent_at if rng.random() < 0.6 else None
                note.acknowledged_at = note.sent_at if note.opened_at and rng.random() < 0.5 else None
                note.save()
                mine = [f for f in all_feedback if f.stakeholder_id == person.pk]
                note.feedback.set(mine[:3])
    for item in items[:4]:
        item.status = "released"
        item.save()
    items[0].status = "in_progress"
    items[0].save()
    criteria[0].text = "Given a, when c, then b"
    criteria[0].save()
    return {"people": people, "segments": segments, "sessions": all_sessions, "feedback": all_feedback, "items": items, "decisions": decisions}


@pytest.fixture
def world(product):
    return build_world(product)
