"""Where a health flag points: the page of the object it is about."""

from __future__ import annotations

from django.urls import reverse

from .models import Flag


def flag_url(flag: Flag) -> str:
    product = flag.product
    kw = {"ws": product.workspace.slug, "product": product.slug}
    if flag.object_type == "session":
        return reverse("sessions:detail", kwargs={**kw, "pk": int(flag.object_id)})
    if flag.object_type == "backlog_item":
        return reverse("backlog:detail", kwargs={**kw, "pk": int(flag.object_id)})
    if flag.object_type == "decision":
        return reverse("decisions:detail", kwargs={**kw, "pk": int(flag.object_id)})
    return reverse("health:flags", kwargs=kw) + f"?rule={flag.rule}"
