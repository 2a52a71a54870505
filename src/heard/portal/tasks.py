"""Background work for the portal: sending sign-in links, so that the sign-in page answers
in the same time whether or not an address belongs to a stakeholder."""

from django_tasks import task


@task()
def send_sign_in_links(request_id: int, base_url: str = "") -> dict:
    """E-mail the links for PortalSignInRequest ``request_id``, then prune old sign-in rows
    (here rather than in the request, which must not do more work for some addresses)."""
    from .actions import prune_sign_ins, send_links_for_request

    sent = send_links_for_request(request_id, base_url)
    prune_sign_ins()
    return {"sent": bool(sent)}
