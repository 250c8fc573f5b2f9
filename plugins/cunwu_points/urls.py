"""Pages of the 积分超市, mounted under ``/points/`` (404 where the plugin is off)."""

from django.urls import path

from cunwu_points.views import counter, overview, rules, staff, villager

urlpatterns = [
    path("", overview.index, name="index"),
    path("register/", staff.register, name="register"),
    path("bulk/", staff.bulk, name="bulk"),
    path("review/", staff.review, name="review"),
    path("review/<int:pk>/", staff.decide, name="decide"),
    path("counter/", counter.counter, name="counter"),
    path("counter/<str:token>/redeem/", counter.redeem, name="redeem"),
    path("receipts/<int:pk>/", counter.receipt, name="receipt"),
    path("catalogue/", counter.catalogue, name="catalogue"),
    path("me/", villager.my_passbook, name="my_passbook"),
    path("passbooks/<str:token>/", villager.passbook, name="passbook"),
    path("claim/", villager.claim, name="claim"),
    path("lists/", overview.lists, name="lists"),
    path("report/", overview.report, name="report"),
    path("rules/", rules.index, name="rules"),
    path("rules/<int:pk>/", rules.history_page, name="rules_history"),
    path("rules/<int:pk>/v<int:number>/", rules.version, name="rules_version"),
    path("rules/<int:pk>/revise/", rules.revise, name="rules_revise"),
    path("rules/<int:pk>/revise/row/", rules.revise_row, name="rules_revise_row"),
]
