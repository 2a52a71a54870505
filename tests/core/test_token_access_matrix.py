"""The cross-workspace token attack, over every route of the API.

Olivia is an owner of two workspaces: "demo" (full of data) and "home". A token she made
for "home" must reach nothing of "demo" — on every route the OpenAPI document lists, with
real ids of demo's objects, whether the call names ``?workspace=demo`` or leaves it out.
The same calls with a token made for "demo" reach the data (every GET answers 2xx), so the
ids are real and the refusals are the token's scope, not a wrong id.

A route added later is in the document, so it is in this test: if the test cannot fill one
of its path or query parameters it fails and says which, rather than skipping the route.
"""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client

PATH_PARAM = re.compile(r"{(\w+)}")


def _demo_ids(demo):
    """Real ids of demo's objects, by route prefix and parameter name (children of the
    parent chosen for the same route, so /sessions/{session_id}/objectives/{objective_id}
    names an objective of that session)."""
    from heard.backlog.models import AcceptanceCriterion, BacklogItem
    from heard.closure.models import ClosureCycle, ClosureNote
    from heard.core.models import ApiToken, Invitation, Membership
    from heard.decisions.models import (
        Decision,
        DecisionEvidence,
        DecisionOption,
        DecisionParticipant,
        EscalationForum,
    )
    from heard.feedback.models import Feedback, FeedbackLink
    from heard.health.figures import FIGURES
    from heard.sessions.models import (
        AgendaItem,
        GlossaryTerm,
        Objective,
        Participant,
        PreRead,
        Session,
    )
    from heard.stakeholders.models import Consent, Disclosure, Organisation, Segment, Stakeholder
    from heard.themes.models import Theme, ThemeLink, ThemeRun
    from heard.tickets.models import ImportJob, Ticket

    in_demo = {"product__workspace": demo}
    session = Session.objects.filter(**in_demo, objectives__isnull=False, agenda_items__isnull=False, pre_reads__isnull=False, participants__isnull=False).first()
    decision = Decision.objects.filter(**in_demo, options__isnull=False, evidence__isnull=False, participants__isnull=False).first()
    theme = Theme.objects.filter(**in_demo, links__isnull=False).first() or Theme.objects.filter(**in_demo).first()
    feedback = Feedback.objects.filter(**in_demo).first()
    assert session and decision and theme and feedback, "the demo lacks a session, decision, theme or feedback with children"
    viewer = Membership.objects.filter(workspace=demo, role="viewer").first()
    first = lambda qs: qs.values_list("pk", flat=True).first()  # noqa: E731
    return {
        "member_id": viewer.pk,
        "invitation_id": first(Invitation.objects.filter(workspace=demo)),
        "token_id": first(ApiToken.objects.filter(workspace=demo, name="matrix-target")),
        "slug": "invoicing",
        "product": "invoicing",
        "segment_id": first(Segment.objects.filter(workspace=demo)),
        "organisation_id": first(Organisation.objects.filter(workspace=demo)),
        "stakeholder_id": first(Stakeholder.objects.filter(workspace=demo, erased_at__isnull=True)),
        "consent_id": first(Consent.objects.filter(stakeholder__workspace=demo)),
        "disclosure_id": first(Disclosure.objects.filter(stakeholder__workspace=demo)),
        "session_id": session.pk,
        "objective_id": first(Objective.objects.filter(session=session)),
        "/sessions:item_id": first(AgendaItem.objects.filter(session=session)),
        "/sessions:participant_id": first(Participant.objects.filter(session=session)),
        "pre_read_id": first(PreRead.objects.filter(session=session)),
        "term_id": first(GlossaryTerm.objects.filter(workspace=demo)),
        "decision_id": decision.pk,
        "option_id": first(DecisionOption.objects.filter(decision=decision)),
        "evidence_id": first(DecisionEvidence.objects.filter(decision=decision)),
        "/decisions:participant_id": first(DecisionParticipant.objects.filter(decision=decision)),
        "forum_id": first(EscalationForum.objects.filter(workspace=demo)),
        "/backlog-items:item_id": first(BacklogItem.objects.filter(**in_demo)),
        "criterion_id": first(AcceptanceCriterion.objects.filter(item__product__workspace=demo)),
        "feedback_id": feedback.pk,
        "/feedback-links:link_id": first(FeedbackLink.objects.filter(feedback__product__workspace=demo)),
        "job_id": first(ImportJob.objects.filter(workspace=demo)),
        "ticket_id": first(Ticket.objects.filter(product__workspace=demo, product__slug="invoicing")),
        "theme_id": theme.pk,
        "/themes:link_id": first(ThemeLink.objects.filter(theme=theme)),
        "run_id": first(ThemeRun.objects.filter(**in_demo)),
        "cycle_id": first(ClosureCycle.objects.filter(**in_demo)),
        "note_id": first(ClosureNote.objects.filter(cycle__product__workspace=demo)),
        "key": FIGURES[0].key,
        "text": "export",
        **_demo_and_program_ids(demo),
    }


