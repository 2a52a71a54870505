from django.urls import path

from . import views

app_name = "themes"

# Mounted at /w/<ws>/p/<product>/support/themes/ (the themes' address when they were part
# of support).
urlpatterns = [
    path("", views.theme_list, name="list"),
    path("run/", views.theme_run_start, name="run_start"),
    path("runs/<int:run_id>/", views.theme_run, name="run"),
    path("<int:pk>/", views.theme_detail, name="detail"),
    path("link/", views.link_to_theme, name="link_to"),
]
