"""`heard serve` really serves: a waitress process, static files via WhiteNoise, /healthz."""

import os
import socket
import subprocess
import sys
import time
import urllib.request


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_heard_serve_in_production_mode(tmp_path):
    env = {**os.environ, "HEARD_ENV": "production", "HEARD_SECRET_KEY": "test-only-secret", "HEARD_DB_PATH": str(tmp_path / "db.sqlite3"),
           "HEARD_STATIC_ROOT": str(tmp_path / "static")}
    env.pop("DATABASE_URL", None)
    heard = [sys.executable, "-m", "heard.cli"]
    subprocess.run([*heard, "migrate", "--verbosity", "0"], env=env, check=True, timeout=180)
    port = free_port()
    server = subprocess.Popen([*heard, "serve", "--port", str(port)], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                    assert response.status == 200
                    assert b'"database": "ok"' in response.read()
                break
            except OSError:
                assert server.poll() is None, server.stdout.read()
                assert time.monotonic() < deadline, "heard serve did not answer within 60 s"
                time.sleep(0.3)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/static/heard/heard.css", timeout=5) as response:
            assert response.status == 200 and b"--accent" in response.read()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=5) as response:
            assert response.headers["Server"] == "heard"  # waitress, not runserver
            assert "Content-Security-Policy" in response.headers
    finally:
        server.terminate()
        server.wait(timeout=10)
