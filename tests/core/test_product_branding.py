"""The portal branding a team sets for a product (issue 12: "the product's name and colour
set by the team (a logo and an accent colour per product)") is settable and readable through
the API and the command line too, with the same rules as the product's edit page."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from heard.core.models import AuditEvent, Product

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def put_logo(api, body, content_type="image/png"):
    return api.client.put("/api/v1/products/app/logo?workspace=acme", data=body, content_type=content_type, headers=api.headers)


@pytest.mark.django_db
def test_api_sets_and_reads_the_accent_and_the_logo(api_as, product):
    api = api_as("product_owner")
    before = api.get("/products/app", workspace="acme").json()
    assert (before["accent"], before["has_logo"]) == ("blue", False)
    changed = api.patch("/products/app", {"accent": "teal"}, workspace="acme")
    assert changed.status_code == 200 and changed.json()["accent"] == "teal"
    with_logo = put_logo(api, PNG)
    assert with_logo.status_code == 200 and with_logo.json()["has_logo"] is True
    assert Product.objects.get().logo_type == "image/png"
    removed = api.delete("/products/app/logo", workspace="acme")
    assert removed.status_code == 200 and removed.json()["has_logo"] is False
    assert list(AuditEvent.objects.filter(object_type="core.product").values_list("verb", flat=True).order_by("pk"))[-3:] == [
        "product.updated", "product.logo_set", "product.logo_set"]


@pytest.mark.django_db
def test_api_refuses_bad_branding_with_the_field_named(api_as, product):
    api = api_as("owner")
    colour = api.patch("/products/app", {"accent": "chartreuse"}, workspace="acme")
    assert colour.status_code == 400 and colour.json()["error"]["field"] == "accent"
    svg = put_logo(api, b"<svg xmlns='http://www.w3.org/2000/svg'/>", "image/svg+xml")
    assert svg.status_code == 400 and svg.json()["error"]["field"] == "logo" and "SVG is not accepted" in svg.json()["error"]["message"]
    empty = put_logo(api, b"")
    assert empty.status_code == 400 and empty.json()["error"]["field"] == "logo"
    big = put_logo(api, PNG + b"\x00" * 200_000)
    assert big.status_code == 400 and "under 200 kB" in big.json()["error"]["message"]
    assert put_logo(api_as("developer"), PNG).status_code == 403
    assert api_as("viewer").patch("/products/app", {"accent": "red"}, workspace="acme").status_code == 403
    assert (Product.objects.get().accent, Product.objects.get().logo_type) == ("blue", "")


def _heard(*args):
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_cli_sets_and_prints_the_branding(product, tmp_path):
    assert _heard("products", "brand", "acme/app").strip().endswith("accent blue\tno logo")
    logo = tmp_path / "logo.png"
    logo.write_bytes(PNG)
    shown = _heard("products", "brand", "acme/app", "--accent", "purple", "--logo", str(logo))
    assert shown.strip().endswith("accent purple\tlogo image/png, 0 kB")
    assert Product.objects.get().accent == "purple"
    assert _heard("products", "brand", "acme/app", "--no-logo").strip().endswith("no logo")
    bad = tmp_path / "logo.svg"
    bad.write_text("<svg/>")
    with pytest.raises(CommandError, match="logo: The logo must be a PNG"):
        _heard("products", "brand", "acme/app", "--logo", str(bad))
    with pytest.raises(CommandError, match="logo: Cannot read"):
        _heard("products", "brand", "acme/app", "--logo", str(tmp_path / "missing.png"))
