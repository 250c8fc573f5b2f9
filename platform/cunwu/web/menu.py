"""The county's menu: the core's entries and those of the plugins enabled in the county.

Plugin entries come from the ``cunwu_menu_items`` hook, called through
:func:`cunwu.plugins.host.hooks_for`, so a disabled plugin's entries never exist in that county. An
entry is shown only to users who may open its page: pages guarded by
:func:`cunwu.roles.permissions.role_required` carry their ``required_roles``, read here, so the menu
and the page cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from django.http import HttpRequest
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext_lazy as _

from cunwu.plugins.host import hooks_for
from cunwu.roles.permissions import has_role


@dataclass(frozen=True)
class MenuEntry:
    label: str
    url: str
    order: int = 50
    description: str = ""
    active: bool = False


@dataclass(frozen=True)
class CoreEntry:
    """A core area's entry: the URL name of its index page."""

    url_name: str
    label: str
    description: str
    order: int


CORE_ENTRIES: tuple[CoreEntry, ...] = (
    CoreEntry("orgs:index", _("组织架构"), _("乡镇、村(社区)、村民小组与各类组织"), 10),
    CoreEntry("disclosure:index", _("公示公告"), _("村务公开与公示期"), 20),
    CoreEntry("meetings:index", _("会议决策"), _("会议签到、记录与表决"), 30),
    CoreEntry("ledger:index", _("资金与积分账"), _("账户、流水与核对"), 40),
    CoreEntry("roles:index", _("人员与角色"), _("谁在哪一级担任什么角色"), 70),
    CoreEntry("audit:index", _("操作日志"), _("每一次变更的记录"), 80),
    CoreEntry("web:policy", _("政策版本"), _("现行政策包与历次版本"), 90),
)


def _may_open(request: HttpRequest, url: str) -> bool:
    try:
        view = resolve(_path_of(url)).func
    except Resolver404:
        return True  # not a page of this site (an external link): nothing to check
    roles = getattr(view, "required_roles", ())
    return not roles or has_role(request.user, *roles)


def _core_entries() -> list[MenuEntry]:
    return [
        MenuEntry(str(entry.label), reverse(entry.url_name), entry.order, str(entry.description))
        for entry in CORE_ENTRIES
    ]


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
    entries = [e for e in _core_entries() + _plugin_entries(request) if _may_open(request, e.url)]
    entries.sort(key=lambda entry: entry.order)
    active = _active_url(request.path, [entry.url for entry in entries])
    return [replace(entry, active=entry.url == active) for entry in entries]


def _active_url(path: str, urls: list[str]) -> str | None:
    """The longest entry URL that ``path`` lies under, so /points/rules/… lights up 评分条例 and not also
    the 积分超市 entry at /points/; a prefix must end at a path segment (/points/ is not under /point)."""
    matching = [url for url in urls if _under(path, _path_of(url))]
    return max(matching, key=lambda url: len(_path_of(url)), default=None)


def _path_of(url: str) -> str:
    """``url`` without its query string: only the path says where an entry leads."""
    return url.split("?", 1)[0]


def _under(path: str, url: str) -> bool:
    return path == url or path.startswith(url if url.endswith("/") else url + "/")
