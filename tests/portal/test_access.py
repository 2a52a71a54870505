"""The portal shows a stakeholder their own things and nothing else.

Walks EVERY portal page route and EVERY portal API operation (both from Django's URL
resolver; an API route's methods are found by asking it over HTTP), as several stakeholders, as an anonymous visitor and as a signed-in team
member, with objects that belong to others. A new route that this test cannot classify
fails it, so it has to be added here before it ships.
"""

import json
import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from heard.closure import actions as closure_actions
from heard.closure.models import ClosureNote, EnablementDelivery

from .helpers import portal_client

PUBLIC = {"start", "link", "sign_out", "logo"}  # reachable without a portal session (they only sign in or out; a product logo is on show anyway)


def _portal_patterns():
    resolver = get_resolver()
    for top in resolver.url_patterns:
        if getattr(top, "namespace", None) == "portal":
            return [p for p in top.url_patterns if isinstance(p, URLPattern)]
    raise AssertionError("the portal URLs are not mounted")


@pytest.fixture
def owned(world):
    """For each kind of object a portal route can address: {stakeholder pk: [pks they may see]},
    plus objects nobody in the portal may see at all."""
    closure_actions.close_cycle(actor=None, cycle=world.cycle)
    for note in world.cycle.notes.all():
        closure_actions.review_note(actor=None, note=note)
    closure_actions.send_notes(actor=None, cycle=world.cycle)
    unsent = ClosureNote.objects.create(cycle=closure_actions.create_cycle(actor=None, product=world.product, data={
        "name": "later", "starts_on": "2020-01-01", "ends_on": "2020-02-01"}), stakeholder=world.alice, subject="Unsent draft", body="Team-only draft.")
    note = closure_actions.create_enablement_note(actor=None, backlog_item=world.feeds, data={"title": "Bank feeds guide", "body": "How to."})
    closure_actions.send_enablement_note(actor=None, note=note)
    people = [world.alice, world.bob, world.carol]

    def by(qs, field="stakeholder"):
        return {p.pk: list(qs.filter(**{field: p}).values_list("pk", flat=True)) for p in people}

    notes = by(ClosureNote.objects.filter(published_at__isnull=False))
    from heard.feedback.models import Feedback

    kinds = {
        "feedback": by(Feedback.objects.all()),
        "note": notes,
        "enablement": by(EnablementDelivery.objects.all()),
        "pre_read": {world.alice.pk: [world.alice_pre_read.pk], world.bob.pk: [world.bob_pre_read.pk], world.carol.pk: []},
        "criterion": {world.alice.pk: [world.report_draft.pk], world.bob.pk: [world.secret_draft.pk], world.carol.pk: []},
        # Open for comment: every stakeholder of the workspace is invited.
        "decision": {p.pk: [world.open_decision.pk] for p in people},
    }
    # Never visible to anyone in the portal: an unsent note, a team-only pre-read, feedback in another workspace.
    hidden = {"note": [unsent.pk], "pre_read": [world.team_pre_read.pk], "feedback": [world.elsewhere_feedback.pk],
              "enablement": [], "criterion": [], "decision": []}
    hidden["decision"] = [world.confidential_decision.pk, world.team_decision.pk]
    for kind in kinds:
        assert any(kinds[kind].values()), f"the world has no {kind} to test with"
    return people, kinds, hidden



PAGE_KIND = {"feedback": "feedback", "note": "note", "note_acknowledge": "note", "enablement": "enablement",
             "enablement_acknowledge": "enablement", "pre_read": "pre_read", "criterion": "criterion", "decision": "decision"}
API_KIND = {"feedback_id": "feedback", "note_id": "note", "delivery_id": "enablement", "pre_read_id": "pre_read",
            "criterion_id": "criterion", "decision_id": "decision"}
API_BODY = {"pre_read_id": {"body": "A comment."}, "criterion_id": {"body": "A comment."}, "decision_id": {"body": "A comment."}, "note_id": {"body": "A reply."}}


