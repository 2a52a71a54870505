from datetime import timedelta

import pytest
from django.utils import timezone

from heard.sessions import actions
from heard.stakeholders import actions as stakeholder_actions


@pytest.fixture
def customer(workspace):
    return stakeholder_actions.create_stakeholder(actor=None, workspace=workspace, data={"name": "Ada Customer", "email": "ada@client.example", "kind": "end_user", "time_zone": "Europe/Berlin"})


@pytest.fixture
def proxy(workspace):
    return stakeholder_actions.create_stakeholder(actor=None, workspace=workspace, data={"name": "Sal Proxy", "kind": "internal_proxy"})


@pytest.fixture
def when():
    """A start a week ahead, on the hour, in UTC."""
    return (timezone.now() + timedelta(days=7)).replace(minute=0, second=0, microsecond=0)


@pytest.fixture
def session(product, when):
    return actions.create_session(actor=None, product=product, data={
        "title": "Demo of the export", "channel": "demo", "starts_at": when.isoformat(),
        "ends_at": (when + timedelta(hours=1)).isoformat(), "time_zone": "Europe/Berlin",
    })
