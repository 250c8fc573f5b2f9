"""Pages of meetings on a county's host."""

app_name = "meetings"
urlpatterns: list = []
