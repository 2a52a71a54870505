from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "heard.feedback"
    label = "feedback"
