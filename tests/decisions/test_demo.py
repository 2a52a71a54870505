from heard.decisions.models import Decision, DecisionEvidence, DecisionStatus


def test_demo_decisions_with_evidence_and_idempotent(db):
    from heard import demo
    from heard.backlog import demo as backlog_demo
    from heard.decisions import demo as decisions_demo
    from heard.decisions import queries
    from heard.feedback import demo as feedback_demo
    from heard.tickets import demo as support_demo

    workspace = demo._team()
    demo._stakeholder_map(workspace)
    for section in (backlog_demo, feedback_demo, support_demo):
        section.load(workspace)
    decisions_demo.load(workspace)
    counts = (Decision.objects.count(), DecisionEvidence.objects.count(), workspace.escalation_forums.count())
    decisions_demo.load(workspace)
    assert (Decision.objects.count(), DecisionEvidence.objects.count(), workspace.escalation_forums.count()) == counts

    statuses = sorted(Decision.objects.values_list("status", flat=True))
    assert statuses.count(DecisionStatus.DECIDED) == 2
    assert statuses.count(DecisionStatus.ESCALATED) == 1
    assert statuses.count(DecisionStatus.SUPERSEDED) == 1
    kinds = set(DecisionEvidence.objects.values_list("kind", flat=True))
    assert kinds == {"feedback", "ticket", "backlog_item"}
    bank = Decision.objects.get(question__startswith="Do we build native bank feeds")
    assert bank.status == DecisionStatus.DECIDED and bank.evidence.count() == 3
    assert queries.adviser_disclosures(bank), "the partner adviser's conflict of interest shows"
    customer = workspace.stakeholders.filter(kind="end_user").first()
    assert [d.question for d in queries.open_for_comment(customer)] == ["Which wording do payment reminders use?"]


def test_demo_runs_before_feedback_exists(db):
    from heard import demo
    from heard.decisions import demo as decisions_demo

    workspace = demo._team()
    demo._stakeholder_map(workspace)
    decisions_demo.load(workspace)
    decisions_demo.load(workspace)
    assert Decision.objects.count() == 6
    assert DecisionEvidence.objects.count() == 0
