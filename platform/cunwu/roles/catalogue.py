"""The roles a county knows: the core roles below plus those its enabled plugins add (``cunwu_roles``).

Each role has a code (stored in :class:`~cunwu.roles.models.RoleAssignment`), a Chinese name, and the
org level it is normally granted at (``county``, ``township``, ``village`` or ``group``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import connection
from django.utils.translation import gettext_lazy as _

from cunwu.plugins.host import hooks_for

if TYPE_CHECKING:
    from cunwu.tenancy.models import County

SCOPES = ("county", "township", "village", "group")


@dataclass(frozen=True)
class Role:
    code: str
    name: str
    scope: str
    core: bool = True


CORE_ROLES: tuple[Role, ...] = (
    Role("county_admin", _("县级管理员"), "county"),
    Role("township_official", _("乡镇干部"), "township"),
    Role("township_finance", _("乡镇财政所"), "township"),
    Role("village_secretary", _("村党组织书记"), "village"),
    Role("committee_member", _("村(居)委会成员"), "village"),
    Role("council_member", _("村民议事会成员"), "village"),
    Role("supervisory_member", _("村务监督委员会成员"), "village"),
    Role("finance_group", _("理财小组成员"), "village"),
    Role("quality_group", _("质量监督小组成员"), "village"),
    Role("station_staff", _("公共服务站工作人员"), "village"),
    Role("villager", _("村民"), "group"),
    Role("province_viewer", _("省级查看"), "county"),
    Role("platform_operator", _("平台运营"), "county"),
    # PIPL: seeing ID-card and phone numbers unmasked is a separate, logged permission.
    Role("personal_data_viewer", _("个人信息查看"), "township"),
)


def roles_for(county: County | None = None) -> dict[str, Role]:
    """Every role of a county (the current one by default), core roles first, by code."""
    county = county if county is not None else getattr(connection, "tenant", None)
    roles = {role.code: role for role in CORE_ROLES}
    if county is None or getattr(county, "pk", None) is None:
        return roles
    for contributed in hooks_for(county).cunwu_roles():
        for spec in contributed or ():
            scope = spec.get("scope", "village")
            roles.setdefault(
                spec["code"],
                Role(
                    spec["code"],
                    spec.get("name", spec["code"]),
                    scope if scope in SCOPES else "village",
                    core=False,
                ),
            )
    return roles


def role_name(code: str, county: County | None = None) -> str:
    role = roles_for(county).get(code)
    return str(role.name) if role else code
