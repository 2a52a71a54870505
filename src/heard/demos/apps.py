from django.apps import AppConfig


class DemosConfig(AppConfig):
    name = "heard.demos"
    label = "demos"
    verbose_name = "Demos and sign-off"

    def ready(self):
        from heard.health import detect
        from heard.stakeholders.actions import register_erasure_hook, register_export_hook

        from . import actions, queries

        # A seat in an earlier demo of an item is involvement with it (last-minute sign-offs).
        if queries.demo_involvement not in detect.INVOLVEMENT_SOURCES:
            detect.INVOLVEMENT_SOURCES.append(queries.demo_involvement)
        register_erasure_hook(actions.erase_person_from_demos)
        register_export_hook(actions.export_person_demos)
