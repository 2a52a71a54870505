from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "heard.support"
    label = "support"
