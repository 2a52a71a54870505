"""heard over real HTTP against a plain WSGI app, side by side in one run (issue 14).

(Named http_load.py, not http.py: Python puts a script's folder first on the import path, so
a bench/http.py would stand in for the standard library's http package in every script here.)

    python bench/http_load.py                 # SQLite
    python bench/http_load.py --database-url postgres://postgres@127.0.0.1:5432/heard_bench_http

Loads the demo workspace into a fresh database, starts ``heard serve`` (gunicorn, the
default processes and threads for this machine) and, with the same server and the same
processes and threads, a plain WSGI app that answers a fixed JSON body. wrk then drives each
for ``--seconds`` at ``--connections`` connections:

- ``plain``: the plain app (the limit of this machine and server at that moment);
- ``api_feedback_get``: ``GET /api/v1/feedback/{id}`` with a bearer token;
- ``api_feedback_list``: the first page of ``GET /api/v1/feedback?product=...``;
- ``page_feedback_list``: the first page of the team's feedback list, signed in.

It prints one JSON object: requests per second and p95 latency of each (``*_rps``,
``*_p95_ms``), each heard figure's ``*_ratio`` to the plain app's requests per second, the
processes and threads used and the load average. Goals: ratio ≥ 0.15 for the GET and the
first list page, p95 ≤ 50 ms at 16 connections, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _util import ROOT, print_json, use_src  # noqa: E402

use_src()

PLAIN_APP = '''
BODY = b'{"id": 1, "text": "Export to the accounting package fails for 2 000 invoices."}'
def app(environ, start_response):
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(BODY)))])
    return [BODY]
'''

# wrk prints percentiles of its own choosing; this prints the p95 (and requests/s) plainly.
WRK_REPORT = """
done = function(summary, latency, requests)
  io.write(string.format("RESULT rps=%.1f p95_us=%d errors=%d requests=%d\\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(95),
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.status + summary.errors.timeout,
    summary.requests))
