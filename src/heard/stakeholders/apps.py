from django.apps import AppConfig


class StakeholdersConfig(AppConfig):
    name = "heard.stakeholders"
    label = "stakeholders"
    verbose_name = "Stakeholder map"