def _demo_and_program_ids(demo) -> dict:
    from heard.demos.models import Demonstration, DemoVerdict
    from heard.programs.models import Cohort, Participant, Program, Threshold

    demonstration = Demonstration.objects.filter(session__product__workspace=demo, verdicts__isnull=False).first()
    program = Program.objects.filter(product__workspace=demo, cohorts__participants__isnull=False, thresholds__isnull=False).first()
    assert demonstration and program, "the demo lacks a demo session with verdicts or a program with participants and thresholds"
    first = lambda qs: qs.values_list("pk", flat=True).first()  # noqa: E731
    return {
        "/demos:session_id": demonstration.session_id,
        "/demos:item_id": demonstration.criterion.item_id,
        "demonstration_id": demonstration.pk,
        "verdict_id": first(DemoVerdict.objects.filter(demonstration__session=demonstration.session)),
        "program_id": program.pk,
        "cohort_id": first(Cohort.objects.filter(program=program)),
        "/programs:participant_id": first(Participant.objects.filter(program=program)),
        "threshold_id": first(Threshold.objects.filter(program=program)),
    }


def _fill_gaps(demo):
    """Finished background jobs, which the demo does not hold (rows as a finished run leaves them)."""
    from heard.backlog.models import BacklogItem
    from heard.themes.models import Theme, ThemeLink, ThemeRun
    from heard.tickets.models import ImportJob, TicketSource

    product = demo.products.get(slug="invoicing")
    if not ImportJob.objects.filter(workspace=demo).exists():
        ImportJob.objects.create(workspace=demo, product=product, format=TicketSource.values[0], file_path="tickets.csv", status="done")
    if not ThemeRun.objects.filter(product__workspace=demo).exists():
        ThemeRun.objects.create(product=product, status="done")
    from heard.core import actions as core_actions
    from heard.core.models import User

    outsider = User.objects.create_user(email="invited@elsewhere.example", password="x")
    core_actions.invite_member(actor=None, workspace=demo, email=outsider.email, role="viewer")
    if not ThemeLink.objects.filter(theme__product__workspace=demo).exists():
        theme = Theme.objects.filter(product__workspace=demo).first()
        ThemeLink.objects.create(theme=theme, backlog_item=BacklogItem.objects.filter(product=theme.product).first())


def _value(ids, path, name):
    prefix = "/" + path.removeprefix("/api/v1/").split("/")[0]
    for key in (f"{prefix}:{name}", name):
        if ids.get(key) is not None:
            return ids[key]
    raise AssertionError(f"The access matrix cannot fill {{{name}}} of {path}: add a real demo id for it to _demo_ids.")


def _schema():
    from heard.api import api

    return api.get_openapi_schema()


