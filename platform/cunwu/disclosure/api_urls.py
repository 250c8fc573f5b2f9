"""REST routes of disclosure, mounted under ``/api/`` of a county's host."""

from rest_framework.routers import SimpleRouter

from cunwu.disclosure.api import NoticeViewSet, PublicNoticeViewSet

router = SimpleRouter()
router.register("notices", NoticeViewSet, basename="notice")
router.register("public/notices", PublicNoticeViewSet, basename="public-notice")

urlpatterns = router.urls
