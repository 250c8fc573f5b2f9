"""The county's menu: the core's entries and those of the plugins enabled in the county.

A core area appears once it has mounted its index page under the URL name ``<app>:index`` (areas are
built independently; an area without pages yet has no entry rather than a broken link). Plugin entries
come from the ``cunwu_menu_items`` hook, called through :func:`cunwu.plugins.host.hooks_for`, so a
disabled plugin's entries never exist in that county.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from cunwu.plugins.host import hooks_for


@dataclass(frozen=True)
class MenuEntry:
    label: str
    url: str
    order: int = 50
    description: str = ""
    active: bool = False


@dataclass(frozen=True)
class CoreEntry:
    """A core area's entry; ``roles`` limits who sees it (empty: every signed-in user)."""

    url_name: str
    label: str
    description: str
    order: int
    roles: tuple[str, ...] = ()


CORE_ENTRIES: tuple[CoreEntry, ...] = (
    CoreEntry("orgs:index", _("组织架构"), _("乡镇、村(社区)、村民小组与各类组织"), 10),
    CoreEntry("disclosure:index", _("公示公告"), _("村务公开与公示期"), 20),
    CoreEntry(
        "meetings:index",
        _("会议决策"),
        _("会议签到、记录与表决"),
        30,
        (
            "village_secretary",
            "committee_member",
            "council_member",
            "supervisory_member",
            "township_official",
        ),
    ),
    CoreEntry("ledger:index", _("资金与积分账"), _("账户、流水与核对"), 40),
    CoreEntry(
        "roles:index",
        _("人员与角色"),
        _("谁在哪一级担任什么角色"),
        70,
        ("county_admin"),
    ),
    CoreEntry(
        "audit:index", _("操作日志"), _("每一次变更的记录"), 80, ("county_admin", "supervisory_member")
    ),
    CoreEntry("web:policy", _("政策版本"), _("现行政策包与历次版本"), 90, ("county_admin",)),
)


def _may_see(request: HttpRequest, entry: CoreEntry) -> bool:
    if not entry.roles:
        return True
    from cunwu.roles.permissions import has_role

    return has_role(request.user, *entry.roles)


def _core_entries(request: HttpRequest) -> list[MenuEntry]:
    entries = []
    for entry in CORE_ENTRIES:
        try:
            url = reverse(entry.url_name)
        except NoReverseMatch:
            continue
        if _may_see(request, entry):
            entries.append(MenuEntry(str(entry.label), url, entry.order, str(entry.description)))
    return entries


def _plugin_entries(request: HttpRequest) -> list[MenuEntry]:
    answers = hooks_for(request.county).cunwu_menu_items(request=request, county=request.county)
    return [
        MenuEntry(
            label=str(item["label"]),
            url=item["url"],
            order=int(item.get("order", 50)),
            description=str(item.get("description", "")),
        )
        for items in answers
        for item in items or ()
    ]


def menu_for(request: HttpRequest) -> list[MenuEntry]:
    """The signed-in user's menu in the request's county, sorted by ``order`` (empty elsewhere)."""
    if getattr(request, "county", None) is None or not request.user.is_authenticated:
        return []
    entries = sorted(_core_entries(request) + _plugin_entries(request), key=lambda entry: entry.order)
    return [replace(entry, active=request.path.startswith(entry.url)) for entry in entries]
