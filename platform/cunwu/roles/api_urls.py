"""REST routes of roles, mounted under ``/api/`` of a county's host."""

from rest_framework.routers import SimpleRouter

router = SimpleRouter()

urlpatterns = router.urls
