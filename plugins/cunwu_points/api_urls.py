"""REST routes of the 积分超市, mounted under ``/api/points/`` (404 where the plugin is off)."""

from rest_framework.routers import SimpleRouter

from cunwu_points import api

router = SimpleRouter()
router.register("rules", api.RuleViewSet, basename="rule")
router.register("rule-versions", api.RuleVersionViewSet, basename="rule-version")
router.register("events", api.EventViewSet, basename="event")
router.register("passbooks", api.PassbookViewSet, basename="passbook")
router.register("items", api.ItemViewSet, basename="item")
router.register("redemptions", api.RedemptionViewSet, basename="redemption")
router.register("lists", api.QuarterlyListViewSet, basename="list")
router.register("reports", api.ReportViewSet, basename="report")

urlpatterns = router.urls
