"""Workspace pages of the core: members and API tokens, mounted at /w/<ws>/."""

from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("members/", views.members, name="members"),
    path("members/<int:pk>/role/", views.member_role, name="member_role"),
    path("members/<int:pk>/remove/", views.member_remove, name="member_remove"),
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
]
