from django.apps import AppConfig


class BacklogConfig(AppConfig):
    name = "heard.backlog"
    label = "backlog"
