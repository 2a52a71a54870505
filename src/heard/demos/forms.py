"""Demo forms. They only shape the input; the actions check it (and name the field at fault)."""

from django import forms

from .models import Connectivity, Device, VerdictChoice


class _Form(forms.Form):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class ScenarioFields(_Form):
    data_volume = forms.CharField(label="Data volume", required=False, max_length=400,
                                  help_text="How much data, as customers have it: “20 000 invoices”, “12 jobs in a day”.")
    device = forms.ChoiceField(label="Device", required=False, choices=Device.choices)
    assistive_technology = forms.CharField(label="Assistive technology", required=False, max_length=400,
                                           help_text="e.g. “NVDA screen reader”, “200 % zoom”, “switch access”; empty for none.")
    connectivity = forms.ChoiceField(label="Connectivity", required=False, choices=Connectivity.choices)
    scenario_notes = forms.CharField(label="Anything else about the scenario", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class DemonstrationForm(ScenarioFields):
    """Add a backlog item's criteria (all, or those ticked) to a demo, in one scenario."""

    item = forms.ChoiceField(label="Backlog item", required=False,
                             help_text="Its acceptance criteria are demonstrated; tick some below to show only those.")
    criteria = forms.MultipleChoiceField(label="Only these criteria (optional)", required=False, widget=forms.CheckboxSelectMultiple)
    field_order = ["item", "criteria", "data_volume", "device", "assistive_technology", "connectivity", "scenario_notes"]

    def __init__(self, *args, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = [("", "Choose an item")] + [(str(i.pk), str(i)) for i in items]
        self.fields["criteria"].choices = [(str(c.pk), f"{i}: {c.text[:90]}") for i in items for c in i.criteria.all()]

    def action_args(self) -> dict:
        data = dict(self.cleaned_data)
        return {"item": data.pop("item"), "criteria": data.pop("criteria") or None, "scenario": data}


class VerdictForm(_Form):
    """A verdict on one criterion. The team's form names the stakeholder; the portal's does not."""

    stakeholder = forms.ChoiceField(label="Stakeholder", required=False)
    verdict = forms.ChoiceField(label="Verdict", required=False, choices=VerdictChoice.choices, widget=forms.RadioSelect)
    note = forms.CharField(label="Note", required=False, widget=forms.Textarea(attrs={"rows": 2}),
                           help_text="What fits, what does not, and why, in their words.")
    as_feedback = forms.BooleanField(label="Also record the note as feedback on this criterion (for “partly fits” or “does not fit”)", required=False)

    def __init__(self, *args, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        if people is None:
            del self.fields["stakeholder"]
            self.fields["note"].help_text = "What fits, what does not, and why."
            self.fields["as_feedback"].label = "Also send my note to the team as feedback on this criterion (for “partly fits” or “does not fit”)"
        else:
            self.fields["stakeholder"].choices = [("", "Choose a participant")] + [(str(p.stakeholder_id), p.stakeholder.name) for p in people]


class SignOffForm(_Form):
    stakeholder = forms.ChoiceField(label="Who signs it off", required=False)
    session = forms.ChoiceField(label="At which demo (optional)", required=False)
    at = forms.CharField(label="When (optional)", required=False, help_text="YYYY-MM-DD or YYYY-MM-DDTHH:MM; empty for now.")
    note = forms.CharField(label="Note (optional)", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, people=(), sessions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stakeholder"].choices = [("", "Choose a stakeholder")] + [(str(p.pk), f"{p.name} ({p.get_kind_display().lower()})") for p in people]
        self.fields["session"].choices = [("", "Not at a demo")] + [(str(s.pk), s.title) for s in sessions]


class PortalSignOffForm(_Form):
    note = forms.CharField(label="Note (optional)", required=False, widget=forms.Textarea(attrs={"rows": 2}))
