from django.apps import AppConfig


class DecisionsConfig(AppConfig):
    name = "heard.decisions"
    label = "decisions"
    verbose_name = "Decision records"

    def ready(self):
        from . import actions, views

        actions.register_participation()
        views.register_participation_pages()
