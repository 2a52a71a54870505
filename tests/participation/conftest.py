import pytest

from heard.stakeholders import actions as stakeholder_actions


@pytest.fixture
def customer(workspace):
    return stakeholder_actions.create_stakeholder(actor=None, workspace=workspace, data={"name": "Ada Customer", "email": "ada@client.example", "kind": "end_user"})
