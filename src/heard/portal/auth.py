"""Who is signed in to the portal: a stakeholder id in the Django session, never a User.

Pages use ``@portal_login_required`` (request.stakeholder is set, or a redirect to the
sign-in page); the portal API uses ``PortalSession`` as its ``auth=``. The team's login
and API tokens never open the portal, and a portal session never opens a team page.
"""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from ninja.security import APIKeyCookie

SESSION_KEY = "heard_portal_stakeholder"


def current_stakeholder(request):
    """The signed-in stakeholder, or None (also when they were erased since signing in)."""
    from heard.stakeholders.models import Stakeholder

    session = getattr(request, "session", None)
    pk = session.get(SESSION_KEY) if session is not None else None
    if not pk:
        return None
    person = Stakeholder.objects.select_related("workspace").filter(pk=pk, erased_at__isnull=True).first()
    if person is None:
        session.pop(SESSION_KEY, None)
    return person


def sign_in(request, stakeholder) -> None:
    # A new session key on sign-in, so a planted session id is worthless.
    request.session.cycle_key()
    request.session[SESSION_KEY] = stakeholder.pk


def sign_out(request) -> None:
    request.session.pop(SESSION_KEY, None)
    request.session.cycle_key()


def portal_login_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        person = current_stakeholder(request)
        if person is None:
            return redirect(reverse("portal:start") + "?" + urlencode({"next": request.get_full_path()}))
        request.stakeholder = person
        # Times on their pages are in their time zone, not the server's UTC.
        with timezone.override(person.zone):
            return view(request, *args, **kwargs)

    return wrapper


class PortalSession(APIKeyCookie):
    """The portal API's authentication: the portal session cookie (CSRF checked on writes)."""

    param_name = settings.SESSION_COOKIE_NAME

    def authenticate(self, request, key):
        person = current_stakeholder(request)
        if person is not None:
            request.stakeholder = person
        return person
