"""The portal's demo pages, under /portal/demos/: each needs a portal session (the
stakeholder sees only demos they take part in)."""

from django.urls import path

from . import views

app_name = "demos_portal"

urlpatterns = [
    path("<int:pk>/", views.portal_demo, name="demo"),
    path("<int:pk>/criteria/<int:demonstration_pk>/", views.portal_verdict, name="verdict"),
    path("<int:pk>/items/<int:item_pk>/sign-off/", views.portal_sign_off, name="sign_off"),
]
