"""Portal forms. They only shape the input; the actions check it."""

from django import forms


class SignInForm(forms.Form):
    email = forms.CharField(label="Your e-mail address", max_length=254,
                            widget=forms.EmailInput(attrs={"autocomplete": "email"}),
                            help_text="The address the team knows you by. We e-mail you a link that signs you in.")


class FeedbackForm(forms.Form):
    product = forms.ChoiceField(label="Which product is it about?")
    # Not required here: the action says what is missing.
    text = forms.CharField(label="What would you like to tell us?", required=False, widget=forms.Textarea(attrs={"rows": 5}),
                           help_text="What happened, what you expected, and an example if you have one.")
    job = forms.CharField(label="What were you trying to do? (optional)", required=False, max_length=2000)

    def __init__(self, *args, products, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].choices = [(str(p.pk), p.name) for p in products]


class ProgramFeedbackForm(forms.Form):
    """Feedback about a beta or pilot the person takes part in (the product is the program's)."""

    text = forms.CharField(label="What would you like to tell us about it?", required=False, widget=forms.Textarea(attrs={"rows": 5}),
                           help_text="What worked, what did not, and an example if you have one.")
    job = forms.CharField(label="What were you trying to do? (optional)", required=False, max_length=2000)


class CommentForm(forms.Form):
    body = forms.CharField(label="Your comment", required=False, widget=forms.Textarea(attrs={"rows": 4}))
