"""Page forms. They only shape the input; the actions check it (one place for the rules)."""

from django import forms

from .actions import CONTEXT_MAX, TEXT_MAX
from .models import Disposition, FeedbackChannel


class FeedbackForm(forms.Form):
    text = forms.CharField(label="What they said", widget=forms.Textarea(attrs={"rows": 4, "autofocus": True, "aria-describedby": "live-score"}),
                           help_text=f"Their words, as close as you can. Numbers help: how long, how often, how many. At most {TEXT_MAX:,} characters.")
    stakeholder = forms.ChoiceField(required=False, label="Who said it", help_text="Leave empty when you speak for users yourself (proxy input).")
    channel = forms.ChoiceField(choices=FeedbackChannel.choices, initial=FeedbackChannel.SESSION_NOTE)
    said_at = forms.CharField(required=False, label="When", help_text="YYYY-MM-DD or YYYY-MM-DD HH:MM; empty means now.",
                              widget=forms.TextInput(attrs={"autocomplete": "off"}))
    job = forms.CharField(required=False, label="The job they were doing", widget=forms.TextInput())
    constraints = forms.CharField(required=False, label="Their constraints", widget=forms.TextInput())
    environment = forms.CharField(required=False, label="Their environment", widget=forms.TextInput())
    observed = forms.CharField(required=False, label="What they observed", widget=forms.TextInput())
    expected = forms.CharField(required=False, label="What they expected, or the agreed target", widget=forms.TextInput())
    example = forms.CharField(required=False, label="An example", widget=forms.TextInput())

    def __init__(self, *args, workspace, **kwargs):
        super().__init__(*args, **kwargs)
        people = workspace.stakeholders.filter(erased_at__isnull=True).select_related("organisation").order_by("name")
        self.fields["stakeholder"].choices = [("", "— none (proxy input) —")] + [
            (str(p.pk), f"{p.name}{' · ' + p.organisation.name if p.organisation else ''}{' (internal proxy)' if p.is_proxy else ''}") for p in people
        ]

    def action_data(self) -> dict:
        data = dict(self.cleaned_data)
        if not data.get("said_at"):
            data.pop("said_at", None)
        return data


class DispositionForm(forms.Form):
    status = forms.ChoiceField(choices=Disposition.choices, label="Disposition")
    increment = forms.CharField(required=False, help_text="Required for “planned”, e.g. 2026.2.")
    reason = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}), help_text=f"Required for “declined”; the customer reads it. At most {CONTEXT_MAX:,} characters.")


WEIGHTS = [(1, "1 — touches it"), (2, "2 — shapes it"), (3, "3 — drives it")]


class LinkForm(forms.Form):
    """Link feedback to a backlog item or one of its criteria, chosen with the picker
    (kind "backlog_target"); without JavaScript the reference is typed by hand."""

    target = forms.CharField(label="Backlog item or acceptance criterion", max_length=100,
                             help_text="Type words to search, or an item's key or number (INV-142, 12); add /N for its Nth acceptance criterion (INV-142/2).")
    weight = forms.CharField(initial="2", widget=forms.Select(choices=WEIGHTS), help_text="How strongly this feedback bears on it.")


class MergeForm(forms.Form):
    items = forms.CharField(label="Merge with items", help_text="Type words to search and choose each item, or type their numbers separated by commas, e.g. 12, 40.")
    text = forms.CharField(required=False, label="Wording of the merged item", widget=forms.Textarea(attrs={"rows": 3}),
                           help_text="Empty: the originals' words, one after the other.")

    def ids(self, own: int) -> list:
        parts = [p.strip().lstrip("#") for p in self.cleaned_data["items"].replace(";", ",").split(",") if p.strip()]
        return [own, *parts]


class ImportForm(forms.Form):
    file = forms.FileField(label="CSV or JSON file", help_text="Columns: text, stakeholder, channel, said_at, job, constraints, environment, observed, expected, example, external_id.")
