"""Pages of ledger on a county's host."""

from django.urls import path

from cunwu.ledger import views

app_name = "ledger"
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/", views.ledger_detail, name="detail"),
    path("<int:pk>/verify/", views.verification, name="verify"),
    path("<int:pk>/checkpoints/", views.checkpoints, name="checkpoints"),
    path("<int:pk>/checkpoints/record/", views.record_checkpoint, name="record_checkpoint"),
    path("checkpoints/<int:pk>/publish/", views.publish_checkpoint, name="publish_checkpoint"),
    path("accounts/<int:pk>/", views.account_statement, name="account"),
]
