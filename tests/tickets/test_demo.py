import pytest

from heard.core import actions as core_actions
from heard.tickets import demo
from heard.tickets.models import Ticket


@pytest.mark.django_db
def test_demo_tickets_load_once(workspace):
    invoicing = core_actions.create_product(actor=None, workspace=workspace, slug="invoicing", name="Invoicing")
    core_actions.create_product(actor=None, workspace=workspace, slug="field-app", name="Field")
    demo.load(workspace)
    count = Ticket.objects.count()
    assert count == sum(demo.COUNTS.values())
    assert Ticket.objects.filter(product=invoicing, source="zendesk", requester__isnull=False).count() == demo.COUNTS["invoicing"]
    before = list(Ticket.objects.order_by("pk").values_list("pk", "content_hash"))
    demo.load(workspace)
    assert list(Ticket.objects.order_by("pk").values_list("pk", "content_hash")) == before
    resolved = Ticket.objects.filter(solved_at__isnull=False).first()
    assert resolved.time_to_resolution.total_seconds() > 0
