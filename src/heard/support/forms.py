"""Page forms. They only shape the input; the actions check it (one place for the rules)."""

from django import forms

from .models import TicketSource

FORMAT_CHOICES = [("", "Tell from the file")] + list(TicketSource.choices)


class TicketImportForm(forms.Form):
    file = forms.FileField(
        label="Export file",
        help_text="A Zendesk JSON export (or incremental NDJSON), a Freshdesk, Intercom or Jira Service Management CSV export, or a plain CSV / NDJSON file. UTF-8; .gz is fine.",
    )
    format = forms.ChoiceField(choices=FORMAT_CHOICES, required=False, label="Format")
    mapping = forms.CharField(
        required=False, label="Column mapping",
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false"}),
        help_text="Only for files whose columns heard does not recognise: one per line, COLUMN=FIELD, e.g. “Case number=external_id”. "
        "Fields: external_id, subject, body, status, priority, tags, created_at, updated_at, solved_at, closed_at, requester_email, requester_name.",
    )


class TicketFilterForm(forms.Form):
    q = forms.CharField(required=False, label="Search")
    status = forms.CharField(required=False)
    source = forms.ChoiceField(choices=[("", "Any source")] + list(TicketSource.choices), required=False)
    tag = forms.CharField(required=False)
    since = forms.DateField(required=False, label="Created from", widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(required=False, label="Created until", widget=forms.DateInput(attrs={"type": "date"}))


# ---------------------------------------------------------------- themes

class ThemeRenameForm(forms.Form):
    name = forms.CharField(label="Name", max_length=300)


class ThemeMergeForm(forms.Form):
    themes = forms.TypedMultipleChoiceField(label="Merge with", coerce=int, choices=[],
                                            help_text="Their tickets and links move into this theme.")
    name = forms.CharField(label="Name of the merged theme", required=False, help_text="Leave empty to keep the largest theme's name.")

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["themes"].choices = [(t.pk, f"{t.name} ({t.size})") for t in candidates]


class ThemeSplitForm(forms.Form):
    k = forms.IntegerField(label="Split into how many themes", initial=2)


class ThemeLinkForm(forms.Form):
    backlog_item = forms.TypedChoiceField(label="Backlog item", coerce=int, required=False, empty_value=None, choices=[])
    decision = forms.TypedChoiceField(label="Decision", coerce=int, required=False, empty_value=None, choices=[])
    weight = forms.TypedChoiceField(label="Weight", coerce=int, initial=2,
                                    choices=[(1, "1 — touches it"), (2, "2 — shapes it"), (3, "3 — drives it")])

    def __init__(self, *args, items=(), decisions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["backlog_item"].choices = [("", "—")] + [(i.pk, str(i)) for i in items]
        self.fields["decision"].choices = [("", "—")] + [(d.pk, str(d)) for d in decisions]
