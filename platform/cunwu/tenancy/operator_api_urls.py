"""REST routes of the platform operator, mounted under ``/api/`` of the operator's host only."""

from rest_framework.routers import SimpleRouter

from cunwu.tenancy import operator_api

router = SimpleRouter()
router.register("counties", operator_api.CountyViewSet, basename="operator-county")

urlpatterns = router.urls
