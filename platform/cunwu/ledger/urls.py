"""Pages of ledger on a county's host."""

app_name = "ledger"
urlpatterns: list = []
