"""Page forms. They only shape the input; the actions check it (one place for the rules)."""

import zoneinfo

from django import forms

from heard.participation import forms as participation

from .models import Cadence, Channel, Confidentiality, Mode, OutcomeKind

LOCAL_FORMAT = "%Y-%m-%dT%H:%M"


def local_input(moment, tz_name: str) -> str:
    """A stored UTC moment as the value of a datetime-local field in the session's zone."""
    if moment is None:
        return ""
    return moment.astimezone(zoneinfo.ZoneInfo(tz_name or "UTC")).strftime(LOCAL_FORMAT)


def _moment_widget():
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_FORMAT)


def _decision_choices(product):
    from heard.decisions.models import Decision

    return [("", "— none —")] + [(str(d.pk), d.question) for d in Decision.objects.filter(product=product).order_by("question")]


class SessionForm(forms.Form):
    title = forms.CharField(max_length=200)
    channel = forms.ChoiceField(choices=Channel.choices, initial=Channel.DEMO)
    mode = forms.ChoiceField(choices=Mode.choices, initial=Mode.REMOTE)
    starts_at = forms.CharField(label="Starts", widget=_moment_widget(), help_text="In the session's time zone.")
    ends_at = forms.CharField(label="Ends", widget=_moment_widget(), help_text="For an asynchronous review: when comments close.")
    time_zone = forms.CharField(initial="UTC", help_text="An IANA time zone such as Europe/Berlin.", widget=forms.TextInput(attrs={"list": "time-zones", "autocomplete": "off"}))
    confidentiality = forms.ChoiceField(required=False, choices=[("", "Product default")] + Confidentiality.choices)
    location = forms.CharField(required=False, max_length=300, help_text="A room, an address or a video-call link.")
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}))
    recording_url = forms.CharField(required=False, label="Recording link")
    captions_url = forms.CharField(required=False, label="Captions or transcript link")

    def action_data(self) -> dict:
        data = dict(self.cleaned_data)
        if not data.get("confidentiality"):
            data.pop("confidentiality", None)
        return data


class ObjectiveForm(forms.Form):
    question = forms.CharField(max_length=300, help_text="What must this session find out?")
    evidence_needed = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}), help_text="What would convince you either way?")
    outcome_kind = forms.ChoiceField(choices=OutcomeKind.choices, label="Kind of outcome")
    decision = forms.ChoiceField(required=False, label="Decision it informs")

    def __init__(self, *args, product, **kwargs):
        kwargs.setdefault("auto_id", "objective_%s")
        super().__init__(*args, **kwargs)
        self.fields["decision"].choices = _decision_choices(product)


class AgendaItemForm(forms.Form):
    title = forms.CharField(max_length=200)
    timebox_minutes = forms.IntegerField(min_value=1, max_value=1440, label="Timebox (minutes)")
    objective = forms.ChoiceField(required=False, label="Objective it serves")
    decision = forms.ChoiceField(required=False, label="Decision it serves")

    def __init__(self, *args, session, **kwargs):
        kwargs.setdefault("auto_id", "agenda_%s")
        super().__init__(*args, **kwargs)
        self.fields["objective"].choices = [("", "— none —")] + [(str(o.pk), o.question) for o in session.objectives.all()]
        self.fields["decision"].choices = _decision_choices(session.product)


class PreReadForm(forms.Form):
    title = forms.CharField(max_length=200)
    url = forms.CharField(required=False, label="Link")
    body = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}), label="Text")
    shared_at = forms.CharField(required=False, label="Already shared at", widget=_moment_widget(), help_text="Leave empty if not shared yet; in the session's time zone.")

    def __init__(self, *args, **kwargs):
        # Several forms share the session page; distinct ids keep each label on its field.
        kwargs.setdefault("auto_id", "pre_read_%s")
        super().__init__(*args, **kwargs)


class CommentForm(participation.CommentForm):
    """On the session as a whole or one of its pre-reads; typed in for a participant."""

    def __init__(self, *args, session, **kwargs):
        parts = {"pre_read": ("On", [("", "The session as a whole")] + [(str(p.pk), f"Pre-read: {p.title}") for p in session.pre_reads.all()])}
        people = [(p.stakeholder_id, p.stakeholder.name) for p in session.participants.all() if p.stakeholder_id]
        super().__init__(*args, stakeholders=people, myself="Me", parts=parts, **kwargs)
        self.fields["stakeholder"].label = "Written by"
        self.fields["stakeholder"].help_text = "Choose a stakeholder when you type in what they sent you."


class EngagementForm(forms.Form):
    pre_read_lead_days = forms.IntegerField(min_value=0, max_value=60, label="Pre-read lead time (days)", help_text="Pre-reads shared later than this before a session are flagged.")
    default_confidentiality = forms.ChoiceField(choices=Confidentiality.choices)
    input_consideration_days = forms.IntegerField(min_value=1, max_value=365, label="Input considered within (days)", help_text="What you promise participants about their input.")
    invitations_per_quarter = forms.IntegerField(min_value=1, max_value=50, label="Invitations per stakeholder per quarter", help_text="Inviting someone more often warns, to spread the asking.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for value, label in Channel.choices:
            self.fields[f"cadence_{value}"] = forms.ChoiceField(required=False, label=f"{label} cadence", choices=[("", "— not set —")] + Cadence.choices)

    def action_data(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if not k.startswith("cadence_")}
        data["cadence"] = {k.removeprefix("cadence_"): v for k, v in self.cleaned_data.items() if k.startswith("cadence_") and v}
        return data


class GlossaryForm(forms.Form):
    term = forms.CharField(max_length=80, help_text="A word or phrase, e.g. “reconciliation”.")
    plain = forms.CharField(required=False, max_length=200, label="Plain words", help_text="Leave empty to accept the term as plain enough for your customers.")
    note = forms.CharField(required=False, max_length=300)


class NoteForm(forms.Form):
    """One feedback item said in the session, recorded from the keyboard."""

    stakeholder = forms.ChoiceField(required=False, label="Speaker")
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 3, "autofocus": True}), label="What they said")
    observed = forms.CharField(required=False, label="What they observed")
    expected = forms.CharField(required=False, label="What they expected")

    def __init__(self, *args, session, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stakeholder"].choices = [("", "— no one in particular —")] + [
            (str(p.stakeholder_id), p.stakeholder.name) for p in session.participants.all() if p.stakeholder_id
        ]
