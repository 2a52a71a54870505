from django.urls import path

from . import views

app_name = "closure"

urlpatterns = [
    path("", views.cycle_list, name="list"),
    path("<int:pk>/", views.cycle_detail, name="cycle"),
    path("<int:pk>/close/", views.cycle_close, name="close"),
    path("<int:pk>/send/", views.cycle_send, name="send"),
    path("notes/<int:pk>/", views.note_review, name="note"),
    path("enablement/", views.enablement_list, name="enablement"),
    path("enablement/<int:pk>/", views.enablement_detail, name="enablement_detail"),
    path("enablement/<int:pk>/send/", views.enablement_send, name="enablement_send"),
    path("sharing/", views.sharing, name="sharing"),
    path("sharing/goals/", views.goal_toggle, name="goal_toggle"),
    path("sharing/figures/<int:pk>/delete/", views.figure_delete, name="figure_delete"),
]
