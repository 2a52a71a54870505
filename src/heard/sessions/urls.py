from django.urls import path

from heard.participation import urls as participation_urls

from . import views

app_name = "sessions"

urlpatterns = [
    path("", views.session_list, name="list"),
    path("new/", views.session_create, name="create"),
    path("engagement/", views.engagement, name="engagement"),
    path("engagement/feed/", views.feed_reset, name="feed_reset"),
    path("feed/<str:token>.ics", views.feed, name="feed"),
    path("glossary/", views.glossary, name="glossary"),
    path("glossary/<int:term_pk>/delete/", views.glossary_delete, name="glossary_delete"),
    path("<int:pk>/", views.session_detail, name="detail"),
    path("<int:pk>/edit/", views.session_edit, name="edit"),
    path("<int:pk>/publish/", views.publish, name="publish"),
    path("<int:pk>/session.ics", views.session_ics, name="ics"),
    path("<int:pk>/notes/", views.session_notes, name="notes"),
    path("<int:pk>/inline/", views.session_inline, name="inline"),
    path("<int:pk>/objectives/", views.objective_add, name="objective_add"),
    path("<int:pk>/objectives/<int:part_pk>/edit/", views.part_edit, {"kind": "objectives"}, name="objective_edit"),
    path("<int:pk>/objectives/<int:part_pk>/inline/", views.part_inline, {"kind": "objectives"}, name="objective_inline"),
    path("<int:pk>/agenda/<int:part_pk>/edit/", views.part_edit, {"kind": "agenda"}, name="agenda_edit"),
    path("<int:pk>/agenda/<int:part_pk>/inline/", views.part_inline, {"kind": "agenda"}, name="agenda_inline"),
    path("<int:pk>/agenda/", views.agenda_add, name="agenda_add"),
    path("<int:pk>/pre-reads/", views.pre_read_add, name="pre_read_add"),
    path("<int:pk>/pre-reads/<int:part_pk>/share/", views.pre_read_share, name="pre_read_share"),
    *participation_urls.patterns("session"),
]
