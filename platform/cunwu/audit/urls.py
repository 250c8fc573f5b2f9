"""Pages of audit on a county's host."""

app_name = "audit"
urlpatterns: list = []
