from django.urls import path

from . import views

app_name = "tickets"

urlpatterns = [
    path("", views.ticket_list, name="list"),
    path("tickets/<int:pk>/", views.ticket_detail, name="detail"),
    path("import/", views.ticket_import, name="import"),
    path("import/<int:job_id>/", views.import_progress, name="import_job"),
]
