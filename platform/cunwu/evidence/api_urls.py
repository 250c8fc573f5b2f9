"""REST routes of evidence, mounted under ``/api/`` of a county's host."""

from rest_framework.routers import SimpleRouter

from cunwu.evidence.api import EvidenceViewSet

router = SimpleRouter()
router.register("evidence", EvidenceViewSet, basename="evidence")

urlpatterns = router.urls
