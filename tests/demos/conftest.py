from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import timezone

from heard.backlog import actions as backlog_actions
from heard.sessions import actions as session_actions
from heard.stakeholders import actions as stakeholder_actions


@dataclass
class DemoWorld:
    session: object
    item: object
    first: object  # criteria of the item
    second: object
    alice: object  # a participating customer
    bob: object  # another participant
    outsider: object  # a buyer never involved with the item


def person(workspace, name, email, kind="end_user"):
    return stakeholder_actions.create_stakeholder(actor=None, workspace=workspace, data={"name": name, "email": email, "kind": kind})


def make_world(workspace, product, *, starts=None, channel="demo") -> DemoWorld:
    starts = starts or (timezone.now() - timedelta(hours=1)).replace(microsecond=0)
    session = session_actions.create_session(actor=None, product=product, data={
        "title": "Sprint 9 demo", "channel": channel, "starts_at": starts.isoformat(), "ends_at": (starts + timedelta(hours=2)).isoformat(), "time_zone": "UTC",
    })
    item = backlog_actions.create_item(actor=None, product=product, data={"title": "Monthly report in two minutes", "external_key": "APP-1", "status": "in_progress"})
    first = backlog_actions.add_criterion(actor=None, item=item, data={"text": "When a clerk runs the report for 100 records, it is ready within 2 minutes."})
    second = backlog_actions.add_criterion(actor=None, item=item, data={"text": "While it runs, the clerk can keep working."})
    alice = person(workspace, "Alice Archer", "alice@kestrel.example")
    bob = person(workspace, "Bob Baker", "bob@kestrel.example", "operator")
    outsider = person(workspace, "Olga Outsider", "olga@buyer.example", "buyer")
    for p in (alice, bob):
        session_actions.add_participant(actor=None, session=session, stakeholder=p.pk)
    return DemoWorld(session, item, first, second, alice, bob, outsider)


@pytest.fixture
def world(workspace, product):
    return make_world(workspace, product)


@pytest.fixture
def shown(world):
    """The world with both criteria demonstrated in a scenario."""
    from heard.demos import actions

    actions.add_demonstrations(actor=None, session=world.session, item=world.item,
                               scenario={"data_volume": "100 records", "device": "laptop", "connectivity": "weak", "assistive_technology": "NVDA"})
    return world


def demonstration(world, criterion):
    return world.session.demonstrations.get(criterion=criterion)
