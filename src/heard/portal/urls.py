from django.urls import path

from . import views

app_name = "portal"

# Every route but the sign-in ones (start, link, signed_out) needs a portal session; the
# access test walks this list, so a new route is checked automatically.
urlpatterns = [
    path("", views.start, name="start"),
    path("link/<str:token>/", views.link, name="link"),
    path("sign-out/", views.sign_out_view, name="sign_out"),
    path("me/", views.home, name="home"),
    path("logo/<int:product_id>/", views.logo, name="logo"),
    path("feedback/new/", views.feedback_new, name="feedback_new"),
    path("feedback/<int:pk>/", views.feedback_detail, name="feedback"),
    path("notes/<int:pk>/", views.note, name="note"),
    path("notes/<int:pk>/acknowledge/", views.note_acknowledge, name="note_acknowledge"),
    path("enablement/<int:pk>/", views.enablement, name="enablement"),
    path("enablement/<int:pk>/acknowledge/", views.enablement_acknowledge, name="enablement_acknowledge"),
    path("pre-reads/<int:pk>/", views.pre_read, name="pre_read"),
    path("criteria/<int:pk>/", views.criterion, name="criterion"),
    path("decisions/<int:pk>/", views.decision, name="decision"),
]
