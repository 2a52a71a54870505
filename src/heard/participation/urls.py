"""The participation pages a kind mounts under its detail page (``<pk>/...``)::

    urlpatterns = [..., *participation_urls.patterns("session")]

They keep the kind's URL names (``sessions:participant_add``), so templates and redirects stay
in the kind's namespace.
"""

from django.urls import path

from . import views
from .subjects import kind_named


def patterns(kind: str) -> list:
    subject_kind = kind_named(kind)
    given = {"subject_kind": kind}
    urls = [
        path("<int:pk>/<str:kind>/<int:part_pk>/remove/", views.remove_part, given, name="remove"),
        path("<int:pk>/participants/", views.participant_add, given, name="participant_add"),
        path("<int:pk>/comments/", views.comment_add, given, name="comment_add"),
    ]
    if views.PAGES[kind].delete:
        urls.append(path("<int:pk>/delete/", views.delete_subject, given, name="delete"))
    if subject_kind.attendance:
        urls.append(path("<int:pk>/attendance/", views.attendance, given, name="attendance"))
    if subject_kind.advice:
        urls.append(path("<int:pk>/participants/<int:part_pk>/weigh-in/", views.weigh_in, given, name="weigh_in"))
    return urls
