"""Pages of evidence on a county's host."""

from django.urls import path

from cunwu.evidence import views

app_name = "evidence"
urlpatterns = [
    path("<uuid:token>/", views.download, name="download"),
    path("for/<str:label>/<str:pk>/", views.panel, name="panel"),
]
