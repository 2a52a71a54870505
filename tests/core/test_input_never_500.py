"""Input an attacker or an unlucky script sends is a 4xx in the documented error shape, on
the API and on pages, the same on SQLite and PostgreSQL; never a 500."""

from __future__ import annotations

import json

import pytest
from django.test import Client, RequestFactory

from heard.api import api
from heard.stakeholders import actions as stakeholder_actions

HUGE = "247786246021945602605056"  # beyond 64 bits


def error_of(response, status=None):
    assert response.status_code < 500, response.content[:500]
    if status is not None:
        assert response.status_code == status, response.content[:500]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}, body
    assert {"code", "message", "field"} <= set(body["error"]), body
    return body["error"]


@pytest.fixture
def owner_api(api_as):
    return api_as("owner")


@pytest.fixture
def person(workspace):
    return stakeholder_actions.create_stakeholder(actor=None, workspace=workspace, data={"name": "Ada Byron", "email": "ada@example.com", "kind": "end_user"})


@pytest.mark.django_db
@pytest.mark.parametrize("path,param", [
    ("/consents", "stakeholder"),
    ("/feedback", "stakeholder"),
    ("/acceptance-criteria", "item"),
])
@pytest.mark.parametrize("value", ["abc", "²", "٣", HUGE, "-1"])
def test_an_id_filter_that_is_not_an_id_is_a_400_naming_it(owner_api, product, path, param, value):
    response = owner_api.get(path, product=product.slug, **{param: value})
    error = error_of(response, 400)
    assert error["field"] == param


@pytest.mark.django_db
@pytest.mark.parametrize("params", [{"organisation": "²"}, {"organisation": HUGE}, {"segment": "²"}, {"segment": HUGE}])
def test_a_stakeholder_filter_by_name_or_id_never_fails(owner_api, person, params):
    response = owner_api.get("/stakeholders", **params)
    assert response.status_code == 200
    assert response.json()["items"] == []


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/members", "/stakeholders", "/organisations", "/segments", "/consents"])
def test_a_page_number_beyond_64_bits_is_a_4xx_naming_it_and_a_large_one_the_last_page(owner_api, person, path):
    error = error_of(owner_api.get(path, page=HUGE, per_page="1"))
    assert error["field"] == "page"
    response = owner_api.get(path, page=str(2**62), per_page="1")
    assert response.status_code == 200, response.content[:300]
    body = response.json()
    assert body["page"] == body["pages"]


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/members/" + HUGE, "/stakeholders/" + HUGE, "/decisions/" + HUGE, "/sessions/" + HUGE])
def test_an_id_in_the_path_beyond_64_bits_is_a_4xx(owner_api, path):
    error = error_of(owner_api.get(path))
    assert error["code"] in ("invalid", "not_found")


@pytest.mark.django_db
def test_malformed_json_is_a_400_in_the_error_shape(workspace, member):
    from heard.core import actions as core_actions

    raw = core_actions.issue_token(actor=None, user=member("owner"))
    response = Client().post("/api/v1/stakeholders", data='{"name": "Ada", ', content_type="application/json", headers={"Authorization": f"Bearer {raw}"})
    error = error_of(response, 400)
    assert error["field"] == "body"
    assert "JSON" in error["message"]


@pytest.mark.django_db
@pytest.mark.parametrize("text", ['{"name": "Ada \\ud800 Byron", "kind": "end_user"}', '{"name": "Ada \\u0000 Byron", "kind": "end_user"}'])
def test_a_lone_surrogate_or_nul_in_json_is_a_400_naming_the_field(workspace, member, text):
    from heard.core import actions as core_actions
    from heard.stakeholders.models import Stakeholder

    raw = core_actions.issue_token(actor=None, user=member("owner"))
    response = Client().post("/api/v1/stakeholders", data=text, content_type="application/json", headers={"Authorization": f"Bearer {raw}"})
    error = error_of(response, 400)
    assert error["field"] == "name"
    assert not Stakeholder.objects.exists()


@pytest.mark.django_db
def test_a_nul_in_a_query_parameter_is_a_400_on_the_api_and_on_pages(owner_api, client_as, product):
    error = error_of(owner_api.get("/stakeholders", q="ada\x00"), 400)
    assert error["field"] == "q"
    page = client_as("owner").get("/w/acme/stakeholders/?q=ada%00")
    assert page.status_code == 400
    assert b"NUL" in page.content


@pytest.mark.django_db
@pytest.mark.parametrize("said_at", ["0000-01-01T00:00:00Z", "9999-12-31T23:59:59-14:00", "2026-02-30T10:00:00Z"])
def test_impossible_dates_are_a_4xx(owner_api, product, said_at):
    response = owner_api.post("/feedback", {"product": product.slug, "text": "Exports are slow", "said_at": said_at, "channel": "email"})
    error_of(response)


@pytest.mark.django_db
def test_a_body_over_the_limit_is_a_413_in_the_error_shape(workspace, member, settings):
    from heard.core import actions as core_actions

    raw = core_actions.issue_token(actor=None, user=member("owner"))
    big = json.dumps({"name": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 10), "kind": "end_user"})
    response = Client().post("/api/v1/stakeholders", data=big, content_type="application/json", headers={"Authorization": f"Bearer {raw}"})
    error = error_of(response, 413)
    assert error["code"] == "too_large"


@pytest.mark.django_db
def test_multipart_without_a_boundary_is_a_400(workspace, member, product):
    from heard.core import actions as core_actions

    raw = core_actions.issue_token(actor=None, user=member("owner"))
    response = Client().generic("POST", "/api/v1/tickets:import?product=app", data=b"--x\r\n", content_type="multipart/form-data", headers={"Authorization": f"Bearer {raw}"})
    error_of(response, 400)


@pytest.mark.django_db
def test_an_unexpected_error_in_production_is_json_not_an_html_page(settings, workspace):
    settings.DEBUG = False
    request = RequestFactory().get("/api/v1/members")
    response = api.on_exception(request, RuntimeError("a bug we have not found yet"))
    assert response.status_code == 500
    body = json.loads(response.content)
    assert body["error"]["code"] == "server_error"
    assert "bug" not in body["error"]["message"]


@pytest.mark.django_db
def test_django_own_500_under_api_is_json(settings, client):
    from heard.core.views import server_error

    response = server_error(RequestFactory().get("/api/v1/whatever"))
    assert response.status_code == 500
    assert json.loads(response.content)["error"]["code"] == "server_error"


@pytest.mark.django_db
@pytest.mark.parametrize("query", [f"page={HUGE}", "page=²", "page=-3", "organisation=²", "segment=²", "kind=%F0%9F%92%A9", "days=99999999999999999999"])
def test_pages_with_bad_filters_are_never_a_500(client_as, product, person, query):
    client = client_as("owner")
    for path in ("/w/acme/stakeholders/", "/w/acme/stakeholders/unheard/", "/w/acme/audit/", "/w/acme/p/app/feedback/", "/w/acme/p/app/backlog/", "/w/acme/p/app/sessions/", "/w/acme/p/app/decisions/", "/w/acme/p/app/closure/"):
        response = client.get(f"{path}?{query}")
        assert response.status_code < 500, (path, query, response.status_code)


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["stakeholder=abc", "stakeholder=²", f"stakeholder={HUGE}"])
def test_feedback_page_with_a_bad_stakeholder_filter_is_a_400(client_as, product, query):
    response = client_as("owner").get(f"/w/acme/p/app/feedback/?{query}")
    assert response.status_code == 400
