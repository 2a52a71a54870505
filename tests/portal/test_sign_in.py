"""Hardened magic-link sign-in: the request does the same work for every address, the mail
goes out from the background task, per-IP limits behind proxies, and pruning of old rows."""

import re
from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from heard.portal.models import PortalLinkToken, PortalSignInRequest

LINK = re.compile(r"https?://[^\s]+/portal/link/[^\s/]+/")
DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def _ask(client, email, ip="10.0.0.1", forwarded=None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return client.post("/portal/", {"email": email}, REMOTE_ADDR=ip, **extra)


def _path(url):
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def _shape(sql: str) -> str:
    """A statement without its values: what work was done, not on which address."""
    sql = re.sub(r'"s\d+_x\d+"', "SAVEPOINT_NAME", sql)
    return re.sub(r"\b\d+\b", "N", re.sub(r"'(?:[^']|'')*'", "?", sql))


def _without_csrf(response) -> bytes:
    return re.sub(rb'"X-CSRFToken": "[^"]*"', b"", response.content)


def test_known_and_unknown_addresses_get_the_same_answer_after_the_same_work(world, django_capture_on_commit_callbacks):
    answers, work, queued = {}, {}, {}
    for label, address in (("known", "alice@kestrel.example"), ("unknown", "nobody@nowhere.example")):
        with django_capture_on_commit_callbacks(execute=False) as callbacks, CaptureQueriesContext(connection) as queries:
            answers[label] = _ask(Client(), address)
        work[label] = [_shape(q["sql"]) for q in queries.captured_queries]
        queued[label] = callbacks
    assert answers["known"].status_code == answers["unknown"].status_code == 200
    assert _without_csrf(answers["known"]) == _without_csrf(answers["unknown"])
    # Same statements in the same order; nobody looked the address up before answering.
    assert work["known"] == work["unknown"]
    assert any("portal_portalsigninrequest" in sql for sql in work["known"])
    assert not any("stakeholder" in sql for sql in work["known"])
    assert PortalLinkToken.objects.count() == 0 and mail.outbox == []
    # Each request queued exactly one thing; only the known address's task sends mail.
    assert len(queued["known"]) == len(queued["unknown"]) == 1
    queued["unknown"][0]()
    assert mail.outbox == []
    queued["known"][0]()
    assert [m.to for m in mail.outbox] == [["alice@kestrel.example"]]


@pytest.mark.django_db(transaction=True)
def test_the_worker_sends_the_mail_and_the_link_works_once_for_30_minutes(workspace, product, other_workspace, settings):
    from django_tasks_db.models import DBTaskResult

    from tests.closure.world import build_world

    world = build_world(workspace, product, other_workspace)
    settings.TASKS = DB_TASKS
    client = Client()
    assert _ask(client, "Carol@Lindenfeld.example").status_code == 200
    # The answer has gone; nothing is sent or issued until the worker runs.
    assert mail.outbox == [] and PortalLinkToken.objects.count() == 0
    queued = DBTaskResult.objects.get()
    assert queued.task_path == "heard.portal.tasks.send_sign_in_links"
    assert "lindenfeld" not in str(queued.args_kwargs).lower()  # no address in the queue
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
    assert [m.to for m in mail.outbox] == [["carol@lindenfeld.example"]]
    [url] = LINK.findall(mail.outbox[0].body)
    token = PortalLinkToken.objects.get(stakeholder=world.carol)
    assert token.token_hash not in mail.outbox[0].body and url.rstrip("/").rsplit("/", 1)[1] not in str(PortalLinkToken.objects.values())
    assert timedelta(minutes=29) < token.expires_at - token.created_at <= timedelta(minutes=30)
    assert client.post(_path(url)).status_code == 302
    assert client.get("/portal/me/").status_code == 200
    assert Client().post(_path(url)).status_code == 400  # once


def test_an_expired_link_from_the_mail_is_refused(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _ask(Client(), "carol@lindenfeld.example")
    [url] = LINK.findall(mail.outbox[0].body)
    PortalLinkToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    r = Client().post(_path(url))
    assert r.status_code == 400 and "expired or was already used" in r.content.decode()


def test_the_sixth_request_in_an_hour_is_429_and_queues_nothing(world, django_capture_on_commit_callbacks):
    client = Client()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        for n in range(5):
            assert _ask(client, "alice@kestrel.example", ip=f"10.0.3.{n}").status_code == 200
        r = _ask(client, "alice@kestrel.example", ip="10.0.3.99")
    assert r.status_code == 429 and "Too many sign-in links" in r.content.decode()
    assert len(callbacks) == 5 and len(mail.outbox) == 5
    # An unknown address is limited exactly alike.
    for n in range(5):
        assert _ask(client, "nobody@nowhere.example", ip=f"10.0.4.{n}").status_code == 200
    assert _ask(client, "nobody@nowhere.example", ip="10.0.4.99").status_code == 429


def test_without_trusted_proxies_a_forged_forwarded_for_does_not_escape_the_ip_limit(world, settings):
    settings.HEARD_TRUSTED_PROXIES = 0
    client = Client()
    for n in range(5):
        assert _ask(client, f"person{n}@example.com", ip="198.51.100.7", forwarded=f"203.0.113.{n}").status_code == 200
    assert _ask(client, "person9@example.com", ip="198.51.100.7", forwarded="203.0.113.99").status_code == 429
    assert set(PortalSignInRequest.objects.values_list("ip", flat=True)) == {"198.51.100.7"}


def test_behind_one_proxy_the_right_most_forwarded_address_is_the_client(world, settings):
    settings.HEARD_TRUSTED_PROXIES = 1
    settings.HEARD_TRUSTED_PROXY_ADDRESSES = ["10.0.0.0/8"]  # where our proxy connects from
    proxy = "10.0.0.2"
    client = Client()
    # Six people behind the same proxy are six clients, not one.
    for n in range(6):
        assert _ask(client, f"person{n}@example.com", ip=proxy, forwarded=f"203.0.113.{n}").status_code == 200
    # One client forging entries to the left of what our proxy appended is still one client.
    for n in range(5):
        assert _ask(client, f"forger{n}@example.com", ip=proxy, forwarded=f"192.0.2.{n}, 198.51.100.9").status_code == 200
    assert _ask(client, "forger9@example.com", ip=proxy, forwarded="192.0.2.99, 198.51.100.9").status_code == 429
    assert PortalSignInRequest.objects.filter(ip="198.51.100.9").count() == 5
    assert not PortalSignInRequest.objects.filter(ip=proxy).exists()


def test_ipv6_clients_are_limited_per_64_network(world):
    client = Client()
    for n in range(5):
        assert _ask(client, f"person{n}@example.com", ip=f"2001:db8:1:2::{n + 1:x}").status_code == 200
    assert _ask(client, "person9@example.com", ip="2001:db8:1:2:ffff::1").status_code == 429
    assert _ask(client, "person9@example.com", ip="2001:db8:1:3::1").status_code == 200


def _old_rows():
    """Rows from two days ago (prunable) and from the last hour and day (kept)."""
    now = timezone.now()
    ago = {"2d": now - timedelta(days=2), "2h": now - timedelta(hours=2), "10m": now - timedelta(minutes=10)}
    for n in range(3):
        PortalSignInRequest.objects.create(email=f"old{n}@example.com", ip="192.0.2.1", at=ago["2d"])
    for n in range(5):  # all five count towards this hour's limit for 192.0.2.50
        PortalSignInRequest.objects.create(email=f"recent{n}@example.com", ip="192.0.2.50", at=ago["10m"])
    return now, ago


def _token(world, n, **fields):
    return PortalLinkToken.objects.create(stakeholder=world.alice, token_hash=f"{n:064d}", **fields)


def test_prune_removes_old_rows_but_keeps_what_the_hourly_limit_counts(world):
    now, ago = _old_rows()
    used_long_ago = _token(world, 1, created_at=ago["2d"], expires_at=ago["2d"] + timedelta(minutes=30), used_at=ago["2d"])
    expired_long_ago = _token(world, 2, created_at=ago["2d"], expires_at=ago["2d"] + timedelta(minutes=30))
    used_recently = _token(world, 3, created_at=ago["2h"], expires_at=ago["2h"] + timedelta(minutes=30), used_at=ago["2h"])
    fresh = _token(world, 4, created_at=ago["10m"], expires_at=now + timedelta(minutes=20))
    out = StringIO()
    call_command("portal", "prune", stdout=out)
    assert out.getvalue().strip() == "Pruned 2 sign-in links and 3 sign-in requests older than a day."
    assert set(PortalLinkToken.objects.values_list("pk", flat=True)) == {used_recently.pk, fresh.pk}
    assert not {used_long_ago.pk, expired_long_ago.pk} & set(PortalLinkToken.objects.values_list("pk", flat=True))
    assert PortalSignInRequest.objects.count() == 5
    # The limit still holds across the hour after pruning.
    assert _ask(Client(), "someone@example.com", ip="192.0.2.50").status_code == 429
    out = StringIO()
    call_command("portal", "prune", stdout=out)
    assert out.getvalue().strip() == "Pruned 0 sign-in links and 0 sign-in requests older than a day."


def test_each_sent_request_prunes_too(world, django_capture_on_commit_callbacks):
    _old_rows()
    with django_capture_on_commit_callbacks(execute=True):
        assert _ask(Client(), "alice@kestrel.example", ip="192.0.2.60").status_code == 200
    assert not PortalSignInRequest.objects.filter(email__startswith="old").exists()
    assert PortalSignInRequest.objects.filter(email__startswith="recent").count() == 5
    assert len(mail.outbox) == 1
    assert _ask(Client(), "someone@example.com", ip="192.0.2.50").status_code == 429


def test_a_request_pruned_before_the_worker_ran_sends_nothing(world):
    from heard.portal.tasks import send_sign_in_links

    request = PortalSignInRequest.objects.create(email="alice@kestrel.example", ip="192.0.2.1")
    request.delete()
    assert send_sign_in_links.call(request.pk) == {"sent": False}
    assert mail.outbox == [] and PortalLinkToken.objects.count() == 0



@pytest.mark.django_db(transaction=True)
def test_requests_at_the_same_moment_cannot_pass_the_hourly_limit_together():
    """Eight requests for one address at once, from eight networks: five get a link, three
    are refused, however their transactions interleave."""
    import threading

    from django.db import OperationalError, close_old_connections

    from heard.core.errors import HeardError
    from heard.portal.actions import request_link

    start = threading.Barrier(8)
    outcomes: list[str] = []

    def ask(n: int) -> None:
        try:
            start.wait(10)
            for _attempt in range(200):
                try:
                    request_link(email="same@example.org", ip=f"198.51.100.{n}")
                    outcomes.append("sent")
                    return
                except HeardError as exc:
                    outcomes.append(exc.code)
                    return
                except OperationalError as exc:
                    # SQLite's in-memory test database answers "locked" at once where a
                    # database file waits for the writer (its busy timeout): wait here.
                    if "locked" not in str(exc):
                        raise
                    import time

                    time.sleep(0.02)
            outcomes.append("gave up")
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=ask, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(outcomes) == ["rate_limited"] * 3 + ["sent"] * 5
    assert PortalSignInRequest.objects.filter(email="same@example.org").count() == 5
