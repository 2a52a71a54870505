"""The portal's pages of a beta or pilot, under /portal/programs/: only for its participants."""

from django.urls import path

from . import views

app_name = "programs_portal"

urlpatterns = [
    path("<int:pk>/feedback/", views.portal_feedback, name="feedback"),
]
