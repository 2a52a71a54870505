from django.urls import path

from heard.participation import urls as participation_urls

from . import views

app_name = "decisions"

urlpatterns = [
    path("", views.decision_list, name="list"),
    path("new/", views.decision_create, name="create"),
    path("forums/", views.forum_list, name="forums"),
    path("forums/new/", views.forum_edit, name="forum_create"),
    path("forums/<int:forum_pk>/edit/", views.forum_edit, name="forum_edit"),
    path("<int:pk>/", views.decision_detail, name="detail"),
    path("<int:pk>/edit/", views.decision_edit, name="edit"),
    path("<int:pk>/inline/", views.decision_inline, name="inline"),
    path("<int:pk>/options/", views.option_add, name="option_add"),
    path("<int:pk>/evidence/", views.evidence_add, name="evidence_add"),
    path("<int:pk>/decide/", views.decide, name="decide"),
    path("<int:pk>/escalate/", views.escalate, name="escalate"),
    path("<int:pk>/supersede/", views.supersede, name="supersede"),
    *participation_urls.patterns("decision"),
]
