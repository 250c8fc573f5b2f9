"""Pages of roles on a county's host."""

app_name = "roles"
urlpatterns: list = []
