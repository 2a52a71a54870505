"""A product's name, logo and accent colour, set by the team, in the stakeholder portal."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from heard.core.models import AuditEvent, Product

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.mark.django_db
def test_a_lead_sets_the_accent_and_logo_and_the_portal_serves_it(client_as, product):
    client = client_as("product_owner")
    response = client.post("/w/acme/products/app/edit/", {
        "name": "Acme App", "slug": "app", "description": "", "brand-accent": "teal",
        "brand-logo": SimpleUploadedFile("logo.png", PNG, content_type="image/png"),
    })
    assert response.status_code == 302
    product.refresh_from_db()
    assert product.accent == "teal" and bytes(product.logo) == PNG and product.logo_type == "image/png"
    event = AuditEvent.objects.filter(verb="product.logo_set").latest("id")
    assert event.after["logo"].startswith("72 bytes, sha256 ")
    logo = client_as("viewer").get(f"/portal/logo/{product.pk}/")
    assert logo.status_code == 200 and logo["Content-Type"] == "image/png" and logo.content == PNG
    assert logo["X-Content-Type-Options"] == "nosniff"
    removed = client.post("/w/acme/products/app/edit/", {"name": "Acme App", "slug": "app", "brand-accent": "teal", "brand-remove_logo": "on"})
    assert removed.status_code == 302
    assert client.get(f"/portal/logo/{product.pk}/").status_code == 404


@pytest.mark.django_db
def test_a_script_in_an_svg_logo_or_an_unknown_accent_is_refused_at_the_field(client_as, product):
    client = client_as("owner")
    svg = SimpleUploadedFile("logo.svg", b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", content_type="image/svg+xml")
    response = client.post("/w/acme/products/app/edit/", {"name": "Acme App", "slug": "app", "brand-accent": "blue", "brand-logo": svg})
    assert response.status_code == 400
    assert "The logo must be a PNG, JPEG, GIF or WebP image" in response.content.decode()
    assert Product.objects.get().logo_type == ""
    odd = client.post("/w/acme/products/app/edit/", {"name": "Acme App", "slug": "app", "brand-accent": "neon"})
    assert odd.status_code == 400 and "neon" in odd.content.decode()
    assert client_as("developer").post("/w/acme/products/app/edit/", {"name": "Acme App", "brand-accent": "red"}).status_code == 403


@pytest.mark.django_db
def test_api_and_actions_refuse_an_unknown_accent(product):
    from heard.core import actions
    from heard.core.errors import HeardError

    actions.update_product(actor=None, product=product, data={"accent": "Purple"})
    assert Product.objects.get().accent == "purple"
    with pytest.raises(HeardError) as caught:
        actions.update_product(actor=None, product=product, data={"accent": "gold"})
    assert caught.value.field == "accent"
