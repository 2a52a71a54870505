from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "heard.core"
    label = "core"
    verbose_name = "heard core"
