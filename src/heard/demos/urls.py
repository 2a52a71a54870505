from django.urls import path

from . import views

app_name = "demos"

urlpatterns = [
    path("", views.demo_list, name="list"),
    path("<int:pk>/", views.demo_detail, name="detail"),
    path("<int:pk>/criteria/", views.demonstration_add, name="demonstration_add"),
    path("<int:pk>/criteria/<int:demonstration_pk>/", views.demonstration_edit, name="demonstration_edit"),
    path("<int:pk>/criteria/<int:demonstration_pk>/verdicts/", views.verdict_add, name="verdict_add"),
    path("<int:pk>/verdicts/<int:verdict_pk>/remove/", views.verdict_remove, name="verdict_remove"),
    path("items/<int:item_pk>/sign-off/", views.sign_off, name="sign_off"),
]
