import pytest
from django.utils import timezone

from heard.backlog import actions as backlog_actions
from heard.decisions import actions
from heard.feedback import actions as feedback_actions
from heard.stakeholders import actions as stakeholder_actions
from heard.tickets.models import Ticket


@pytest.fixture
def customer(workspace):
    return stakeholder_actions.create_stakeholder(actor=None, workspace=workspace, data={"name": "Ada Customer", "email": "ada@client.example", "kind": "end_user"})


@pytest.fixture
def regulator(workspace):
    return stakeholder_actions.create_stakeholder(actor=None, workspace=workspace, data={"name": "Rita Regulator", "email": "rita@dpa.example", "kind": "regulator"})


@pytest.fixture
def edge_segment(workspace):
    return stakeholder_actions.create_segment(actor=None, workspace=workspace, data={"name": "Accessibility users", "is_edge_case": True})


@pytest.fixture
def decision(product):
    return actions.create_decision(actor=None, product=product, data={"question": "Should we build native bank feeds?", "criteria": ["Cuts month-end work", "Safe for payment data"]})


@pytest.fixture
def option(decision):
    return actions.add_option(actor=None, decision=decision, data={"title": "Build it now", "value": "Saves a day a month", "cost": "Two sprints", "risk": "Bank API changes"})


@pytest.fixture
def feedback_item(product, customer):
    return feedback_actions.record_feedback(actor=None, product=product, data={"text": "Month-end takes me a full day because I copy bank lines by hand.", "stakeholder": customer.pk})


@pytest.fixture
def backlog_item(product):
    return backlog_actions.create_item(actor=None, product=product, data={"title": "Native bank feeds", "external_key": "INV-142"})


@pytest.fixture
def ticket(product, regulator):
    return Ticket.objects.create(product=product, source="zendesk", external_id="SUP-9", requester=regulator, subject="Where is payment data stored?", created_at=timezone.now(), content_hash="x")


@pytest.fixture
def forum(workspace, member):
    return actions.create_forum(actor=None, workspace=workspace, data={"name": "Product council", "final_authority": member("owner").pk, "members": [member("product_owner").pk], "deadline_days": 7})