def _operations(schema):
    for path, methods in schema["paths"].items():
        if path.startswith("/api/v1/portal/"):
            continue  # the portal authenticates stakeholders by magic link, not API tokens
        for method, operation in methods.items():
            yield method, path, operation


def _example(schema, node, depth=0):
    """A value of the JSON schema ``node`` that passes type validation (required fields only),
    so a call gets past the body's parsing and into the route, where the workspace is decided."""
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
    for union in ("anyOf", "oneOf", "allOf"):
        if union in node:
            return _example(schema, next(n for n in node[union] if n.get("type") != "null"), depth)
    if "enum" in node:
        return node["enum"][0]
    kind = node.get("type")
    if kind == "object" or "properties" in node:
        props = node.get("properties", {})
        return {name: _example(schema, props[name], depth + 1) for name in node.get("required", []) if depth < 4}
    if kind == "array":
        return []
    if kind == "integer" or kind == "number":
        return 1
    if kind == "boolean":
        return False
    return {"date": "2026-01-05", "date-time": "2026-01-05T10:00:00Z"}.get(node.get("format"), "x")


def _call(client, schema, method, path, operation, ids, token, *, name_workspace):
    url = PATH_PARAM.sub(lambda m: str(_value(ids, path, m.group(1))), path)
    query = {"workspace": "demo"} if name_workspace else {}
    for param in operation.get("parameters", []):
        if param["in"] == "query" and param.get("required") and param["name"] != "workspace":
            query[param["name"]] = _value(ids, path, param["name"])
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    headers = {"Authorization": f"Bearer {token}"}
    kwargs = {}
    if "requestBody" in operation:
        content = operation["requestBody"]["content"]
        if "application/json" in content:
            body = _example(schema, content["application/json"]["schema"])
            kwargs = {"data": json.dumps(body), "content_type": "application/json"}
    return getattr(client, method)(url, headers=headers, **kwargs)


@pytest.mark.django_db
def test_a_token_made_for_one_workspace_reaches_nothing_of_another_on_any_route(settings):
    from heard.core import actions
    from heard.core.models import User, Workspace
    from heard.demo import DEMO_LOGIN, load_demo

    settings.HEARD_API_RATE_LIMIT = 0
    load_demo()
    olivia = User.objects.get(email=DEMO_LOGIN)
    demo = Workspace.objects.get(slug="demo")
    home = actions.create_workspace(actor=None, slug="home", name="Home", owner=olivia)
    home_token = actions.issue_token(actor=None, user=olivia, workspace=home, name="home")
    demo_token = actions.issue_token(actor=None, user=olivia, workspace=demo, name="demo")
    actions.issue_token(actor=None, user=olivia, workspace=demo, name="matrix-target")
    _fill_gaps(demo)
    ids = _demo_ids(demo)
    client = Client()

    schema = _schema()
    operations = sorted(_operations(schema), key=lambda op: (op[0] == "delete", -len(op[1])))
    leaks, unreached, checked = [], [], 0
    for method, path, operation in operations:
        # Without ?workspace= a call works in the token's own workspace ("home"), which is
        # right for a list; a path naming one of demo's objects must still find nothing.
        for name_workspace in (True, False) if PATH_PARAM.search(path) else (True,):
            attack = _call(client, schema, method, path, operation, ids, home_token, name_workspace=name_workspace)
            checked += 1
            if attack.status_code not in (403, 404) or attack.status_code >= 500:
                leaks.append(f"{method.upper()} {path} (workspace named: {name_workspace}) answered {attack.status_code}: {attack.content[:200]!r}")
        if method == "get":
            control = _call(client, schema, method, path, operation, ids, demo_token, name_workspace=True)
            if not 200 <= control.status_code < 300:
                unreached.append(f"GET {path} with demo's own token answered {control.status_code}: {control.content[:200]!r}")
    assert checked > 250
    assert unreached == [], "the matrix's ids must be real: " + "\n".join(unreached)
    assert leaks == [], "\n".join(leaks)
