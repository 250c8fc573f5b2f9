"""The villager's pages: the passbook (phone, print, QR code), past years, and claims (申报)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cunwu.orgs.models import Resident
from cunwu.roles.permissions import has_role
from cunwu_points.errors import PointsError
from cunwu_points.forms import ClaimForm
from cunwu_points.models import Passbook
from cunwu_points.scoping import STAFF, own_passbooks_q
from cunwu_points.services import events
from cunwu_points.services.passbooks import figures, passbook_for, village_of
from cunwu_points.views.common import qr_svg


def _resident(request: HttpRequest) -> Resident:
    if not request.user.resident_id:
        raise PermissionDenied(_("您的账号没有关联村民信息。"))
    return get_object_or_404(
        Resident.objects.select_related("household", "group"), pk=request.user.resident_id
    )


@login_required
def my_passbook(request: HttpRequest) -> HttpResponse:
    """The villager's passbook of this year (opened at zero on the first visit of a new year)."""
    try:
        passbook = passbook_for(_resident(request), timezone.localdate().year)
    except PointsError as refused:
        messages.error(request, str(refused))
        return redirect("web:home")
    return redirect("points:passbook", token=passbook.token)


@login_required
def passbook(request: HttpRequest, token: str) -> HttpResponse:
    found = get_object_or_404(
        Passbook.objects.select_related("book__village", "account", "resident", "household__head"),
        token=token,
    )
    own = Passbook.objects.filter(own_passbooks_q(request.user), pk=found.pk).exists()
    if not own and not has_role(request.user, *STAFF, org_unit=found.book.village):
        raise PermissionDenied
    scan_url = request.build_absolute_uri(reverse("points:counter") + f"?token={found.token}")
    holder = {"resident": found.resident} if found.resident_id else {"household": found.household}
    return render(
        request,
        "cunwu_points/passbook.html",
        {
            "passbook": found,
            "figures": figures(found),
            "events": found.events.select_related("rule").order_by("-occurred_on", "-id")[:100],
            "redemptions": found.redemptions.select_related("item")[:100],
            "years": Passbook.objects.filter(**holder).select_related("book").order_by("-book__year"),
            "qr": qr_svg(scan_url),
        },
    )


@login_required
def claim(request: HttpRequest) -> HttpResponse:
    resident = _resident(request)
    form = ClaimForm(request.POST or None, request.FILES or None, village=village_of(resident))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            events.submit_claim(
                data["rule"],
                occurred_on=data["occurred_on"],
                note=data["note"],
                photo=data["photo"],
                actor=request.user,
            )
        except PointsError as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, _("已提交, 审核通过后记入存折。"))
            return redirect("points:my_passbook")
    return render(request, "cunwu_points/claim.html", {"form": form})
