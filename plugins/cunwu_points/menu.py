"""The plugin's menu entries, shown only to those whose roles use them."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from cunwu.roles.permissions import has_role
from cunwu_points.scoping import OPERATOR, REGISTRAR, REVIEWER, STAFF, SUPERVISORS


def menu_items(request: Any) -> list[dict[str, Any]]:
    user = request.user
    items = [
        {
            "label": _("积分超市"),
            "url": reverse("points:index"),
            "order": 45,
            "description": _("积分存折、兑换与红黑榜"),
        }
    ]
    villager = bool(getattr(user, "resident_id", None))
    if villager and not has_role(user, REGISTRAR, REVIEWER, OPERATOR, *SUPERVISORS):
        items[0] = {**items[0], "label": _("我的积分"), "url": reverse("points:my_passbook")}
    if villager or has_role(user, *STAFF):
        items.append(
            {
                "label": _("评分条例"),
                "url": reverse("points:rules"),
                "order": 46,
                "description": _("积分制评分条例、历次修订与公示"),
            }
        )
    return items
