from django.urls import path

from . import views

app_name = "backlog"

urlpatterns = [
    path("", views.item_list, name="list"),
    path("new/", views.item_edit, name="create"),
    path("import/", views.import_csv, name="import"),
    path("export.csv", views.export, name="export"),
    path("<int:pk>/", views.item_detail, name="detail"),
    path("<int:pk>/edit/", views.item_edit, name="edit"),
    path("<int:pk>/status/", views.item_move, name="move"),
    path("<int:pk>/inline/", views.item_inline, name="inline"),
    path("<int:pk>/criteria/", views.criterion_add, name="criterion_add"),
    path("<int:pk>/feedback-links/", views.feedback_link_add, name="feedback_link_add"),
    path("criteria/<int:pk>/edit/", views.criterion_edit, name="criterion_edit"),
]
