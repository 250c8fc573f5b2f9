"""REST routes of audit, mounted under ``/api/`` of a county's host."""

from rest_framework.routers import SimpleRouter

from cunwu.audit.api import AuditEntryViewSet

router = SimpleRouter()
router.register("audit/entries", AuditEntryViewSet, basename="audit-entry")

urlpatterns = router.urls
