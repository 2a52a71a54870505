"""The first-run wizard, mounted at /w/<ws>/start/."""

from django.urls import path

from . import views

app_name = "firstrun"

urlpatterns = [
    path("", views.start, name="start"),
    path("<slug:step>/", views.step, name="step"),
]
