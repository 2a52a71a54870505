from django.urls import path

from . import views

app_name = "feedback"

urlpatterns = [
    path("", views.feedback_list, name="list"),
    path("new/", views.feedback_create, name="create"),
    path("preview/", views.feedback_preview, name="preview"),
    path("import/", views.feedback_import, name="import"),
    path("bulk/", views.feedback_bulk, name="bulk"),
    path("<int:pk>/", views.feedback_detail, name="detail"),
    path("<int:pk>/edit/", views.feedback_edit, name="edit"),
    path("<int:pk>/disposition/", views.feedback_disposition, name="disposition"),
    path("<int:pk>/links/", views.feedback_link, name="link"),
    path("<int:pk>/links/<int:link_pk>/delete/", views.feedback_unlink, name="unlink"),
    path("<int:pk>/merge/", views.feedback_merge, name="merge"),
]
