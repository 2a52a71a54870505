"""Background work for health: refresh a product's rollups, flags and snapshot."""

from django_tasks import task


@task()
def refresh_health(product_id: int) -> dict:
    """Recount the pending weeks of product ``product_id`` (idempotent: a second run finds
    nothing pending and only rebuilds the snapshot)."""
    from heard.core.models import Product

    from .rollups import refresh

    product = Product.objects.select_related("workspace").filter(pk=product_id).first()
    if product is None:
        return {"status": "missing"}
    return {"status": "done", "weeks": refresh(product)}
