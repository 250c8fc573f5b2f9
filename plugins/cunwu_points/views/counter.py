"""The supermarket counter: find the passbook (scan its QR code or search), redeem, print a receipt."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from cunwu.roles.permissions import role_required, scope_q
from cunwu_points.errors import PointsError
from cunwu_points.forms import ItemForm
from cunwu_points.models import Item, Passbook, Redemption
from cunwu_points.scoping import OPERATOR, villages_for
from cunwu_points.services import supermarket
from cunwu_points.services.passbooks import figures
from cunwu_points.views.common import page_of


def _passbooks(request: HttpRequest):
    return Passbook.objects.filter(
        scope_q(request.user, OPERATOR, path_field="book__village__path"), book__closed_at__isnull=True
    ).select_related("book__village", "book__redemption_account", "account", "resident", "household__head")


@role_required(OPERATOR)
def counter(request: HttpRequest) -> HttpResponse:
    """Scanning the QR code opens this page with ``?token=``; the name search finds the others."""
    token = request.GET.get("token", "").strip()
    q = request.GET.get("q", "").strip()
    passbook = _passbooks(request).filter(token=token).first() if token else None
    matches = []
    if q and passbook is None:
        matches = list(
            _passbooks(request).filter(Q(resident__name__contains=q) | Q(household__head__name__contains=q))[
                :20
            ]
        )
    context = {"token": token, "q": q, "passbook": passbook, "matches": matches}
    if passbook is not None:
        context.update(
            figures=figures(passbook),
            catalogue=supermarket.catalogue_for(passbook.book.village),
            key=uuid.uuid4().hex,  # one per rendered form: a double click or a retry redeems once
        )
    return render(request, "cunwu_points/counter.html", context)


@role_required(OPERATOR)
def redeem(request: HttpRequest, token: str) -> HttpResponse:
    if request.method != "POST":
        return redirect(f"{reverse('points:counter')}?token={token}")
    passbook = get_object_or_404(_passbooks(request), token=token)
    item = get_object_or_404(Item.objects.select_related("org_unit"), pk=request.POST.get("item"))
    try:
        quantity = int(request.POST.get("quantity", "1"))
        redemption = supermarket.redeem(
            passbook, item, quantity=quantity, key=request.POST.get("key", ""), actor=request.user
        )
    except ValueError:
        messages.error(request, _("数量须为正整数。"))
    except PointsError as refused:
        messages.error(request, str(refused))
    else:
        return redirect("points:receipt", pk=redemption.pk)
    return redirect(f"{reverse('points:counter')}?token={token}")


@role_required(OPERATOR)
def receipt(request: HttpRequest, pk: int) -> HttpResponse:
    redemption = get_object_or_404(
        Redemption.objects.filter(
            scope_q(request.user, OPERATOR, path_field="passbook__book__village__path")
        ).select_related(
            "item", "passbook__book__village", "passbook__resident", "passbook__household__head", "operator"
        ),
        pk=pk,
    )
    if request.method == "POST":
        try:
            supermarket.reverse_redemption(
                redemption, reason=request.POST.get("reason", ""), actor=request.user
            )
            messages.success(request, _("已冲正, 积分和库存已退回。"))
        except PointsError as refused:
            messages.error(request, str(refused))
        return redirect("points:receipt", pk=pk)
    return render(
        request,
        "cunwu_points/receipt.html",
        {"redemption": redemption, "figures": figures(redemption.passbook)},
    )


@role_required(OPERATOR)
def catalogue(request: HttpRequest) -> HttpResponse:
    units = villages_for(request.user, OPERATOR)
    form = ItemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        unit = get_object_or_404(units, pk=request.POST.get("org_unit"))
        try:
            supermarket.add_item(unit, actor=request.user, **form.cleaned_data)
        except PointsError as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, _("已上架。"))
            return redirect("points:catalogue")
    items = Item.objects.filter(scope_q(request.user, OPERATOR, path_field="org_unit__path")).select_related(
        "org_unit"
    )
    q = request.GET.get("q", "").strip()
    if q:
        items = items.filter(name__contains=q)
    return render(
        request,
        "cunwu_points/catalogue.html",
        {"form": form, "units": units, "page": page_of(request, items), "q": q},
    )
