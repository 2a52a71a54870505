import pytest

from heard.backlog import actions as backlog_actions
from heard.stakeholders import actions as s_actions


@pytest.fixture
def people(workspace):
    enterprise = s_actions.create_segment(actor=None, workspace=workspace, data={"name": "Enterprise"})
    s_actions.create_segment(actor=None, workspace=workspace, data={"name": "Public sector"})
    ada = s_actions.create_stakeholder(actor=None, workspace=workspace, data={"name": "Ada Lovelace", "email": "ada@kestrel.example", "segments": ["enterprise"]})
    bob = s_actions.create_stakeholder(actor=None, workspace=workspace, data={"name": "Bob Proxy", "email": "bob@acme.example", "kind": "internal_proxy"})
    cleo = s_actions.create_stakeholder(actor=None, workspace=workspace, data={"name": "Cleo Park", "email": "cleo@city.example", "segments": ["public-sector"]})
    return {"ada": ada, "bob": bob, "cleo": cleo, "enterprise": enterprise}


@pytest.fixture
def backlog(product):
    item = backlog_actions.create_item(actor=None, product=product, data={"title": "Faster report generation", "external_key": "INV-7", "status": "ready", "increment": "2026.2"})
    criterion = backlog_actions.add_criterion(actor=None, item=item, data={"text": "When a clerk generates a report for 100 records, it is ready within 2 minutes."})
    return {"item": item, "criterion": criterion}
