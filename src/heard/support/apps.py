from django.apps import AppConfig


class SupportConfig(AppConfig):
    """The app support tickets and themes began in; they now live in ``heard.tickets`` and
    ``heard.themes``. It keeps only its migrations: they made the tables that moved (a
    database of any age migrates through them), and 0005/0006 hand the tables over. It can go
    once those migrations are squashed into the new apps' first ones."""

    name = "heard.support"
    label = "support"
    verbose_name = "Support (migration history of tickets and themes)"
