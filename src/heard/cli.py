"""The ``heard`` command. Each verb is a Django management command underneath.

``heard --help`` lists heard's verbs; ``heard VERB --help`` explains one. Django's own
commands (shell, dbshell, ...) also work.
"""

from __future__ import annotations

import os
import sys

VERBS = {
    "serve": "Serve heard over HTTP with a production-grade server (waitress).",
    "migrate": "Create or update the database tables.",
    "demo": "Load the demo workspace (running it twice adds nothing).",
    "createuser": "Create a team member and add them to a workspace with a role.",
    "token": "Print a new API token for a team member.",
    "worker": "Run background tasks (imports, theme mining, e-mail).",
    "check": "Check the configuration and the database connection.",
    "import": "Import stakeholders (and, later, feedback and tickets) from files.",
    "sessions": "List a product's collaboration sessions and their flags.",
    "closure": "Draft and send closure notes for a product's cycle (`draft`, `send`).",
    "themes": "Mine support themes for a product now, or list them (`mine`, `list`).",
    "portal-link": "Print a one-time portal sign-in link for a stakeholder.",
    "portal": "Portal housekeeping: delete old sign-in links and requests (`prune`).",
    "health": "Collaboration health figures of a product (`show`), or recount them (`rebuild`).",
}


def _usage() -> str:
    width = max(len(v) for v in VERBS)
    lines = [
        "usage: heard VERB [options]",
        "",
        "heard: make a product team's collaboration with its customers accountable.",
        "",
        "verbs:",
        *(f"  {verb.ljust(width)}  {text}" for verb, text in VERBS.items()),
        "",
        "Run `heard VERB --help` for a verb's options. Settings come from the environment;",
        "see docs/settings.md. Django's own management commands also work.",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "heard.settings")
    if not argv or argv[0] in ("-h", "--help", "help") and len(argv) == 1:
        print(_usage())
        return
    from django.core.management import execute_from_command_line

    execute_from_command_line(["heard", *argv])


if __name__ == "__main__":
    main()
