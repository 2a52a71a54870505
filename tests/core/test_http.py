"""The client's address behind zero, one or more trusted reverse proxies."""

import os
import subprocess
import sys

import pytest
from django.test import RequestFactory

from heard.core.http import client_ip


@pytest.fixture(autouse=True)
def proxies_on_the_private_network(settings):
    settings.HEARD_TRUSTED_PROXY_ADDRESSES = ["10.0.0.0/8"]


def test_a_client_that_reaches_heard_directly_cannot_forge_its_address(settings):
    settings.HEARD_TRUSTED_PROXIES = 1
    # 198.51.100.7 is not one of our proxies: its X-Forwarded-For is its own invention.
    assert client_ip(request(remote="198.51.100.7", forwarded="203.0.113.1")) == "198.51.100.7"
    assert client_ip(request(remote="10.1.2.3", forwarded="203.0.113.1")) == "203.0.113.1"


def request(remote="198.51.100.7", forwarded=None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote, **extra)


def test_without_trusted_proxies_a_forged_header_is_ignored(settings):
    settings.HEARD_TRUSTED_PROXIES = 0
    assert client_ip(request(forwarded="203.0.113.1")) == "198.51.100.7"
    assert client_ip(request()) == "198.51.100.7"


def test_one_hop_uses_the_right_most_entry(settings):
    settings.HEARD_TRUSTED_PROXIES = 1
    assert client_ip(request(remote="10.0.0.2", forwarded="203.0.113.1")) == "203.0.113.1"
    # Whatever the client wrote to the left of what our proxy appended is ignored.
    assert client_ip(request(remote="10.0.0.2", forwarded="192.0.2.66, 192.0.2.67,203.0.113.1")) == "203.0.113.1"


def test_two_hops_use_the_second_entry_from_the_right(settings):
    settings.HEARD_TRUSTED_PROXIES = 2
    assert client_ip(request(remote="10.0.0.3", forwarded="192.0.2.66, 203.0.113.1, 10.0.0.2")) == "203.0.113.1"


@pytest.mark.parametrize("forwarded", ["", "   ", "not-an-address", "203.0.113.1, ", "999.1.1.1"])
def test_a_missing_short_or_garbled_header_falls_back_to_the_connection(settings, forwarded):
    settings.HEARD_TRUSTED_PROXIES = 2 if forwarded == "203.0.113.1, " else 1
    assert client_ip(request(remote="10.0.0.2", forwarded=forwarded)) == "10.0.0.2"
    assert client_ip(request(remote="10.0.0.2")) == "10.0.0.2"


@pytest.mark.parametrize(("entry", "expected"), [
    ("203.0.113.1:51234", "203.0.113.1"),
    ("[2001:db8::1]:443", "2001:db8::1"),
    ("2001:DB8:0::1", "2001:db8::1"),
])
def test_ports_are_dropped_and_addresses_normalised(settings, entry, expected):
    settings.HEARD_TRUSTED_PROXIES = 1
    assert client_ip(request(remote="10.0.0.2", forwarded=entry)) == expected


def test_no_address_at_all_is_unknown(settings):
    settings.HEARD_TRUSTED_PROXIES = 0
    assert client_ip(request(remote="")) == "unknown"


def test_the_setting_defaults_to_zero_and_refuses_nonsense():
    code = "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='heard.settings'; django.setup(); from django.conf import settings; print(settings.HEARD_TRUSTED_PROXIES)"
    env = {k: v for k, v in os.environ.items() if k != "HEARD_TRUSTED_PROXIES"}
    default = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert default.returncode == 0 and default.stdout.strip() == "0", default.stderr
    bad = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env={**env, "HEARD_TRUSTED_PROXIES": "one"}, timeout=60)
    assert bad.returncode != 0 and "HEARD_TRUSTED_PROXIES must be a whole number" in bad.stderr
