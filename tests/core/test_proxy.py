"""heard behind a real nginx: every visitor keeps their own address, HTTPS is known, HSTS sent.

`heard serve` (gunicorn, several processes) runs behind nginx started by the test. Visitors
connect to nginx from different loopback addresses (127.0.0.2, 127.0.0.3), so nginx's
X-Forwarded-For says who they are, as it would for people on the internet.
"""

import http.client
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse

import pytest

from tests.conftest import copy_migrated_sqlite


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def nginx_binary() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None)
    assert found, "nginx is not installed: run `make nginx` (scripts/ensure-nginx.sh)"
    return found


NGINX_CONF = """
{user}
worker_processes 1;
daemon off;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {dir}/body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://127.0.0.1:{upstream};
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            # The proxy terminates TLS in production; here it says so, as such a proxy does.
            proxy_set_header X-Forwarded-Proto https;
        }}
    }}
}}
"""


def wait_until_answering(port: int, process: subprocess.Popen, what: str, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            assert process.poll() is None, f"{what} exited: {process.stdout.read() if process.stdout else ''}"
            assert time.monotonic() < deadline, f"{what} did not answer within {seconds:.0f} s"
            time.sleep(0.3)


class Visitor:
    """One person's browser, connecting from its own address."""

    def __init__(self, address: str, port: int):
        self.address, self.port, self.cookies = address, port, {}

    def request(self, method: str, path: str, form: dict | None = None, headers: dict | None = None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30, source_address=(self.address, 0))
        body = urllib.parse.urlencode(form) if form is not None else None
        sent = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()), **(headers or {})}
        if body is not None:
            sent["Content-Type"] = "application/x-www-form-urlencoded"
            # Django checks the origin of HTTPS form posts.
            sent["Origin"] = f"https://127.0.0.1:{self.port}"
        connection.request(method, path, body=body, headers=sent)
        response = connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, rest = value.split("=", 1)
                self.cookies[name] = rest.split(";", 1)[0]
        connection.close()
        return response, text

    def ask_for_sign_in_link(self, email: str) -> int:
        _, page = self.request("GET", "/portal/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        response, _ = self.request("POST", "/portal/", {"csrfmiddlewaretoken": token, "email": email})
        return response.status


@pytest.fixture
def heard_behind_nginx(tmp_path, migrated_sqlite):
    env = {**os.environ, "HEARD_DB_PATH": copy_migrated_sqlite(migrated_sqlite, tmp_path / "db.sqlite3"), "HEARD_TRUSTED_PROXIES": "1",
           "HEARD_SSL_REDIRECT": "true", "HEARD_HSTS_SECONDS": "31536000"}
    env.pop("DATABASE_URL", None)
    heard = [sys.executable, "-m", "heard.cli"]
    upstream, port = free_port(), free_port()
    server = subprocess.Popen([*heard, "serve", "--port", str(upstream), "--workers", "2", "--threads", "2"],
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    conf_dir = tmp_path / "nginx"
    conf_dir.mkdir()
    user = "user root;" if os.geteuid() == 0 else ""
    (conf_dir / "nginx.conf").write_text(NGINX_CONF.format(user=user, dir=conf_dir, port=port, upstream=upstream))
    nginx = subprocess.Popen([nginx_binary(), "-p", str(conf_dir), "-c", str(conf_dir / "nginx.conf"), "-e", str(conf_dir / "error.log")],
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        wait_until_answering(upstream, server, "heard serve")
        wait_until_answering(port, nginx, "nginx")
        yield {"port": port, "upstream": upstream, "server": server}
    finally:
        nginx.terminate()
        nginx.wait(timeout=30)
        server.terminate()
        server.wait(timeout=60)


def test_each_visitor_behind_the_proxy_has_their_own_sign_in_quota(heard_behind_nginx):
    port = heard_behind_nginx["port"]
    first, second = Visitor("127.0.0.2", port), Visitor("127.0.0.3", port)
    # Five requests an hour per address (portal.actions.LINKS_PER_IP_PER_HOUR), then 429.
    assert [first.ask_for_sign_in_link(f"person{n}@example.org") for n in range(5)] == [200] * 5
    assert first.ask_for_sign_in_link("person5@example.org") == 429
    # Another visitor, behind the same proxy, is not held up by the first one.
    assert second.ask_for_sign_in_link("someone@example.org") == 200
    # And the first cannot escape its quota by writing its own X-Forwarded-For: nginx appends
    # the real address, and heard trusts only the entry its one proxy added.
    _, page = first.request("GET", "/portal/", headers={"X-Forwarded-For": "198.51.100.99"})
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response, _ = first.request("POST", "/portal/", {"csrfmiddlewaretoken": token, "email": "x@example.org"},
                                headers={"X-Forwarded-For": "198.51.100.99"})
    assert response.status == 429


def test_https_from_the_proxy_is_honoured_and_plain_http_is_redirected(heard_behind_nginx):
    through_proxy, _ = Visitor("127.0.0.2", heard_behind_nginx["port"]).request("GET", "/accounts/login/")
    assert through_proxy.status == 200
    assert through_proxy.getheader("Strict-Transport-Security") == "max-age=31536000"
    # Straight to heard, without the proxy, the request is plain HTTP: sent to HTTPS.
    direct, _ = Visitor("127.0.0.1", heard_behind_nginx["upstream"]).request("GET", "/accounts/login/")
    assert direct.status == 301
    assert direct.getheader("Location").startswith("https://")
    assert direct.getheader("Server") == "heard"  # gunicorn, without its name and version
    # Load balancers probe over plain HTTP.
    probe, body = Visitor("127.0.0.1", heard_behind_nginx["upstream"]).request("GET", "/healthz")
    assert probe.status == 200 and '"database": "ok"' in body
