from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PointsConfig(AppConfig):
    name = "cunwu_points"
    label = "cunwu_points"
    verbose_name = _("积分超市")

    class CunwuPluginMeta:
        name = _("积分超市")
        description = _("乡村治理积分制: 规则、积分存折、兑换、红黑榜")
