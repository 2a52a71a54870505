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


class LinkToThemeForm(forms.Form):
    """From a backlog item's or a decision's page: link a theme (chosen with the picker) to it."""

    theme = forms.CharField(label="Support theme", help_text="Type words to search, or its number.")
    weight = forms.TypedChoiceField(label="Weight", coerce=int, initial=2,
                                    choices=[(1, "1 — touches it"), (2, "2 — shapes it"), (3, "3 — drives it")])
    target = forms.ChoiceField(choices=[("backlog_item", "Backlog item"), ("decision", "Decision")], widget=forms.HiddenInput)
    target_id = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "theme_link_%s")
        super().__init__(*args, **kwargs)


def link_to_theme_form(user, workspace, target: str, pk: int) -> "LinkToThemeForm | None":
    """The "link a support theme" form of a backlog item's or a decision's page, for who may link."""
    from heard.core import permissions

    return LinkToThemeForm(initial={"target": target, "target_id": pk}) if permissions.can(user, workspace, "themes.edit") else None
