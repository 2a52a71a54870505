from django.apps import AppConfig


class HealthConfig(AppConfig):
    name = "heard.health"
    label = "health"
    verbose_name = "Collaboration health"

    def ready(self):
        # Rollups follow every write of the rows they count (see heard.health.hooks).
        from . import hooks

        hooks.connect()
