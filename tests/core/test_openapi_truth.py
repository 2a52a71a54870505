"""The OpenAPI document at /api/v1/openapi.json says what the API really takes and answers."""

from __future__ import annotations

import collections

import pytest

from heard.api import api
from heard.core.api import _models_in


@pytest.fixture
def document(client, db):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def resolve(document, schema):
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def test_no_two_schemas_share_a_name():
    classes = []
    for _, router in api._routers:
        for view in router.path_operations.values():
            for op in view.operations:
                for model in [*op.models, *[m for m in op.response_models.values() if isinstance(m, type)]]:
                    _models_in(model, classes)
    names = collections.defaultdict(set)
    for model in classes:
        if getattr(model, "__ninja_param_source__", None) is None and model.__name__ != "NinjaResponseSchema":
            names[model.__name__].add(f"{model.__module__}.{model.__qualname__}")
    shared = {name: where for name, where in names.items() if len(where) > 1}
    assert shared == {}


def test_the_team_feedback_body_is_its_own_and_the_portal_has_another(document):
    team = resolve(document, document["paths"]["/api/v1/feedback"]["post"]["requestBody"]["content"]["application/json"]["schema"])
    portal = resolve(document, document["paths"]["/api/v1/portal/feedback"]["post"]["requestBody"]["content"]["application/json"]["schema"])
    assert {"said_at", "channel", "stakeholder"} <= set(team["properties"])
    assert team["properties"]["product"]["type"] == "string"
    assert portal["properties"]["product"]["type"] == "integer"
    assert team is not portal


def test_every_operation_documents_its_errors_in_the_error_shape(document):
    error = document["components"]["schemas"]["ErrorOut"]
    assert set(resolve(document, error["properties"]["error"])["required"]) == {"code", "message"}
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            for status in ("400", "401", "403", "404", "422", "429"):
                response = operation["responses"].get(status) or operation["responses"].get(int(status))
                assert response is not None, (method, path, status)
                assert response["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ErrorOut"}


def test_ids_and_page_numbers_are_documented_within_64_bits(document):
    parameters = {p["name"]: p["schema"] for p in document["paths"]["/api/v1/members/{member_id}"]["get"]["parameters"]}
    assert parameters["member_id"]["maximum"] == 2**63 - 1
    page = {p["name"]: p["schema"] for p in document["paths"]["/api/v1/stakeholders"]["get"]["parameters"]}["page"]
    assert page["maximum"] == 2**63 - 1


@pytest.mark.django_db
def test_theme_runs_are_documented_as_the_list_they_are(document, api_as, product):
    schema = document["paths"]["/api/v1/theme-runs"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema["type"] == "array"
    answer = api_as("viewer").get("/theme-runs", product=product.slug)
    assert answer.status_code == 200 and isinstance(answer.json(), list)
