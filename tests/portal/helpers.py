from django.test import Client

from heard.portal import actions


def portal_client(stakeholder) -> Client:
    """A browser signed in to the portal as ``stakeholder`` through a real magic link."""
    client = Client()
    url = actions.issue_link(stakeholder)
    path = url.split("://", 1)[1].split("/", 1)[1]
    response = client.post("/" + path)
    assert response.status_code == 302, response.content[:500]
    return client