def _page_routes():
    routes = []
    for pattern in _portal_patterns():
        params = list(pattern.pattern.converters)
        if pattern.name in PUBLIC:
            continue
        assert params in ([], ["pk"]), f"classify the portal route {pattern.name!r} in this test"
        if params:
            assert pattern.name in PAGE_KIND, f"portal route {pattern.name!r} addresses an object this test does not know; add it to PAGE_KIND"
        routes.append((pattern.name, PAGE_KIND.get(pattern.name)))
    assert len(routes) >= 10
    return routes


API_PREFIX = "api/v1/portal/"
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def _walk(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern)


def _mounted_portal_paths():
    """Every route under /api/v1/portal/ as the URL resolver serves it, in the API's
    notation (``/feedback/{feedback_id}``)."""
    routes = {route for route in _walk(get_resolver().url_patterns) if route.startswith(API_PREFIX)}
    assert routes, "the portal API is not mounted at /api/v1/portal/"
    return sorted("/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route[len(API_PREFIX):]) for route in routes)


def _portal_security():
    """{(METHOD, path): security} of the portal's operations in the published OpenAPI schema."""
    from heard.api import api

    schema = api.get_openapi_schema()
    scheme = schema["components"]["securitySchemes"]["PortalSession"]
    assert scheme == {"type": "apiKey", "in": "cookie", "name": settings.SESSION_COOKIE_NAME}
    prefix = "/" + API_PREFIX.rstrip("/")
    return {(method.upper(), path[len(prefix):]): op.get("security")
            for path, ops in schema["paths"].items() if path.startswith(prefix + "/") for method, op in ops.items()}


def _api_operations():
    """(METHOD, path, params) of every portal API operation. Methods are discovered over HTTP
    (anything but 405 is an operation), so an operation hidden from the schema is still
    walked, and then fails the schema check below until it is classified."""
    anonymous = Client()
    ops = []
    for path in _mounted_portal_paths():
        params = re.findall(r"\{(\w+)\}", path)
        for p in params:
            assert p in API_KIND, f"portal API path {path} has a parameter this test does not know; add it to API_KIND"
        url = "/" + API_PREFIX.rstrip("/") + re.sub(r"\{\w+\}", "1", path)
        for method in METHODS:
            if anonymous.generic(method, url, "{}", content_type="application/json").status_code != 405:
                ops.append((method, path, params))
    security = _portal_security()
    assert {(m, p) for m, p, _ in ops} == set(security), "the portal API serves operations its schema does not list (or the reverse)"
    for method, path, _ in ops:
        assert security[(method, path)] == [{"PortalSession": []}], f"{method} {path} must authenticate with PortalSession only"
    assert len(ops) >= 15
    return ops


def _url(name, pk=None):
    from django.urls import reverse

    return reverse(f"portal:{name}", kwargs={"pk": pk} if pk is not None else {})


def _api(client, method, path, params, pk, body=None):
    url = "/api/v1/portal" + path
    for p in params:
        url = url.replace("{" + p + "}", str(pk))
    if method == "GET":
        return client.get(url)
    payload = body if body is not None else API_BODY.get(params[0] if params else "", {})
    return client.generic(method, url, json.dumps(payload), content_type="application/json")


def test_every_portal_page_is_closed_to_anonymous_visitors_and_team_logins(world, owned, client_as):
    people, kinds, hidden = owned
    team = client_as("owner")
    for name, kind in _page_routes():
        pks = [pk for v in kinds[kind].values() for pk in v] if kind else [None]
        for pk in pks[:2] or [1]:
            url = _url(name, pk)
            for who, client in (("anonymous", Client()), ("team owner", team)):
                r = client.post(url) if name.endswith("acknowledge") else client.get(url)
                assert r.status_code == 302 and r["Location"].startswith("/portal/?next="), f"{who} reached {url}: {r.status_code}"


def test_every_portal_page_shows_only_the_stakeholders_own_objects(world, owned):
    people, kinds, hidden = owned
    for person in people:
        client = portal_client(person)
        for name, kind in _page_routes():
            if kind is None:
                r = client.get(_url(name))
                assert r.status_code == 200, (person.name, name)
                continue
            method = client.post if name.endswith("acknowledge") else client.get
            for pk in kinds[kind][person.pk]:
                r = method(_url(name, pk))
                assert r.status_code in (200, 302), (person.name, name, pk, r.status_code)
            others = [pk for other, pks in kinds[kind].items() if other != person.pk for pk in pks if pk not in kinds[kind][person.pk]]
            for pk in others + hidden[kind] + [999_999]:
                r = method(_url(name, pk))
                assert r.status_code == 404, f"{person.name} got {r.status_code} on {name} #{pk}"


def test_every_portal_api_route_is_closed_without_a_portal_session(world, owned, client_as, api_as):
    people, kinds, hidden = owned
    team_browser = client_as("owner")
    token = api_as("owner")
    for method, path, params in _api_operations():
        pk = next((pk for v in kinds[API_KIND[params[0]]].values() for pk in v), 1) if params else None
        for who, client in (("anonymous", Client()), ("team browser", team_browser)):
            r = _api(client, method, path, params, pk)
            assert r.status_code == 401, f"{who}: {method} {path} answered {r.status_code}"
        url = "/api/v1/portal" + (path.replace("{" + params[0] + "}", str(pk)) if params else path)
        r = token.client.generic(method, url, "{}", content_type="application/json", headers=token.headers)
        assert r.status_code == 401, f"team token: {method} {path} answered {r.status_code}"


def test_every_portal_api_route_answers_only_for_the_stakeholders_own_objects(world, owned):
    people, kinds, hidden = owned
    for person in people:
        client = portal_client(person)
        for method, path, params in _api_operations():
            if not params:
                body = {"product": world.product.pk, "text": f"API feedback from {person.name}"} if path == "/feedback" else None
                r = _api(client, method, path, params, None, body)
                assert r.status_code in (200, 201), (person.name, method, path, r.status_code, r.content[:300])
                assert b"Globex-only" not in r.content and b"Secret pricing" not in r.content
                continue
            kind = API_KIND[params[0]]
            for pk in kinds[kind][person.pk]:
                r = _api(client, method, path, params, pk)
                assert r.status_code in (200, 201), (person.name, method, path, pk, r.status_code, r.content[:300])
            others = [pk for other, pks in kinds[kind].items() if other != person.pk for pk in pks if pk not in kinds[kind][person.pk]]
            for pk in others + hidden[kind] + [999_999]:
                r = _api(client, method, path, params, pk)
                assert r.status_code == 404, f"{person.name}: {method} {path} #{pk} answered {r.status_code}"


def test_lists_never_include_what_belongs_to_others(world, owned):
    people, kinds, hidden = owned
    for person in people:
        client = portal_client(person)
        mine = {kind: set(v[person.pk]) for kind, v in kinds.items()}
        assert {i["id"] for i in client.get("/api/v1/portal/feedback").json()} == mine["feedback"]
        assert {n["id"] for n in client.get("/api/v1/portal/notes").json()} == mine["note"]
        assert {d["id"] for d in client.get("/api/v1/portal/enablement").json()} == mine["enablement"]
        invitations = client.get("/api/v1/portal/invitations").json()
        assert {p["id"] for p in invitations["pre_reads"]} == mine["pre_read"]
        assert {c["id"] for c in invitations["criteria"]} == mine["criterion"]
        assert {d["id"] for d in invitations["decisions"]} == mine["decision"]


def test_a_portal_session_never_opens_team_pages_or_the_team_api(world, owned):
    client = portal_client(world.alice)
    assert client.get("/w/acme/").status_code == 302
    assert client.get(f"/w/acme/p/app/closure/{world.cycle.pk}/").status_code == 302
    assert client.get("/api/v1/stakeholders", workspace="acme").status_code == 401
