"""Pages of roles on a county's host."""

from django.urls import path

from cunwu.roles import views

app_name = "roles"
urlpatterns = [
    path("", views.index, name="index"),
    path("grant/", views.grant, name="grant"),
    path("<int:pk>/revoke/", views.revoke, name="revoke"),
    path("accounts/", views.add_account, name="add_account"),
]
