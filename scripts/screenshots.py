"""Screenshots of every main page of the demo, in light, dark and at 390 px.

    make screenshots                      # or: .venv/bin/python scripts/screenshots.py
    .venv/bin/python scripts/screenshots.py --out screenshots --only feedback

Builds the demo in a throw-away SQLite file (or reuses --db), serves it with `heard serve`
on a free port, logs in as the demo owner and saves PNGs into --out (git ignores
screenshots/). Uses Debian's Chromium through Playwright, like the browser tests.
The list of pages is heard.core.screens.main_pages(), shared with the axe and
sideways-scrolling tests, so the three always look at the same pages.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
VARIANTS = {
    "light": {"viewport": {"width": 1366, "height": 768}, "color_scheme": "light"},
    "dark": {"viewport": {"width": 1366, "height": 768}, "color_scheme": "dark"},
    "mobile": {"viewport": {"width": 390, "height": 844}, "color_scheme": "light", "device_scale_factor": 1, "is_mobile": True, "has_touch": True},
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def build_demo(db: Path) -> None:
    env = {**os.environ, "HEARD_DB_PATH": str(db)}
    env.pop("DATABASE_URL", None)
    subprocess.run([BIN / "heard", "migrate", "--verbosity", "0"], check=True, env=env)
    subprocess.run([BIN / "heard", "demo"], check=True, env=env, stdout=subprocess.DEVNULL)


def serve(db: Path, port: int) -> subprocess.Popen:
    env = {**os.environ, "HEARD_DB_PATH": str(db)}
    env.pop("DATABASE_URL", None)
    proc = subprocess.Popen([BIN / "heard", "serve", "--host", "127.0.0.1", "--port", str(port)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(150):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return proc
        except OSError:
            time.sleep(0.2)
    proc.terminate()
    raise SystemExit("heard serve did not answer on /healthz within 30 s")


def _portal_link(db: Path, base: str) -> str:
    """A sign-in link for a demo customer, made in this process on the same SQLite file."""
    os.environ["HEARD_DB_PATH"] = str(db)
    os.environ.pop("DATABASE_URL", None)
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "heard.settings")
    django.setup()
    from heard.core.screens import portal_link

    return portal_link(base)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "screenshots"), help="Folder for the PNG files (default: screenshots/).")
    parser.add_argument("--db", help="Use this demo SQLite file instead of building a fresh one (built if missing).")
    parser.add_argument("--only", default="", help="Only pages whose name contains this text.")
    parser.add_argument("--variants", default=",".join(VARIANTS), help="Comma-separated: light, dark, mobile (default: all three).")
    parser.add_argument("--viewport-only", action="store_true", help="Capture the first screen only, not the whole page.")
    args = parser.parse_args(argv)

    sys.path.insert(0, str(ROOT / "src"))
    from heard.core.screens import DEMO_OWNER, DEMO_PASSWORD, discover_pages, sign_in_to_portal

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    tmp = tempfile.TemporaryDirectory()
    db = Path(args.db) if args.db else Path(tmp.name) / "demo.sqlite3"
    if not db.exists():
        print(f"Building the demo in {db} ...", flush=True)
        build_demo(db)
    port = free_port()
    server = serve(db, port)
    base = f"http://127.0.0.1:{port}"
    variants = [v.strip() for v in args.variants.split(",") if v.strip()]
    # One-time sign-in links for the portal, made before Playwright's event loop starts.
    links = [_portal_link(db, base) for _ in variants]
    try:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=["--no-sandbox", "--disable-gpu"])
            pages = None
            shots = 0
            for variant in variants:
                context = browser.new_context(base_url=base, **VARIANTS[variant])
                page = context.new_page()
                page.set_default_timeout(20_000)
                page.goto("/accounts/login/")
                page.get_by_label("E-mail").fill(DEMO_OWNER)
                page.get_by_label("Password").fill(DEMO_PASSWORD)
                page.get_by_role("button", name="Log in").click()
                page.wait_for_load_state()
                if pages is None:
                    pages = [p for p in discover_pages(page) if args.only in p[0]]
                portal = browser.new_context(base_url=base, **VARIANTS[variant]).new_page()
                portal_pages = [p for p in sign_in_to_portal(portal, links.pop()) if args.only in p[0]]
                for tab, found in ((page, pages), (portal, portal_pages)):
                    for name, path in found:
                        tab.goto(path)
                        tab.wait_for_load_state("networkidle")
                        target = out / f"{name}-{variant}.png"
                        tab.screenshot(path=str(target), full_page=not args.viewport_only)
                        shots += 1
                        print(target, flush=True)
                portal.context.close()
                context.close()
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
        tmp.cleanup()
    print(f"Saved {shots} screenshots in {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
