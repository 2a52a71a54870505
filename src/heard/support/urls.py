from django.urls import path

from . import views, views_themes

app_name = "support"

urlpatterns = [
    path("", views.ticket_list, name="list"),
    path("tickets/<int:pk>/", views.ticket_detail, name="detail"),
    path("import/", views.ticket_import, name="import"),
    path("import/<int:job_id>/", views.import_progress, name="import_job"),
]

urlpatterns += [
    path("themes/", views_themes.theme_list, name="themes"),
    path("themes/run/", views_themes.theme_run_start, name="theme_run_start"),
    path("themes/runs/<int:run_id>/", views_themes.theme_run, name="theme_run"),
    path("themes/<int:pk>/", views_themes.theme_detail, name="theme"),
]
