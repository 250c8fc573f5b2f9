"""REST routes of tenancy, mounted under ``/api/`` of a county's host."""

from rest_framework.routers import SimpleRouter

from cunwu.tenancy import api

router = SimpleRouter()
router.register("plugins", api.PluginEnablementViewSet, basename="plugin-enablement")
router.register("policy-versions", api.PolicyVersionViewSet, basename="policy-version")

urlpatterns = router.urls
