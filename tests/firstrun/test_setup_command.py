"""`heard setup`: the first run on the command line, with flags and as questions."""

import re
from io import StringIO
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client

from heard.core.models import AuditEvent, Membership, User, Workspace

STAKEHOLDERS_CSV = "name,email,organisation,kind\nAda Lovelace,ada@example.org,Analytical Engines,buyer\nGrace Hopper,grace@example.org,Navy,operator\n"


def setup(*args):
    out, err = StringIO(), StringIO()
    call_command("setup", "--no-input", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def people_csv(tmp_path):
    path = tmp_path / "people.csv"
    path.write_text(STAKEHOLDERS_CSV)
    return str(path)


@pytest.mark.django_db
def test_flags_set_up_everything_from_an_empty_database(people_csv, django_capture_on_commit_callbacks):
    assert not User.objects.exists() and not Workspace.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        out, err = setup(
            "--workspace-name", "Riverbank Clinic", "--owner-email", "Amy@Riverbank.example", "--owner-name", "Amy",
            "--product-name", "Patient App", "--input-consideration-days", "10", "--pre-read-lead-days", "3",
            "--stakeholders", people_csv, "--invite", "sam@riverbank.example=product_owner", "--invite", "dev@riverbank.example",
        )
    assert err == ""
    workspace = Workspace.objects.get(slug="riverbank-clinic")
    assert workspace.name == "Riverbank Clinic" and workspace.setup_finished_at is not None
    owner = Membership.objects.get(workspace=workspace, user__email="amy@riverbank.example")
    assert owner.role == "owner" and owner.user.name == "Amy"
    product = workspace.products.get(slug="patient-app")
    assert (product.engagement_model.input_consideration_days, product.engagement_model.pre_read_lead_days) == (10, 3)
    assert sorted(workspace.stakeholders.values_list("email", flat=True)) == ["ada@example.org", "grace@example.org"]
    roles = dict(Membership.objects.filter(workspace=workspace).values_list("user__email", "role"))
    assert roles == {"amy@riverbank.example": "owner", "sam@riverbank.example": "product_owner", "dev@riverbank.example": "developer"}
    assert sorted(m.to[0] for m in mail.outbox) == ["dev@riverbank.example", "sam@riverbank.example"]
    # Each step says where the thing lives.
    for path in ("/w/riverbank-clinic/", "/w/riverbank-clinic/products/", "/w/riverbank-clinic/p/patient-app/sessions/engagement/",
                 "/w/riverbank-clinic/stakeholders/", "/w/riverbank-clinic/members/"):
        assert path in out, path
    verbs = set(AuditEvent.objects.filter(workspace=workspace).values_list("verb", flat=True))
    assert {"workspace.created", "product.created", "engagement_model.updated", "stakeholder.created", "membership.created"} <= verbs


@pytest.mark.django_db
def test_without_a_password_the_owner_gets_a_one_time_link_that_sets_it():
    out, _ = setup("--workspace-name", "Riverbank", "--owner-email", "amy@riverbank.example")
    link = re.search(r"http://\S+(/accounts/reset/\S+/)", out).group(1)
    client = Client()
    form = client.get(link, follow=True)
    set_url = form.redirect_chain[-1][0]
    done = client.post(set_url, {"new_password1": "a-long-new-passphrase", "new_password2": "a-long-new-passphrase"})
    assert done.status_code == 302
    assert Client().login(username="amy@riverbank.example", password="a-long-new-passphrase")
    # The link worked once.
    assert "expired or was already used" in Client().get(link, follow=True).content.decode()
    # No product yet: the browser will offer the remaining steps.
    assert Workspace.objects.get(slug="riverbank").setup_finished_at is None
    assert "first login" in out


@pytest.mark.django_db
def test_heard_password_sets_the_owners_password(monkeypatch):
    monkeypatch.setenv("HEARD_PASSWORD", "from-the-environment-1")
    out, _ = setup("--workspace-name", "Riverbank", "--owner-email", "amy@riverbank.example")
    assert "/accounts/reset/" not in out
    assert Client().login(username="amy@riverbank.example", password="from-the-environment-1")


@pytest.mark.django_db
def test_every_step_can_be_skipped_and_running_again_adds_nothing(people_csv):
    setup("--workspace-name", "Riverbank", "--owner-email", "amy@riverbank.example", "--product", "app", "--stakeholders", people_csv)
    counts = {model: model.objects.count() for model in (Workspace, User, Membership)}
    stakeholders = Workspace.objects.get().stakeholders.count()
    out, _ = setup("--workspace", "riverbank", "--owner-email", "amy@riverbank.example", "--product", "app", "--stakeholders", people_csv)
    assert {model: model.objects.count() for model in counts} == counts
    assert Workspace.objects.get().stakeholders.count() == stakeholders == 2
    assert "Using the workspace riverbank" in out and "Using the product riverbank/app" in out
    # Only the workspace given: every other step says it was skipped.
    out, _ = setup("--workspace", "riverbank")
    assert out.count("Skipped") == 5


@pytest.mark.django_db
def test_nothing_to_work_on_is_a_clear_error():
    with pytest.raises(CommandError, match="a workspace is needed"):
        setup()


@pytest.mark.django_db
@pytest.mark.parametrize("args, message", [
    (("--workspace-name", "X", "--workspace", "Not A Slug"), "slug: Use lowercase"),
    (("--workspace-name", "X", "--owner-email", "not-an-address"), "email: “not-an-address” is not a valid e-mail"),
    (("--workspace-name", "X", "--product", "Bad Slug"), "slug: Use lowercase"),
    (("--workspace-name", "X", "--product", "app", "--input-consideration-days", "0"), "input_consideration_days"),
    (("--workspace-name", "X", "--stakeholders", "/nowhere/people.csv"), "No such file"),
])
def test_bad_answers_say_which_and_why(args, message):
    with pytest.raises(CommandError, match=message):
        setup(*args)


@pytest.mark.django_db
def test_a_bad_invitation_is_reported_and_the_good_ones_are_sent(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        out, err = setup("--workspace-name", "Riverbank", "--invite", "not-an-address", "--invite", "sam@riverbank.example=boss", "--invite", "ok@riverbank.example=viewer")
    assert "Not invited: not-an-address" in err and "Not invited: sam@riverbank.example: Unknown role “boss”" in err
    assert [m.to for m in mail.outbox] == [["ok@riverbank.example"]]


@pytest.mark.django_db
def test_questions_on_a_terminal(monkeypatch, people_csv, django_capture_on_commit_callbacks):
    answers = iter(["Hillside Co-op", "", "boss@hillside.example", "Field App", "", "14", "", people_csv, "sam@hillside.example", "scrum_master", ""])
    passwords = iter(["a-typed-passphrase-1", "a-typed-passphrase-1"])
    monkeypatch.setattr("builtins.input", lambda prompt="": next(answers))
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(passwords))
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("setup", stdout=out, stderr=StringIO())
    workspace = Workspace.objects.get(slug="hillside-co-op")
    assert Client().login(username="boss@hillside.example", password="a-typed-passphrase-1")
    product = workspace.products.get(slug="field-app")
    assert product.engagement_model.input_consideration_days == 14
    assert workspace.stakeholders.count() == 2
    assert Membership.objects.get(user__email="sam@hillside.example").role == "scrum_master"
    assert next(answers, "all asked") == "all asked"


def test_the_documented_example_runs():
    doc = (Path(__file__).resolve().parents[2] / "docs" / "cli.md").read_text()
    assert "heard setup --no-input" in doc


@pytest.mark.django_db
def test_running_again_with_the_same_workspace_name_reuses_the_workspace():
    # Found by trying it: the second run failed on the slug the first run had taken.
    setup("--workspace-name", "Riverbank", "--product", "app")
    out, _ = setup("--workspace-name", "Riverbank", "--product", "app")
    assert "Using the workspace riverbank (Riverbank)" in out
    assert Workspace.objects.count() == 1 and Workspace.objects.get().products.count() == 1
