"""Pages of evidence: a target's evidence panel (list + upload, htmx-friendly) and the file itself.

Files are streamed by a view that checks access, never served from MEDIA_URL: a county's evidence
is not public (attachments of posted notices are served by the notice's public pages).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from cunwu.evidence import access, services, targets
from cunwu.evidence.errors import EvidenceRejected
from cunwu.evidence.forms import UploadForm
from cunwu.evidence.models import EvidenceFile


@login_required
def panel(request: HttpRequest, label: str, pk: str) -> HttpResponse:
    """GET: the target's files; POST: file one more. Returns the panel alone for htmx requests."""
    target = targets.resolve(label, pk)
    if not access.can_attach(request.user, target):
        raise PermissionDenied
    form = UploadForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.attach(
                    data["file"],
                    target=target,
                    actor=request.user,
                    category=data["category"],
                    captured_at=data["captured_at"],
                    note=data["note"],
                )
            except EvidenceRejected as error:
                form.add_error("file", str(error))
                status = 422
            else:
                form = UploadForm()
        else:
            status = 422
    context = {
        "target": target,
        "label": label,
        "files": services.files_for(target).select_related("uploaded_by"),
        "form": form,
    }
    template = "evidence/_panel.html" if request.headers.get("HX-Request") else "evidence/target.html"
    return render(request, template, context, status=status)


@login_required
def download(request: HttpRequest, token) -> FileResponse:
    evidence = get_object_or_404(EvidenceFile, uuid=token)
    if not access.can_view(request.user, evidence):
        raise PermissionDenied
    return FileResponse(
        evidence.file.open("rb"), content_type=evidence.content_type, filename=evidence.original_name
    )
