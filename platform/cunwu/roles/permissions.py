"""Permission checks every page and endpoint uses.

A role held on an org unit covers that unit and its whole subtree; a role held with ``org_unit = None``
covers the whole county; ``county_admin`` implies every role. Only assignments in force count.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from rest_framework.permissions import BasePermission

from cunwu.orgs.models import OrgUnit
from cunwu.roles.models import RoleAssignment

ADMIN = "county_admin"


def _assignments(user: Any, codes: tuple[str, ...], scope_object: str = "") -> QuerySet[RoleAssignment]:
    if user is None or not getattr(user, "is_authenticated", False) or not getattr(user, "pk", None):
        return RoleAssignment.objects.none()
    found = RoleAssignment.objects.active().filter(user_id=user.pk, role__in={*codes, ADMIN})
    if scope_object:
        found = found.filter(scope_object__in=["", scope_object])
    return found


def _prefixes(path: str) -> list[str]:
    parts = path.split("/")
    return ["/".join(parts[:i]) for i in range(1, len(parts) + 1)]


def has_role(user: Any, *codes: str, org_unit: OrgUnit | None = None, scope_object: str = "") -> bool:
    """Whether ``user`` holds one of ``codes`` (or ``county_admin``) on ``org_unit``.

    Held on the unit, on one of its ancestors, or county-wide all count. Without ``org_unit`` the
    question is "anywhere in the county". With ``scope_object`` an assignment narrowed to another
    object does not count (an unnarrowed one does).
    """
    found = _assignments(user, codes, scope_object)
    if org_unit is not None:
        found = found.filter(Q(org_unit__isnull=True) | Q(org_unit__path__in=_prefixes(org_unit.path)))
    return found.exists()


def scope_q(user: Any, *codes: str, path_field: str = "path") -> Q:
    """A filter selecting the rows whose org path (``path_field``) lies in the user's subtrees.

    For a county-wide holder it matches every row, for someone without the role none (both are real
    conditions, unlike ``Q()``, which would vanish when OR-ed with another filter). Use it to scope
    querysets of any model that stores an org path, e.g. ``path_field="org_path"``.
    """
    paths = list(_assignments(user, codes).values_list("org_unit__path", flat=True).distinct())
    if None in paths:
        return ~Q(pk__in=[])
    if not paths:
        return Q(pk__in=[])
    condition = Q()
    for path in paths:
        condition |= Q(**{path_field: path}) | Q(**{f"{path_field}__startswith": path + "/"})
    return condition


def units_for(user: Any, *codes: str) -> QuerySet[OrgUnit]:
    """The org units (whole subtrees) on which the user holds one of ``codes``."""
    return OrgUnit.objects.filter(scope_q(user, *codes))


def role_required(*codes: str) -> Callable:
    """Page decorator: anonymous users go to the login page; users without one of ``codes`` get 403."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not has_role(request.user, *codes):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.required_roles = codes  # read by the menu (cunwu.web.menu) to hide what cannot be opened
        return wrapped

    return decorator


def _org_unit_of(obj: Any) -> OrgUnit | None:
    if isinstance(obj, OrgUnit):
        return obj
    for attribute in ("org_unit", "group"):
        unit = getattr(obj, attribute, None)
        if isinstance(unit, OrgUnit):
            return unit
    return None


class RolePermission(BasePermission):
    """DRF permission: the requester holds one of ``codes`` somewhere, and on the object's org unit.

    ``permission_classes = [RolePermission.for_roles("township_official", "village_secretary")]``.
    Querysets must still be scoped (``scope_q``/``units_for``): this class refuses, it does not filter.
    """

    codes: tuple[str, ...] = ()

    @classmethod
    def for_roles(cls, *codes: str) -> type[RolePermission]:
        return type(f"RolePermission_{'_'.join(codes) or 'admin'}", (cls,), {"codes": codes})

    def has_permission(self, request, view) -> bool:
        return has_role(request.user, *self.codes)

    def has_object_permission(self, request, view, obj) -> bool:
        unit = _org_unit_of(obj)
        return unit is None or has_role(request.user, *self.codes, org_unit=unit)
