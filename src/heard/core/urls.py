"""Workspace pages of the core: products, members and API tokens, mounted at /w/<ws>/."""

from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("members/", views.members, name="members"),
    path("members/invitations/<int:pk>/cancel/", views.invitation_cancel, name="invitation_cancel"),
    path("invitation/", views.invitation, name="invitation"),
    path("members/<int:pk>/role/", views.member_role, name="member_role"),
    path("members/<int:pk>/remove/", views.member_remove, name="member_remove"),
    path("products/", views.products, name="products"),
    path("products/new/", views.product_form, name="product_create"),
    path("products/<slug:slug>/edit/", views.product_form, name="product_edit"),
    path("products/<slug:slug>/archive/", views.product_archive, name="product_archive"),
    path("products/<slug:slug>/unarchive/", views.product_unarchive, name="product_unarchive"),
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
]
