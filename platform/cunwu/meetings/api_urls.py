"""REST routes of meetings, mounted under ``/api/`` of a county's host."""

from rest_framework.routers import SimpleRouter

from cunwu.meetings.api import MeetingViewSet

router = SimpleRouter()
router.register("meetings", MeetingViewSet, basename="meeting")

urlpatterns = router.urls
