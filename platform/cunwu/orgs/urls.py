"""Pages of orgs on a county's host."""

from django.urls import path

from cunwu.orgs import views

app_name = "orgs"
urlpatterns = [
    path("", views.index, name="index"),
    path("residents/", views.residents, name="residents"),
    path("residents/export.xlsx", views.residents_export, name="residents_export"),
    path("residents/new/", views.resident_new, name="resident_new"),
    path("residents/<int:pk>/", views.resident_detail, name="resident"),
    path("residents/<int:pk>/reveal/", views.resident_reveal, name="resident_reveal"),
    path("bodies/", views.bodies, name="bodies"),
    path("bodies/<int:pk>/", views.body_detail, name="body"),
    path("imports/", views.imports, name="imports"),
    path("imports/template.xlsx", views.import_template, name="import_template"),
    path("imports/<int:pk>/", views.import_job, name="import_job"),
]
