"""The ``heard`` command. Each verb is a Django management command underneath.

``heard --help`` lists heard's verbs; ``heard VERB --help`` explains one. Django's own
commands (shell, dbshell, ...) also work.
"""

from __future__ import annotations

import os
import sys

VERBS = {
    "serve": "Serve heard over HTTP with gunicorn (several processes, one per core by default).",
    "migrate": "Create or update the database tables.",
    "demo": "Load the demo workspace (running it twice adds nothing).",
    "setup": "First run: create a workspace, its first owner and product, step by step (each step skippable).",
    "createuser": "Create a team member and add them to a workspace with a role.",
    "products": "Add, list, archive and unarchive a workspace's products (`add`, `list`, `archive`, `unarchive`).",
    "token": "Print a new API token for a team member in one workspace (same as `tokens create`).",
    "tokens": "Create, list and revoke a workspace's API tokens (`create`, `list`, `revoke`).",
    "worker": "Run background tasks (imports, theme mining, e-mail).",
    "check": "Check the configuration and the database connection.",
    "backup": "Write the database and the uploaded files to one .tar.gz (safe while heard runs).",
    "restore": "Replace the database and the uploaded files with a backup made by `heard backup`.",
    "import": "Import stakeholders, feedback, backlog items, support tickets or program telemetry from files (`heard import KIND FILE`).",
    "inbox": "Show what needs a person now on a product (WS/PRODUCT) or a workspace (WS).",
    "sessions": "List a product's collaboration sessions and their flags.",
    "demos": "List a product's demos (`list WS/PRODUCT`) or one demo's verdicts per criterion (`verdicts SESSION_ID`).",
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


def version() -> str:
    """heard's version: the installed distribution's, else the package's own."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as dist_version

    try:
        return dist_version("heard")
    except PackageNotFoundError:
        from heard import __version__

        return __version__


def _run(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "heard.settings")
    if not argv or argv[0] in ("-h", "--help", "help") and len(argv) == 1:
        print(_usage())
        return
    if argv[0] in ("--version", "-V", "version") and len(argv) == 1:
        print(f"heard {version()}")
        return
    from django.core.management import execute_from_command_line
    from django.core.management.base import BaseCommand

    # `heard VERB --version` too: Django would print its own version.
    BaseCommand.get_version = lambda self: version()
    execute_from_command_line(["heard", *argv])


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        try:
            _run(argv)
        finally:
            sys.stdout.flush()  # here, not at exit, so a closed pipe is caught below
    except BrokenPipeError:
        # The reader went away (`heard themes list | head`): stop quietly, as other Unix tools
        # do. Point stdout at /dev/null so the interpreter's last flush cannot fail again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(141)  # 128 + SIGPIPE, what a shell reports for a command killed by a closed pipe


if __name__ == "__main__":
    main()
