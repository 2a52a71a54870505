from django.urls import path

from . import views

app_name = "health"

urlpatterns = [
    path("", views.health_page, name="page"),
    path("flags/", views.flag_list, name="flags"),
    path("<slug:key>/", views.figure_page, name="figure"),
    path("<slug:key>.csv", views.figure_csv, name="csv"),
]
