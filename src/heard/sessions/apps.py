from django.apps import AppConfig


class SessionsConfig(AppConfig):
    name = "heard.sessions"
    label = "heard_sessions"
    verbose_name = "Collaboration sessions"

    def ready(self):
        from . import actions, views

        actions.register_participation()
        views.register_participation_pages()
