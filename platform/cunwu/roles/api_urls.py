"""REST routes of roles, mounted under ``/api/`` of a county's host."""

from rest_framework.routers import SimpleRouter

from cunwu.roles import api

router = SimpleRouter()
router.register("role-assignments", api.RoleAssignmentViewSet, basename="role-assignment")

urlpatterns = router.urls
