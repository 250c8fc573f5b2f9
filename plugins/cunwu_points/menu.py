"""The plugin's menu entries, shown only to those whose roles use them."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from cunwu.roles.permissions import has_role
from cunwu_points.scoping import OPERATOR, REGISTRAR, REVIEWER, SUPERVISORS


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
    if has_role(user, REGISTRAR, REVIEWER, OPERATOR, *SUPERVISORS):
        return items
    if getattr(user, "resident_id", None):
        items[0] = {**items[0], "label": _("我的积分"), "url": reverse("points:my_passbook")}
    return items
