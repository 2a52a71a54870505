"""Issue 10's "Done when": from an empty database, the first-run path in a real browser —
`heard setup` prints the first owner's one-time link, the owner chooses a password, logs in,
is walked through the wizard (workspace, product, engagement model, stakeholder import,
invitations), then records feedback from an imported stakeholder and finds it on the
product's home inbox and on that stakeholder's page."""

import re
from datetime import date, timedelta
from io import StringIO
from urllib.parse import urlparse

import pytest
from django.core.management import call_command

from heard.core.models import User, Workspace
from heard.feedback.models import Feedback
from tests.conftest import press

from ..conftest import axe_serious

PASSPHRASE = "river-bank-clinic-2026"
CSV = "name,email,organisation,kind\nAda Lovelace,ada@example.org,Analytical Engines,buyer\nGrace Hopper,grace@example.org,Navy,operator\n"
SAID = "Booking a follow-up takes eleven clicks; it should take three"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_team_starts_from_nothing(page, login, tmp_path):
    assert not User.objects.exists() and not Workspace.objects.exists()
    out = StringIO()
    call_command("setup", "--no-input", "--workspace-name", "Riverbank", "--owner-email", "amy@riverbank.example", stdout=out)
    link = re.search(r"(http://\S+/accounts/reset/\S+/)", out.getvalue()).group(1)

    # The one-time link: choose a password, then log in.
    page.goto(urlparse(link).path)
    page.get_by_label("New password", exact=True).fill(PASSPHRASE)
    page.get_by_label("New password again").fill(PASSPHRASE)
    press(page, "Set the password")
    login("amy@riverbank.example", PASSPHRASE)

    # First login on a fresh workspace: the wizard.
    assert page.url.endswith("/w/riverbank/start/workspace/")
    page.get_by_role("heading", name="Name the workspace").wait_for()
    assert axe_serious(page) == []
    page.get_by_label("Workspace name").fill("Riverbank Clinic")
    page.get_by_role("button", name="Save and continue").click()

    page.get_by_role("heading", name="Add the first product").wait_for()
    page.get_by_label("Name", exact=True).fill("Patient App")
    page.get_by_role("button", name="Add product and continue").click()

    page.get_by_role("heading", name="Set the engagement model").wait_for()
    assert axe_serious(page) == []
    page.get_by_label("Input considered within (days)").fill("10")
    page.get_by_role("button", name="Save and continue").click()

    page.get_by_role("heading", name="Import stakeholders").wait_for()
    people = tmp_path / "people.csv"
    people.write_text(CSV)
    page.get_by_label("CSV file").set_input_files(str(people))
    page.get_by_role("button", name="Import and continue").click()

    page.get_by_role("heading", name="Invite the team").wait_for()
    page.get_by_text("2 created").wait_for()
    page.get_by_label("E-mail").fill("sam@riverbank.example")
    page.get_by_label("Role").select_option("product_owner")
    page.get_by_role("button", name="Invite").click()
    page.get_by_text("Invited sam@riverbank.example").wait_for()
    # Each step links to where its thing lives.
    so_far = page.get_by_role("region", name="Your workspace so far")
    assert so_far.get_by_role("link", name="Patient App").get_attribute("href") == "/w/riverbank/products/"
    assert so_far.get_by_role("link", name="2 stakeholders").get_attribute("href") == "/w/riverbank/stakeholders/"
    page.get_by_role("button", name="Finish").click()

    page.get_by_text("Riverbank Clinic is set up").wait_for()
    assert page.url.endswith("/w/riverbank/")
    assert axe_serious(page) == []

    # Record feedback from an imported stakeholder with the product's quick entry.
    page.get_by_role("link", name="quick entry").first.click()
    page.get_by_label("What they said").fill(SAID)
    page.get_by_label("Who said it").select_option(label="Ada Lovelace · Analytical Engines")
    # Heard in a call two weeks ago: past the ten days the engagement model promises.
    page.get_by_label("When").fill((date.today() - timedelta(days=14)).isoformat())
    page.get_by_role("button", name="Record", exact=True).click()
    page.get_by_text("Recorded feedback").wait_for()
    feedback = Feedback.objects.get(text=SAID)
    assert feedback.stakeholder.name == "Ada Lovelace" and feedback.product.slug == "patient-app"

    # The product's home says it needs a disposition, and links to it.
    page.goto("/w/riverbank/p/patient-app/")
    line = page.get_by_role("link", name=re.compile(re.escape(SAID[:60])))
    line.first.wait_for()
    assert line.first.get_attribute("href") == f"/w/riverbank/p/patient-app/feedback/{feedback.pk}/"
    assert "From Ada Lovelace" in page.inner_text("main")
    assert axe_serious(page) == []

    # Ada's page holds it too.
    page.goto("/w/riverbank/stakeholders/")
    page.get_by_role("link", name="Ada Lovelace").first.click()
    page.get_by_role("heading", name="Ada Lovelace").first.wait_for()
    page.get_by_text(SAID).first.wait_for()
    assert axe_serious(page) == []
