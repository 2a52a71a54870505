"""Products: create, edit, archive and unarchive from the pages, /api/v1/products and
`heard products`; archived products leave navigation and lists but keep their history."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from heard.core import actions
from heard.core.models import AuditEvent, Product

LEADS = ["owner", "product_owner"]
OTHERS = ["scrum_master", "developer", "viewer"]


def _events(verb):
    return list(AuditEvent.objects.filter(verb=verb).values_list("object_repr", flat=True))


# ------------------------------------------------------------------ pages


@pytest.mark.parametrize("role", LEADS)
def test_a_lead_adds_a_product_from_the_page(client_as, role):
    client = client_as(role)
    page = client.get("/w/acme/products/")
    assert "Add a product" in page.content.decode()
    response = client.post("/w/acme/products/new/", {"name": "Field App", "slug": "", "description": "For engineers on site."}, follow=True)
    assert response.status_code == 200
    product = Product.objects.get(workspace__slug="acme", slug="field-app")
    assert product.name == "Field App" and product.description == "For engineers on site."
    assert "Added the product Field App" in response.content.decode()
    assert _events("product.created") == ["Field App"]


@pytest.mark.parametrize("role", OTHERS)
def test_other_roles_see_products_but_no_way_to_change_them(client_as, product, role):
    client = client_as(role)
    html = client.get("/w/acme/products/").content.decode()
    assert "Acme App" in html
    assert "Add a product" not in html and "/products/app/archive/" not in html and "/products/app/edit/" not in html
    assert client.get("/w/acme/products/new/").status_code == 403
    assert client.post("/w/acme/products/new/", {"name": "Sneaky"}).status_code == 403
    assert client.post("/w/acme/products/app/archive/").status_code == 403
    assert client.post("/w/acme/products/app/edit/", {"name": "Renamed"}).status_code == 403
    assert Product.objects.get(pk=product.pk).name == "Acme App" and not Product.objects.get(pk=product.pk).is_archived


@pytest.mark.parametrize("data, field, text", [
    ({"name": "", "slug": "x"}, "name", "Name the product"),
    ({"name": "Bad", "slug": "Not A Slug"}, "slug", "lowercase letters"),
    ({"name": "Dup", "slug": "app"}, "slug", "already uses the slug"),
    ({"name": "x" * 201, "slug": "long"}, "name", "at most 200"),
])
def test_bad_product_input_is_a_field_error(client_as, product, data, field, text):
    response = client_as("owner").post("/w/acme/products/new/", data)
    assert response.status_code == 400
    html = response.content.decode()
    assert text in html
    assert f'id="id_{field}"' in html and 'aria-invalid="true"' in html
    assert Product.objects.filter(workspace=product.workspace).count() == 1


def test_owner_edits_a_product(client_as, product):
    client = client_as("owner")
    assert 'value="Acme App"' in client.get("/w/acme/products/app/edit/").content.decode()
    response = client.post("/w/acme/products/app/edit/", {"name": "Acme Mobile", "slug": "mobile", "description": "Phones"})
    assert response.status_code == 302
    product.refresh_from_db()
    assert (product.name, product.slug, product.description) == ("Acme Mobile", "mobile", "Phones")
    event = AuditEvent.objects.get(verb="product.updated")
    assert event.before["slug"] == "app" and event.after["slug"] == "mobile"


def test_archive_asks_first_then_hides_the_product_but_keeps_its_history(client_as, product, workspace):
    from heard.feedback.actions import record_feedback

    feedback = record_feedback(actor=None, product=product, data={"text": "The export button is hard to find.", "channel": "email"})
    client = client_as("owner")
    confirm = client.get("/w/acme/products/app/archive/")
    assert confirm.status_code == 200 and "Nothing is deleted" in confirm.content.decode()
    assert not Product.objects.get(pk=product.pk).is_archived
    assert client.post("/w/acme/products/app/archive/").status_code == 302
    assert Product.objects.get(pk=product.pk).is_archived
    assert _events("product.archived") == ["Acme App"]

    home = client.get("/w/acme/").content.decode()
    assert "/w/acme/p/app/" not in home
    products_page = client.get("/w/acme/products/").content.decode()
    assert "Archived" in products_page and "Unarchive" in products_page
    # The history is still there, at its address, and says the product is archived.
    detail = client.get(f"/w/acme/p/app/feedback/{feedback.pk}/")
    assert detail.status_code == 200
    assert "The export button is hard to find." in detail.content.decode() and "is archived" in detail.content.decode()

    assert client.post("/w/acme/products/app/unarchive/").status_code == 302
    assert not Product.objects.get(pk=product.pk).is_archived
    assert "/w/acme/p/app/" in client.get("/w/acme/").content.decode()
    assert _events("product.unarchived") == ["Acme App"]


def test_archived_products_leave_every_product_list(client_as, product, workspace):
    other = actions.create_product(actor=None, workspace=workspace, slug="other", name="Other Thing")
    actions.archive_product(actor=None, product=product)
    client = client_as("owner")
    # The product navigation of another product, the decisions page's product switcher.
    decisions = client.get("/w/acme/p/other/decisions/").content.decode()
    assert "Acme App" not in decisions and other.name in decisions
    from heard.portal import queries as portal_queries
    from heard.stakeholders.models import Stakeholder

    person = Stakeholder.objects.create(workspace=workspace, name="Ada", email="ada@example.org")
    assert [p.slug for p in portal_queries.products(person)] == ["other"]
    # The person page offers to record feedback for active products only.
    person_page = client.get(f"/w/acme/stakeholders/{person.pk}/").content.decode()
    assert "/w/acme/p/other/feedback/new/" in person_page and "/w/acme/p/app/feedback/new/" not in person_page
    # The archived product's own pages still open, without quick entry.
    archived_home = client.get("/w/acme/p/app/")
    assert archived_home.status_code == 200 and "/w/acme/p/app/feedback/new/" not in archived_home.content.decode()


# ------------------------------------------------------------------ API


def test_api_creates_lists_gets_changes_and_archives(api_as):
    api = api_as("product_owner")
    created = api.post("/products", {"slug": "billing", "name": "Billing", "description": "Invoices"}, workspace="acme")
    assert created.status_code == 201, created.content
    assert created.json()["slug"] == "billing" and created.json()["archived"] is False
    assert [p["slug"] for p in api.get("/products", workspace="acme").json()["items"]] == ["billing"]
    assert api.get("/products/billing", workspace="acme").json()["name"] == "Billing"
    patched = api.patch("/products/billing", {"name": "Billing and payments"}, workspace="acme")
    assert patched.status_code == 200 and patched.json()["name"] == "Billing and payments" and patched.json()["slug"] == "billing"
    assert api.delete("/products/billing", workspace="acme").status_code == 204
    assert api.get("/products", workspace="acme").json()["items"] == []
    archived = api.get("/products", workspace="acme", archived="true").json()["items"]
    assert [p["slug"] for p in archived] == ["billing"] and archived[0]["archived_at"]
    assert api.get("/products/billing", workspace="acme").json()["archived"] is True
    assert api.delete("/products/billing", workspace="acme").status_code == 409
    assert api.post("/products/billing/unarchive", workspace="acme").json()["archived"] is False


@pytest.mark.parametrize("data, status, field", [
    ({"slug": "Bad Slug", "name": "x"}, 400, "slug"),
    ({"slug": "app", "name": "Again"}, 400, "slug"),
    ({"slug": "ok", "name": "  "}, 400, "name"),
    ({"slug": "ok", "name": "y" * 201}, 400, "name"),
    ({"slug": "ok", "name": "Fine", "description": "z" * 2001}, 400, "description"),
    ({"slug": "x" * 61, "name": "Long slug"}, 400, "slug"),
    ({"name": "No slug"}, 422, "slug"),
])
def test_api_bad_product_input_names_the_field(api_as, product, data, status, field):
    response = api_as("owner").post("/products", data, workspace="acme")
    assert response.status_code == status, response.content
    assert response.json()["error"]["field"] == field


def test_api_patch_checks_the_new_slug(api_as, product, workspace):
    actions.create_product(actor=None, workspace=workspace, slug="taken", name="Taken")
    response = api_as("owner").patch("/products/app", {"slug": "taken"}, workspace="acme")
    assert response.status_code == 400 and response.json()["error"]["field"] == "slug"


@pytest.mark.parametrize("role", OTHERS)
def test_api_only_leads_change_products(api_as, product, role):
    api = api_as(role)
    assert api.get("/products", workspace="acme").status_code == 200
    assert api.post("/products", {"slug": "new", "name": "New"}, workspace="acme").status_code == 403
    assert api.patch("/products/app", {"name": "Renamed"}, workspace="acme").status_code == 403
    assert api.delete("/products/app", workspace="acme").status_code == 403


def test_api_outsider_gets_not_found(product, other_workspace):
    from heard.core.models import User
    from tests.conftest import ApiClient

    api = ApiClient(actions.issue_token(actor=None, user=User.objects.get(email="owner@globex.example")))
    assert api.get("/products/app", workspace="acme").status_code == 404
    assert api.delete("/products/app", workspace="acme").status_code == 404


# ------------------------------------------------------------------ CLI


def _heard(*args):
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_cli_adds_lists_archives_and_unarchives(workspace):
    assert "Added acme/invoicing (Invoicing)" in _heard("products", "add", "acme/invoicing", "--name", "Invoicing", "--description", "Bills")
    assert _heard("products", "list", "acme").splitlines()[0].startswith("invoicing\tInvoicing\tadded ")
    assert "Archived acme/invoicing" in _heard("products", "archive", "acme/invoicing")
    assert _heard("products", "list", "acme") == ""
    assert _heard("products", "list", "acme", "--archived").startswith("invoicing\tInvoicing\tarchived ")
    assert "back in navigation" in _heard("products", "unarchive", "acme/invoicing")
    assert [e.actor_label for e in AuditEvent.objects.filter(object_type="core.product")] == ["system"] * 3


@pytest.mark.parametrize("args, message", [
    (("products", "add", "acme/Bad Slug", "--name", "x"), "slug: Use lowercase"),
    (("products", "add", "invoicing", "--name", "x"), "WORKSPACE/PRODUCT"),
    (("products", "add", "nowhere/x", "--name", "x"), "Workspace was not found"),
    (("products", "archive", "acme/missing"), "was not found"),
])
def test_cli_bad_input_says_what_is_wrong(workspace, args, message):
    with pytest.raises(CommandError, match=message):
        _heard(*args)
