"""REST routes of orgs, mounted under ``/api/`` of a county's host."""

from rest_framework.routers import SimpleRouter

from cunwu.orgs import api

router = SimpleRouter()
router.register("org-units", api.OrgUnitViewSet, basename="org-unit")
router.register("households", api.HouseholdViewSet, basename="household")
router.register("residents", api.ResidentViewSet, basename="resident")
router.register("bodies", api.BodyViewSet, basename="body")
router.register("memberships", api.MembershipViewSet, basename="membership")
router.register("imports", api.ImportJobViewSet, basename="import-job")

urlpatterns = router.urls
