from django import forms


def apply_heard_error(form: forms.Form, error) -> None:
    """Show a HeardError next to its field (or on the form when the field is unknown)."""
    errors = getattr(error, "errors", None) or {error.field: error.message}
    for field, message in errors.items():
        form.add_error(field if field in form.fields else None, message)


def submit(form: forms.Form, do):
    """Validate ``form`` and call ``do()``; on a HeardError show it on the form.

    Returns what ``do`` returned, or None when the form or the action rejected the input.
    """
    from .errors import HeardError

    if not form.is_valid():
        return None
    try:
        return do()
    except HeardError as exc:
        apply_heard_error(form, exc)
        return None


def save_or_show(request, form: forms.Form, do, show, *, message, to):
    """The usual form page. On a POST, :func:`submit` ``form`` with ``do``; when it worked,
    say ``message(result)`` and redirect to ``to(result)``. Otherwise ``show(status)`` the
    page again: 400 after a rejected POST, 200 for a GET."""
    from django.contrib import messages
    from django.shortcuts import redirect

    if request.method != "POST":
        return show(200)
    done = submit(form, do)
    if not done:
        return show(400)
    messages.success(request, message(done))
    return redirect(to(done))


class MemberForm(forms.Form):
    """Add a member. Only shapes the input; ``actions.invite_member`` holds the rules."""

    email = forms.CharField(
        label="E-mail", max_length=254, error_messages={"required": "Enter the e-mail address of the person to add."},
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
        help_text="Someone new gets an e-mail to set a password; someone with an account is told they were added.",
    )
    name = forms.CharField(label="Name (optional)", required=False, max_length=200)
    role = forms.ChoiceField(choices=[], initial="developer", help_text="What each role may do is listed in the roles guide (docs/roles.md).")

    def __init__(self, *args, **kwargs):
        from .roles import ROLE_CHOICES

        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = ROLE_CHOICES


class TokenForm(forms.Form):
    name = forms.CharField(
        label="Token name", max_length=100, error_messages={"required": "Name the token after where it will be used, e.g. “CI pipeline”."},
        help_text="Where it will be used, e.g. “CI pipeline” or “reporting script”.",
    )
    scope = forms.ChoiceField(
        label="What it may do", initial="write", required=False,
        choices=[("write", "Read and write"), ("read", "Read only (GET): a report or a dashboard")],
        help_text="A read-only token is refused (403) on every change.",
    )
    expires_in_days = forms.TypedChoiceField(
        label="Expires", coerce=int, empty_value=None, required=False, initial="90",
        choices=[("7", "In 7 days"), ("30", "In 30 days"), ("90", "In 90 days"), ("365", "In a year"), ("", "Never")],
        help_text="After that it answers 401 and you create a new one.",
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class ProductForm(forms.Form):
    """Add or edit a product. Only shapes the input; ``actions.create_product`` holds the rules."""

    name = forms.CharField(label="Name", max_length=200, error_messages={"required": "Name the product, e.g. “Invoicing”."})
    slug = forms.CharField(
        label="Slug (optional)", required=False, max_length=60,
        help_text="Used in addresses, e.g. /w/acme/p/invoicing/. Lowercase letters, digits and hyphens; left empty, it is made from the name.",
    )
    description = forms.CharField(label="Description (optional)", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def clean(self):
        from django.utils.text import slugify

        cleaned = super().clean()
        if not cleaned.get("slug") and cleaned.get("name"):
            cleaned["slug"] = slugify(cleaned["name"])[:60].strip("-")
        return cleaned


class ProductBrandForm(forms.Form):
    """How the product looks to its stakeholders in the portal: accent colour and logo."""

    accent = forms.ChoiceField(label="Accent colour in the portal", required=False,
                               help_text="From a fixed palette, so text on it stays readable in light and dark.")
    logo = forms.FileField(label="Logo (optional)", required=False, help_text="PNG, JPEG, GIF or WebP, under 200 kB; shown next to the product's name.")
    remove_logo = forms.BooleanField(label="Remove the current logo", required=False)

    def __init__(self, *args, **kwargs):
        from .models import Accent

        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["accent"].choices = Accent.choices


class WorkspaceNameForm(forms.Form):
    name = forms.CharField(label="Workspace name", max_length=200, help_text="Usually your organisation's or team's name.",
                           error_messages={"required": "Name the workspace, or skip this step."})

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
