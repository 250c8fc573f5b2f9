"""The printable A4 PDF of a notice (WeasyPrint, Noto Serif CJK) with a QR code of its public page.

What is posted on the village notice board is this PDF: a villager scans the QR code, reads the same
notice on the county's site without an account, and sees whether its hash still checks out.
"""

from __future__ import annotations

import base64
import io

import qrcode
from django.db import connection
from django.http import HttpRequest
from django.template.loader import render_to_string

from cunwu.disclosure.models import Notice
from cunwu.disclosure.services import attachments_of

PUBLIC_SCHEME = "http"


def public_url(notice: Notice, request: HttpRequest | None = None) -> str:
    """Absolute URL of the notice's public page: from the request's host, else the county's primary domain."""
    path = notice.get_public_url()
    if request is not None:
        return request.build_absolute_uri(path)
    domain = connection.tenant.domains.filter(is_primary=True).first() or connection.tenant.domains.first()
    return f"{PUBLIC_SCHEME}://{domain.domain}{path}"


def qr_data_uri(text: str) -> str:
    """A PNG QR code of ``text`` as a data URI (error correction M: survives a crumpled printout)."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=8, border=2)
    code.add_data(text)
    code.make(fit=True)
    out = io.BytesIO()
    code.make_image().save(out, format="PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode("ascii")


def _image_data_uri(evidence) -> str:
    with evidence.file.open("rb") as handle:
        return f"data:{evidence.content_type};base64," + base64.b64encode(handle.read()).decode("ascii")


def render_pdf(notice: Notice, *, request: HttpRequest | None = None) -> bytes:
    # Imported here: WeasyPrint takes ~3 s to import, which every process would otherwise pay at start.
    from weasyprint import HTML

    url = public_url(notice, request)
    attachments = list(attachments_of(notice))
    html = render_to_string(
        "disclosure/notice_print.html",
        {
            "notice": notice,
            "public_url": url,
            "qr": qr_data_uri(url),
            "attachments": attachments,
            "images": [(a, _image_data_uri(a)) for a in attachments if a.is_image],
            "org_units": notice.org_unit.ancestors_and_self(),
            "newer": notice.latest_version() if notice.is_superseded else None,
        },
    )
    return HTML(string=html).write_pdf()
