from django.apps import AppConfig


class SessionsConfig(AppConfig):
    name = "heard.sessions"
    label = "heard_sessions"
    verbose_name = "Collaboration sessions"

    def ready(self):
        from heard.stakeholders.actions import ERASURE_HOOKS

        from . import actions

        # ready() may run twice (e.g. in some test runners); register once.
        if actions._erase_comments not in ERASURE_HOOKS:
            actions.register_person_hooks()
