from importlib import import_module

from django.apps import AppConfig


class ParticipationConfig(AppConfig):
    default = True  # this module also holds TakesPartConfig, a base for other apps' configs
    name = "heard.participation"
    label = "participation"
    verbose_name = "Participation"

    def ready(self):
        from heard.stakeholders.actions import ERASURE_HOOKS, register_erasure_hook

        from . import actions

        # ready() may run twice in some test runners; register once.
        if actions.erase_person not in ERASURE_HOOKS:
            register_erasure_hook(actions.erase_person)


class TakesPartConfig(AppConfig):
    """The AppConfig of an app whose things people take part in: on ready() it calls
    ``actions.register_participation()`` (the kind) and ``views.register_participation_pages()``."""

    def ready(self):
        import_module(f"{self.name}.actions").register_participation()
        import_module(f"{self.name}.views").register_participation_pages()
