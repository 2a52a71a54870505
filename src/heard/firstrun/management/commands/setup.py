"""`heard setup`: the first run on a server, as questions on a terminal or as flags for scripts."""

from __future__ import annotations

import getpass
import os
import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.text import slugify

from heard.core import actions, mail
from heard.core.errors import HeardError
from heard.core.importing import IMPORTERS, load_importers
from heard.core.models import Membership, User, Workspace
from heard.core.roles import OWNER, ROLES
from heard.firstrun.steps import home_of
from heard.sessions import actions as session_actions


class Command(BaseCommand):
    help = (
        "Set up heard for your team: a workspace, its first owner, the first product, its engagement model, "
        "stakeholders from CSV and invitations to the team. On a terminal it asks, step by step (press Enter to "
        "skip a step); flags answer the questions for scripts (with --no-input nothing is asked)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--workspace-name", default="", help="The workspace's name, e.g. your organisation's.")
        parser.add_argument("--workspace", default="", metavar="SLUG", help="The workspace's slug (made from the name when omitted). An existing workspace is reused.")
        parser.add_argument("--owner-email", default="", help="The first owner's e-mail address (they log in with it).")
        parser.add_argument("--owner-name", default="", help="The first owner's display name.")
        parser.add_argument("--product", default="", metavar="SLUG", help="The first product's slug (made from --product-name when omitted).")
        parser.add_argument("--product-name", default="", help="The first product's name.")
        parser.add_argument("--input-consideration-days", type=int, default=None, metavar="DAYS",
                            help="Engagement model: the days within which you promise to consider input.")
        parser.add_argument("--pre-read-lead-days", type=int, default=None, metavar="DAYS",
                            help="Engagement model: pre-reads shared later than this before a session are flagged.")
        parser.add_argument("--stakeholders", default="", metavar="FILE.csv", help="Import stakeholders from this CSV (as `heard import stakeholders`).")
        parser.add_argument("--invite", action="append", default=[], metavar="EMAIL[=ROLE]",
                            help="Invite a team member by e-mail (role: owner, product_owner, scrum_master, developer or viewer; default developer). Repeatable.")
        parser.add_argument("--no-input", action="store_true", help="Ask nothing: do what the flags say and skip the other steps.")

    # ------------------------------------------------------------------ asking

    def _ask(self, question: str, default: str = "") -> str:
        if not self.interactive:
            return default
        suffix = f" [{default}]" if default else " (Enter to skip)"
        answer = input(f"{question}{suffix}: ").strip()
        return answer or default

    def _say(self, text: str = "") -> None:
        self.stdout.write(text)

    def _step(self, number: int, title: str) -> None:
        self._say("")
        self._say(self.style.MIGRATE_HEADING(f"{number}/6  {title}"))

    def _url(self, path: str | None) -> str:
        return f"{settings.BASE_URL}{path}" if path else ""

    # ------------------------------------------------------------------ steps

    def _workspace(self, name: str, slug: str) -> Workspace | None:
        self._step(1, "Workspace")
        existing = Workspace.objects.filter(slug=slug).first() if slug else None
        if existing is not None:
            if name and name != existing.name:
                actions.rename_workspace(actor=None, workspace=existing, name=name)
            self._say(f"Using the workspace {existing.slug} ({existing.name}).")
            return existing
        name = name or self._ask("Workspace name (your organisation or team)")
        if not name:
            only = list(Workspace.objects.all()[:2])
            if len(only) == 1:
                self._say(f"Skipped; using the only workspace, {only[0].slug}.")
                return only[0]
            return None
        slug = slug or self._ask("Workspace slug, used in addresses", slugify(name)[:60].strip("-"))
        existing = Workspace.objects.filter(slug=slug).first()
        if existing is not None:
            # `heard setup` run again to come back to a step: the workspace it made is reused.
            self._say(f"Using the workspace {existing.slug} ({existing.name}).")
            return existing
        workspace = actions.create_workspace(actor=None, slug=slug, name=name)
        self._say(self.style.SUCCESS(f"Created the workspace {workspace.slug} ({workspace.name}): {self._url(home_of('workspace', workspace))}"))
        return workspace

    def _owner(self, workspace: Workspace, email: str, name: str) -> None:
        self._step(2, "First owner")
        has_owner = Membership.objects.filter(workspace=workspace, role=OWNER).exists()
        email = email or self._ask("Owner's e-mail address" + (" (the workspace has an owner already)" if has_owner else ""))
        if not email:
            self._say("Skipped." + ("" if has_owner else " Nobody can log in yet: run `heard setup` again or `heard createuser EMAIL --workspace "
                                    f"{workspace.slug} --role owner`."))
            return
        known = User.objects.filter(email__iexact=email.strip()).exists()
        password = os.environ.get("HEARD_PASSWORD") or ""
        if not password and not known and self.interactive:
            password = self._new_password()
        membership = actions.add_member(actor=None, workspace=workspace, email=email, role=OWNER, name=name, password=password or None)
        user = membership.user
        if password or known:
            self._say(self.style.SUCCESS(f"{user.email} is an owner of {workspace.slug}; log in at {self._url('/accounts/login/')}"))
        else:
            # No password typed: a one-time link (the same as "forgot password") sets one.
            self._say(self.style.SUCCESS(f"{user.email} is an owner of {workspace.slug}. To choose a password, open this one-time link:"))
            self._say(f"  {mail.set_password_url(user)}")

    def _new_password(self) -> str:
        while True:
            first = getpass.getpass("Password (Enter for a one-time link to set it in the browser instead): ")
            if not first:
                return ""
            if getpass.getpass("Password again: ") == first:
                return first
            self._say("The passwords differ; try again.")

    def _product(self, workspace: Workspace, slug: str, name: str):
        self._step(3, "First product")
        name = name or (slug.replace("-", " ").title() if slug else self._ask("First product's name"))
        if not name:
            self._say("Skipped. Add products on the products page or with `heard products add`.")
            return None
        slug = slug or self._ask("Product slug, used in addresses", slugify(name)[:60].strip("-"))
        existing = workspace.products.filter(slug=slug).first()
        if existing is not None:
            self._say(f"Using the product {workspace.slug}/{existing.slug} ({existing.name}).")
            return existing
        product = actions.create_product(actor=None, workspace=workspace, slug=slug, name=name)
        self._say(self.style.SUCCESS(f"Added the product {workspace.slug}/{product.slug}: {self._url(home_of('product', workspace))}"))
        return product

    def _engagement(self, workspace: Workspace, product, consider_days, pre_read_days) -> None:
        self._step(4, "Engagement model")
        if product is None:
            self._say("Skipped: there is no product to set it for.")
            return
        current = session_actions.engagement_for(product)
        data = {}
        if consider_days is None and self.interactive:
            consider_days = self._ask("Input is considered within how many days", str(current.input_consideration_days))
        if pre_read_days is None and self.interactive:
            pre_read_days = self._ask("Pre-reads are due how many days before a session", str(current.pre_read_lead_days))
        if consider_days not in (None, ""):
            data["input_consideration_days"] = consider_days
        if pre_read_days not in (None, ""):
            data["pre_read_lead_days"] = pre_read_days
        if not data:
            self._say("Skipped; the defaults apply until you change them.")
            return
        model = session_actions.update_engagement_model(actor=None, product=product, data=data)
        self._say(self.style.SUCCESS(
            f"Input is considered within {model.input_consideration_days} days; pre-reads are due {model.pre_read_lead_days} days ahead: "
            f"{self._url(home_of('engagement', workspace, product))}"
        ))

    def _stakeholders(self, workspace: Workspace, path: str) -> None:
        self._step(5, "Stakeholders")
        path = path or self._ask("CSV file of stakeholders to import (columns as in docs/stakeholders.md)")
        if not path:
            self._say("Skipped. Import later on the stakeholders page or with `heard import stakeholders`.")
            return
        load_importers()
        report = IMPORTERS["stakeholders"](path=path, mapping={}, options={"workspace": workspace.slug, "no_progress": True},
                                           stdout=self.stdout, stderr=self.stderr)
        for line in report.summary_lines():
            self._say(line)
        for problem in report.problems:
            self.stderr.write(problem.describe())
        self._say(f"They are listed at {self._url(home_of('stakeholders', workspace))}")

    def _invitations(self, workspace: Workspace, invites: list[str]) -> None:
        self._step(6, "Team members")
        wanted = [self._parse_invite(item) for item in invites]
        while self.interactive and not invites:
            email = self._ask("Invite someone by e-mail (Enter to finish)")
            if not email:
                break
            role = self._ask(f"Their role ({', '.join(ROLES)})", "developer")
            wanted.append((email, role))
        if not wanted:
            self._say("Skipped. Invite people later on the members page.")
            return
        for email, role in wanted:
            try:
                membership = actions.invite_member(actor=None, workspace=workspace, email=email, role=role)
            except HeardError as exc:
                self.stderr.write(f"Not invited: {email}: {exc.message}")
                continue
            self._say(self.style.SUCCESS(f"Invited {membership.user.email} as {membership.get_role_display()} (e-mailed)."))
        self._say(f"Members are listed at {self._url(home_of('members', workspace))}")

    @staticmethod
    def _parse_invite(item: str) -> tuple[str, str]:
        email, _, role = item.partition("=")
        return email.strip(), (role.strip() or "developer")

    # ------------------------------------------------------------------ run

    def handle(self, *args, **options):
        self.interactive = not options["no_input"] and sys.stdin.isatty()
        if self.interactive:
            self._say("Set up heard in six steps. Press Enter to skip a step; run `heard setup` again to come back.")
        try:
            workspace = self._workspace(options["workspace_name"].strip(), options["workspace"].strip())
            if workspace is None:
                raise CommandError("Nothing set up: a workspace is needed first. Give --workspace-name NAME (or answer the first question).")
            self._owner(workspace, options["owner_email"].strip(), options["owner_name"].strip())
            product = self._product(workspace, options["product"].strip(), options["product_name"].strip())
            self._engagement(workspace, product, options["input_consideration_days"], options["pre_read_lead_days"])
            self._stakeholders(workspace, options["stakeholders"].strip())
            self._invitations(workspace, options["invite"])
        except HeardError as exc:
            raise CommandError(f"{exc.field}: {exc.message}" if exc.field else exc.message) from None
        except (EOFError, KeyboardInterrupt):
            raise CommandError("Stopped. What was done so far is kept; run `heard setup` again to continue.") from None
        self._say("")
        if product is not None:
            # The web wizard would only repeat what was done here.
            actions.finish_setup(actor=None, workspace=workspace)
        else:
            self._say("On an owner's first login heard offers these steps again in the browser.")
        self._say(f"Done. Open {self._url(home_of('workspace', workspace))}")
