from django.apps import AppConfig


class SessionsConfig(AppConfig):
    name = "heard.sessions"
    label = "heard_sessions"
    verbose_name = "Collaboration sessions"
