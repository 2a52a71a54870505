"""Closure page forms. They only shape the input; the actions check it."""

from django import forms

from .models import EnablementKind, ShareKind


class CycleForm(forms.Form):
    name = forms.CharField(max_length=60, help_text="E.g. the increment (2026.2) or a quarter (2026 Q2).")
    starts_on = forms.CharField(label="First day", widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.CharField(label="Last day", widget=forms.DateInput(attrs={"type": "date"}))


class NoteForm(forms.Form):
    # Not required here: the action says what is missing in words that help.
    subject = forms.CharField(max_length=200, required=False)
    body = forms.CharField(label="Note", required=False, widget=forms.Textarea(attrs={"rows": 18}))


class EnablementForm(forms.Form):
    backlog_item = forms.ChoiceField(label="Released backlog item")
    kind = forms.ChoiceField(choices=EnablementKind.choices)
    title = forms.CharField(max_length=200)
    body = forms.CharField(label="Text", required=False, widget=forms.Textarea(attrs={"rows": 6}))
    url = forms.CharField(label="Link (video or full guide)", required=False, max_length=500, widget=forms.URLInput())

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["backlog_item"].choices = [(str(i.pk), str(i)) for i in items]


class FigureForm(forms.Form):
    kind = forms.ChoiceField(choices=ShareKind.choices)
    label = forms.CharField(max_length=120, required=False)
    value = forms.CharField(max_length=60, required=False)
    note = forms.CharField(required=False, max_length=300)
