from django.urls import path

from . import views

app_name = "programs"

urlpatterns = [
    path("", views.program_list, name="list"),
    path("new/", views.program_create, name="create"),
    path("<int:pk>/", views.program_detail, name="detail"),
    path("<int:pk>/edit/", views.program_edit, name="edit"),
    path("<int:pk>/cohorts/", views.cohort_add, name="cohort_add"),
    path("<int:pk>/participants/", views.participant_add, name="participant_add"),
    path("<int:pk>/participants/<int:participant_pk>/leave/", views.participant_leave, name="participant_leave"),
    path("<int:pk>/thresholds/", views.threshold_add, name="threshold_add"),
    path("<int:pk>/thresholds/<int:threshold_pk>/", views.threshold_edit, name="threshold_edit"),
    path("<int:pk>/start/", views.program_start, name="start"),
    path("<int:pk>/end/", views.program_end, name="end"),
    path("<int:pk>/telemetry/", views.telemetry_import, name="telemetry"),
    path("<int:pk>/outcome/", views.outcome_confirm, name="outcome"),
]
