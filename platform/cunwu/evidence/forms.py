"""The upload form of the evidence panel; the file is checked by content in the service, not here."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from cunwu.evidence.models import EvidenceFile


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("文件(照片或 PDF)"), widget=forms.ClearableFileInput(attrs={"class": "form-control"})
    )
    category = forms.ChoiceField(
        label=_("类别"),
        choices=[("", _("未分类")), *EvidenceFile.Category.choices],
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    captured_at = forms.DateTimeField(
        label=_("拍摄时间"),
        required=False,
        help_text=_("照片自带拍摄时间时以照片为准"),
        widget=forms.DateTimeInput(attrs={"class": "form-control", "type": "datetime-local"}),
    )
    note = forms.CharField(
        label=_("说明"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
