"""Page forms for themes. They only shape the input; the actions check it."""

from django import forms


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
