from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "heard.feedback"
    label = "feedback"

    def ready(self):
        from heard.stakeholders.actions import register_erasure_hook, register_export_hook

        from . import actions

        register_erasure_hook(actions.erase_person_from_feedback)
        register_export_hook(actions.export_person_feedback)

