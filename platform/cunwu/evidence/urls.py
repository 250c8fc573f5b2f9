"""Pages of evidence on a county's host."""

app_name = "evidence"
urlpatterns: list = []
