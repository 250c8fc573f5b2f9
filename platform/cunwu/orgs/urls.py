"""Pages of orgs on a county's host."""

app_name = "orgs"
urlpatterns: list = []
