from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "heard.feedback"
    label = "feedback"

    def ready(self):
        from django.db.models.signals import pre_save

        from heard.stakeholders.actions import register_erasure_hook, register_export_hook
        from heard.stakeholders.models import Stakeholder

        from . import actions

        register_erasure_hook(actions.erase_person_from_feedback)
        register_export_hook(actions.export_person_feedback)
        pre_save.connect(_remember_identity_before_erasure, sender=Stakeholder, dispatch_uid="feedback_identity_before_erasure")


def _remember_identity_before_erasure(sender, instance, **kwargs):
    # Erasure overwrites name and e-mail before the hooks run; the feedback hook needs the
    # old values to find them in free text, so keep them on the instance for that one call.
    if instance.pk is None or instance.erased_at is None or hasattr(instance, "_identity_before_erasure"):
        return
    old = sender.objects.filter(pk=instance.pk, erased_at__isnull=True).values_list("name", "email").first()
    if old:
        instance._identity_before_erasure = old
