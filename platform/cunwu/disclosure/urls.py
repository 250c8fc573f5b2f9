"""Pages of disclosure on a county's host."""

app_name = "disclosure"
urlpatterns: list = []