end
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_answering(url: str, process: subprocess.Popen, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError:
            return  # it answers (a 4xx is still an answer)
        except OSError:
            if process.poll() is not None:
                raise SystemExit(f"the server exited: {process.stdout.read() if process.stdout else ''}") from None
            if time.monotonic() > deadline:
                raise SystemExit(f"{url} did not answer within {seconds} s") from None
            time.sleep(0.3)


def wrk(url: str, *, seconds: int, connections: int, headers: dict, script: Path) -> dict:
    command = ["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds}s", "-s", str(script), "--timeout", "10s"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    out = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    found = re.search(r"RESULT rps=([\d.]+) p95_us=(\d+) errors=(\d+) requests=(\d+)", out)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": float(found.group(1)), "p95_ms": round(int(found.group(2)) / 1000, 1),
            "errors": int(found.group(3)) + (int(non_2xx.group(1)) if non_2xx else 0), "requests": int(found.group(4))}


def prepare(env: dict) -> dict:
    """Migrate, load the demo, and return a token, a feedback id and a session cookie."""
    heard = [sys.executable, "-m", "heard.cli"]
    subprocess.run([*heard, "migrate", "--verbosity", "0"], env=env, check=True)
    subprocess.run([*heard, "demo"], env=env, check=True, capture_output=True)
    code = (
        "from heard.core import actions as a; from heard.core.models import User; from heard.demo import DEMO_LOGIN; "
        "from heard.feedback.models import Feedback; from django.contrib.auth import get_user_model; "
        "from django.contrib.sessions.backends.db import SessionStore; "
        "u = User.objects.get(email=DEMO_LOGIN); "
        "print('TOKEN', a.issue_token(actor=None, user=u, name='bench')); "
        "f = Feedback.objects.filter(product__slug='invoicing').order_by('-id').first(); print('FEEDBACK', f.pk); "
        "s = SessionStore(); s['_auth_user_id'] = str(u.pk); "
        "s['_auth_user_backend'] = 'django.contrib.auth.backends.ModelBackend'; s['_auth_user_hash'] = u.get_session_auth_hash(); "
        "s.create(); print('SESSION', s.session_key)"
    )
    out = subprocess.run([*heard, "shell", "-c", code], env=env, check=True, capture_output=True, text=True).stdout
    return {key: re.search(rf"{key} (\S+)", out).group(1) for key in ("TOKEN", "FEEDBACK", "SESSION")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default="", help="A PostgreSQL URL (dropped and created); default a temporary SQLite file.")
    parser.add_argument("--seconds", type=int, default=15, help="Seconds of load per target (default 15).")
    parser.add_argument("--connections", type=int, default=16, help="Concurrent connections (default 16).")
    parser.add_argument("--workers", type=int, default=0, help="Server processes for both servers (default: what `heard serve` picks).")
    parser.add_argument("--threads", type=int, default=4, help="Threads per process for both servers (default 4, `heard serve`'s default).")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install wrk")
    workdir = Path(tempfile.mkdtemp(prefix="heard-http-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HEARD_", "DATABASE_URL"))}
    env.update(HEARD_LOG_LEVEL="WARNING", HEARD_MEDIA_ROOT=str(workdir / "media"),
               HEARD_API_RATE_LIMIT="100000000", PYTHONPATH=str(ROOT / "src"))
    if args.database_url:
        from import_tickets import _fresh_postgres

        _fresh_postgres(args.database_url)
        env["DATABASE_URL"] = args.database_url
    else:
        env["HEARD_DB_PATH"] = str(workdir / "heard.sqlite3")
    found = prepare(env)
    from heard.core.management.commands.serve import default_workers

    workers = args.workers or default_workers()
    (workdir / "plain_app.py").write_text(PLAIN_APP)
    script = workdir / "report.lua"
    script.write_text(WRK_REPORT)
    plain_port, heard_port = free_port(), free_port()
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    plain = subprocess.Popen([gunicorn, "--workers", str(workers), "--threads", str(args.threads), "--worker-class", "gthread",
                              "--bind", f"127.0.0.1:{plain_port}", "--chdir", str(workdir), "--log-level", "warning", "plain_app:app"],
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    server = subprocess.Popen([sys.executable, "-m", "heard.cli", "serve", "--port", str(heard_port), "--workers", str(workers),
                               "--threads", str(args.threads)], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    result: dict = {"database": "postgresql" if args.database_url else "sqlite", "workers": workers, "threads": args.threads,
                    "connections": args.connections, "seconds": args.seconds}
    try:
        wait_until_answering(f"http://127.0.0.1:{plain_port}/", plain)
        wait_until_answering(f"http://127.0.0.1:{heard_port}/healthz", server)
        bearer = {"Authorization": f"Bearer {found['TOKEN']}"}
        targets = {
            "plain": (f"http://127.0.0.1:{plain_port}/", {}),
            "api_feedback_get": (f"http://127.0.0.1:{heard_port}/api/v1/feedback/{found['FEEDBACK']}?workspace=demo", bearer),
            "api_feedback_list": (f"http://127.0.0.1:{heard_port}/api/v1/feedback?workspace=demo&product=invoicing", bearer),
            "page_feedback_list": (f"http://127.0.0.1:{heard_port}/w/demo/p/invoicing/feedback/",
                                   {"Cookie": f"sessionid={found['SESSION']}"}),
        }
        load_before = os.getloadavg()[0]
        for name, (url, headers) in targets.items():
            # A short warm-up so every process has loaded its code and opened its connection.
            wrk(url, seconds=2, connections=args.connections, headers=headers, script=script)
            measured = wrk(url, seconds=args.seconds, connections=args.connections, headers=headers, script=script)
            result[f"{name}_rps"] = measured["rps"]
            result[f"{name}_p95_ms"] = measured["p95_ms"]
            result[f"{name}_errors"] = measured["errors"]
        for name in targets:
            if name != "plain":
                result[f"{name}_ratio"] = round(result[f"{name}_rps"] / result["plain_rps"], 3)
        result["load_average"] = [round(load_before, 1), round(os.getloadavg()[0], 1)]
    finally:
        for process in (plain, server):
            process.terminate()
            process.wait(timeout=60)
        shutil.rmtree(workdir, ignore_errors=True)
    print_json(result)


if __name__ == "__main__":
    main()
