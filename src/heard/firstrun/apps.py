from django.apps import AppConfig


class FirstRunConfig(AppConfig):
    name = "heard.firstrun"
    label = "firstrun"
    verbose_name = "First run"
