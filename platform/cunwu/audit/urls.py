"""Pages of audit on a county's host."""

from django.urls import path

from cunwu.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.index, name="index"),
    path("export.xlsx", views.export, name="export"),
    path("<int:pk>/", views.detail, name="detail"),
]
