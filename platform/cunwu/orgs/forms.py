"""Forms of the organisation pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import FileExtensionValidator
from django.utils.translation import gettext_lazy as _

from cunwu.orgs import scoping
from cunwu.orgs.models import OrgUnit

MAX_UPLOAD_BYTES = 50 * 1024 * 1024


class ResidentSearchForm(forms.Form):
    q = forms.CharField(
        label=_("姓名、身份证号或手机号"),
        required=False,
        max_length=50,
        widget=forms.TextInput(attrs={"class": "form-control", "type": "search"}),
    )
    unit = forms.ModelChoiceField(
        label=_("所属单位"),
        queryset=OrgUnit.objects.none(),
        required=False,
        empty_label=_("全部"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = scoping.visible_units(user).exclude(level=OrgUnit.Level.GROUP)
        self.fields["unit"].label_from_instance = lambda unit: unit.path.count("/") * "　" + unit.name


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("导入文件(.xlsx 或 .csv)"),
        validators=[FileExtensionValidator(["xlsx", "csv"])],
        widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ".xlsx,.csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("文件不能超过50MB"))
        return upload
