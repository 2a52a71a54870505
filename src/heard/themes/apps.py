from django.apps import AppConfig


class ThemesConfig(AppConfig):
    name = "heard.themes"
    label = "themes"
    verbose_name = "Support themes"
