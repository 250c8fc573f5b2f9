"""REST routes of ledger, mounted under ``/api/`` of a county's host."""

from rest_framework.routers import SimpleRouter

from cunwu.ledger import api

router = SimpleRouter()
router.register("ledgers", api.LedgerViewSet, basename="ledger")
router.register("ledger-accounts", api.AccountViewSet, basename="ledger-account")
router.register("ledger-transactions", api.TransactionViewSet, basename="ledger-transaction")
router.register("ledger-checkpoints", api.CheckpointViewSet, basename="ledger-checkpoint")

urlpatterns = router.urls
