from django.apps import AppConfig


class ClosureConfig(AppConfig):
    name = "heard.closure"
    label = "closure"
