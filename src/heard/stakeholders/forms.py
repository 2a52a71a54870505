"""Page forms. They only shape the input; the actions check it (one place for the rules)."""

from django import forms

from .models import ConsentPurpose, DisclosureKind, StakeholderKind

SCALE = [(i, str(i)) for i in range(1, 6)]


class StakeholderForm(forms.Form):
    name = forms.CharField(max_length=200)
    email = forms.CharField(required=False, help_text="Used for closure notes and the portal link.", widget=forms.EmailInput(attrs={"autocomplete": "off"}))
    organisation = forms.ChoiceField(required=False)
    kind = forms.ChoiceField(choices=StakeholderKind.choices, initial=StakeholderKind.END_USER)
    segments = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple)
    role_title = forms.CharField(required=False, label="Role or job title")
    influence = forms.TypedChoiceField(choices=SCALE, coerce=int, initial=3, help_text="1 = little say, 5 = decisive.")
    interest = forms.TypedChoiceField(choices=SCALE, coerce=int, initial=3, help_text="1 = little interest, 5 = very high.")
    time_zone = forms.CharField(initial="UTC", help_text="An IANA time zone such as Europe/Berlin or America/Sao_Paulo.", widget=forms.TextInput(attrs={"list": "time-zones", "autocomplete": "off"}))
    language = forms.CharField(initial="en", help_text="A language tag such as en, de or pt-BR.")
    accessibility_needs = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}), help_text="E.g. screen reader, captions, large text.")
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, workspace, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [("", "— none —")] + [(str(o.pk), o.name) for o in workspace.organisations.all()]
        self.fields["segments"].choices = [(s.slug, s.name) for s in workspace.segments.all()]

    def action_data(self) -> dict:
        data = dict(self.cleaned_data)
        data["organisation"] = data.get("organisation") or None
        return data


class OrganisationForm(forms.Form):
    name = forms.CharField(max_length=200)
    segment = forms.ChoiceField(required=False)
    size_tier = forms.CharField(required=False, label="Size or revenue tier")
    region = forms.CharField(required=False)
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, workspace, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["segment"].choices = [("", "— none —")] + [(s.slug, s.name) for s in workspace.segments.all()]


class SegmentForm(forms.Form):
    name = forms.CharField(max_length=120)
    slug = forms.CharField(required=False, help_text="Left empty, it is made from the name.")
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    target_share = forms.CharField(required=False, label="Target share of voice (%)", help_text="Optional, 0–100.")
    is_edge_case = forms.BooleanField(required=False, label="Edge-case segment (flag decisions taken without it)")


class ConsentForm(forms.Form):
    purpose = forms.ChoiceField(choices=ConsentPurpose.choices)
    # Not required here: the action explains what is missing in words a person can act on.
    disclosure_text = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}), help_text="The exact text the person saw when they agreed.")


class DisclosureForm(forms.Form):
    kind = forms.ChoiceField(choices=DisclosureKind.choices)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}))


class EraseForm(forms.Form):
    confirm = forms.BooleanField(label="I understand that the name, e-mail and free text of this person are replaced for good.")
    reason = forms.CharField(required=False, help_text="E.g. the erasure request's reference.")


class ImportForm(forms.Form):
    file = forms.FileField(label="CSV file", help_text="UTF-8 CSV with a header row: name, email, organisation, kind, segments, influence, interest, time_zone, language, accessibility_needs, notes.")
