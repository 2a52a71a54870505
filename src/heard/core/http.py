"""Facts about an HTTP request that depend on how heard is deployed.

``client_ip(request)`` is the address of the person's computer, for rate limits and logs.
Behind a reverse proxy REMOTE_ADDR is the proxy, and X-Forwarded-For is only trustworthy for
the hops our own proxies added: everything to their left was written by the client and may be
forged. ``HEARD_TRUSTED_PROXIES`` says how many hops to trust (0: ignore the header), and
``HEARD_TRUSTED_PROXY_ADDRESSES`` which addresses our nearest proxy connects from: a request
from anywhere else reached heard directly, so its header is the client's own invention.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings


def _as_ip(raw: str) -> str | None:
    """The address in an X-Forwarded-For entry, or None when it is not one.

    Some proxies append a port ("203.0.113.7:51234", "[2001:db8::1]:443"); that is dropped.
    """
    value = raw.strip()
    if value.startswith("[") and "]" in value:
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:
        value = value.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def client_ip(request) -> str:
    """The client's address: REMOTE_ADDR, or the entry our nearest trusted proxy saw.

    With N trusted hops the client is the N-th entry from the right of X-Forwarded-For. When
    the header has fewer entries than that, or the entry is not an address, the request did not
    come through our proxies as configured, so REMOTE_ADDR is used.
    """
    remote = request.META.get("REMOTE_ADDR", "") or "unknown"
    hops = getattr(settings, "HEARD_TRUSTED_PROXIES", 0)
    if hops <= 0 or not _from_our_proxy(remote):
        return remote
    entries = [e for e in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if e.strip()]
    if len(entries) < hops:
        return remote
    return _as_ip(entries[-hops]) or remote


def _from_our_proxy(remote: str) -> bool:
    try:
        address = ipaddress.ip_address(remote)
    except ValueError:
        return False
    for allowed in settings.HEARD_TRUSTED_PROXY_ADDRESSES:
        if allowed == "*":
            return True
        try:
            if address in ipaddress.ip_network(allowed, strict=False):
                return True
        except ValueError:
            continue
    return False
