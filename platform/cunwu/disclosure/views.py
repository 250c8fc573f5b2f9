"""Pages of 公示: the staff's list, posting, detail and correction; the county's public portal.

The public pages (``public_*``) need no account: posted notices and their attachments are public by
nature. Everything else checks roles and the user's org-unit scope.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from cunwu.disclosure import exports, printing, services
from cunwu.disclosure.forms import NoticeForm, PortalFilterForm, SupersedeForm
from cunwu.disclosure.models import Notice
from cunwu.disclosure.selectors import VIEW_ROLES, filter_notices, staff_notices, with_state
from cunwu.evidence.errors import EvidenceRejected
from cunwu.orgs.models import OrgUnit
from cunwu.roles.permissions import role_required, units_for

PAGE_SIZE = 20


def _page(request: HttpRequest, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _query_without_page(request: HttpRequest) -> str:
    return urlencode([(k, v) for k, v in request.GET.items() if k != "page" and v])


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, problems in error.message_dict.items():
            form.add_error(field if field in form.fields else None, problems)
    else:
        form.add_error(None, error.messages)


# --- staff pages -----------------------------------------------------------------------------------


@role_required(*VIEW_ROLES)
def index(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    status = request.GET.get("status", "")
    units = units_for(request.user, *VIEW_ROLES).exclude(level=OrgUnit.Level.GROUP)
    unit_id = request.GET.get("unit", "")
    unit = units.filter(pk=unit_id).first() if unit_id.isdigit() else None
    notices = filter_notices(staff_notices(request.user), unit=unit, status=status, q=q)
    if request.GET.get("format") == "xlsx":
        return exports.notices_workbook_response(notices)
    return render(
        request,
        "disclosure/index.html",
        {
            "page": _page(request, notices),
            "q": q,
            "status": status,
            "units": units,
            "unit": unit,
            "query": _query_without_page(request),
            "can_post": units_for(request.user, *services.POSTER_ROLES).exists(),
        },
    )


@role_required(*services.POSTER_ROLES)
def create(request: HttpRequest) -> HttpResponse:
    units = units_for(request.user, *services.POSTER_ROLES)
    form = NoticeForm(request.POST or None, request.FILES or None, units=units)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            notice = services.post_notice(
                org_unit=data["org_unit"],
                kind=data["kind"],
                title=data["title"],
                body=data["body"],
                min_days=data["min_days"],
                attachments=data["attachments"],
                actor=request.user,
            )
        except ValidationError as error:
            _add_errors(form, error)
        except EvidenceRejected as error:
            form.add_error("attachments", str(error))
        else:
            messages.success(request, _("公示已发布,发布后不可修改。"))
            return redirect(notice)
    return render(request, "disclosure/form.html", {"form": form, "heading": _("发布公示")})


def _staff_notice(request: HttpRequest, pk: int) -> Notice:
    return get_object_or_404(staff_notices(request.user), pk=pk)


@role_required(*VIEW_ROLES)
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    notice = _staff_notice(request, pk)
    return render(request, "disclosure/detail.html", _detail_context(request, notice, public=False))


@role_required(*services.POSTER_ROLES)
def supersede(request: HttpRequest, pk: int) -> HttpResponse:
    notice = _staff_notice(request, pk)
    if not services.can_post(request.user, notice.org_unit):
        raise PermissionDenied
    if notice.corrected:
        messages.warning(request, _("该公示已被更正,请更正最新的公示。"))
        return redirect(notice.latest_version())
    initial = {"title": notice.title, "body": notice.body}
    form = SupersedeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            new = services.supersede(notice, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("更正公示已发布,原公示已标注“已更正”。"))
            return redirect(new)
    return render(request, "disclosure/form.html", {"form": form, "heading": _("更正公示"), "notice": notice})


# --- public pages (no account) ---------------------------------------------------------------------------


def _public_notices():
    return with_state(Notice.objects.filter(starts_at__lte=timezone.now()))


def _detail_context(request: HttpRequest, notice: Notice, *, public: bool) -> dict:
    return {
        "notice": notice,
        "public": public,
        "attachments": services.attachments_of(notice),
        "verified": services.verify_notice(notice),
        "newer": notice.latest_version() if notice.corrected else None,
        "public_url": printing.public_url(notice, request),
        "can_supersede": not public and services.can_post(request.user, notice.org_unit),
    }


@require_GET
def public_index(request: HttpRequest) -> HttpResponse:
    form = PortalFilterForm(request.GET or None)
    notices = _public_notices()
    if form.is_valid():
        data = form.cleaned_data
        notices = filter_notices(
            notices, unit=data["village"] or data["township"], status=data["status"], q=data["q"]
        )
    return render(
        request,
        "disclosure/public_index.html",
        {"form": form, "page": _page(request, notices)},
    )


def _public_notice(token) -> Notice:
    return get_object_or_404(_public_notices(), uuid=token)


@require_GET
def public_detail(request: HttpRequest, token) -> HttpResponse:
    notice = _public_notice(token)
    return render(request, "disclosure/detail.html", _detail_context(request, notice, public=True))


@require_GET
def public_pdf(request: HttpRequest, token) -> HttpResponse:
    notice = _public_notice(token)
    response = HttpResponse(printing.render_pdf(notice, request=request), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="notice-{notice.uuid}.pdf"'
    return response


@require_GET
def public_attachment(request: HttpRequest, token, file_token) -> FileResponse:
    """An attachment of a posted notice: public like the notice itself."""
    notice = _public_notice(token)
    item = get_object_or_404(services.attachments_of(notice), uuid=file_token)
    return FileResponse(item.file.open("rb"), content_type=item.content_type, filename=item.original_name)
