from django.urls import path

from . import views

app_name = "stakeholders"

urlpatterns = [
    path("", views.stakeholder_list, name="list"),
    path("new/", views.stakeholder_create, name="create"),
    path("grid/", views.grid, name="grid"),
    path("unheard/", views.unheard, name="unheard"),
    path("import/", views.import_csv, name="import"),
    path("<int:pk>/", views.stakeholder_detail, name="detail"),
    path("<int:pk>/edit/", views.stakeholder_edit, name="edit"),
    path("<int:pk>/export.json", views.stakeholder_export, name="export"),
    path("<int:pk>/erase/", views.stakeholder_erase, name="erase"),
    path("<int:pk>/consents/", views.consent_add, name="consent_add"),
    path("<int:pk>/consents/<int:consent_pk>/withdraw/", views.consent_withdraw, name="consent_withdraw"),
    path("<int:pk>/disclosures/", views.disclosure_add, name="disclosure_add"),
    path("organisations/", views.organisation_list, name="organisations"),
    path("organisations/new/", views.organisation_edit, name="organisation_create"),
    path("organisations/<int:pk>/edit/", views.organisation_edit, name="organisation_edit"),
    path("segments/", views.segment_list, name="segments"),
    path("segments/new/", views.segment_edit, name="segment_create"),
    path("segments/<int:pk>/edit/", views.segment_edit, name="segment_edit"),
]
