"""Forms of the organisation pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import FileExtensionValidator
from django.utils.translation import gettext_lazy as _

from cunwu.orgs import scoping
from cunwu.orgs.models import OrgUnit
from cunwu.roles.permissions import scope_q

MAX_UPLOAD_BYTES = 50 * 1024 * 1024


class ResidentSearchForm(forms.Form):
    """Search by name, or by a whole ID-card or phone number (looked up through its keyed hash)."""

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
    # The keyed hash of a searched ID-card or phone number: what the page puts in URLs instead of the number.
    h = forms.RegexField(regex=r"^[0-9a-f]{64}$", required=False, widget=forms.HiddenInput)

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


class ResidentForm(forms.Form):
    """Registering one resident; the service repeats every check an import makes."""

    name = forms.CharField(
        label=_("姓名"), max_length=50, widget=forms.TextInput(attrs={"class": "form-control"})
    )
    group = forms.ModelChoiceField(
        label=_("村民小组"),
        queryset=OrgUnit.objects.none(),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    id_card = forms.CharField(
        label=_("身份证号"),
        max_length=18,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    phone = forms.CharField(
        label=_("手机号"),
        max_length=11,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    is_party_member = forms.BooleanField(
        label=_("党员"), required=False, widget=forms.CheckboxInput(attrs={"class": "form-check-input"})
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        groups = OrgUnit.objects.filter(
            scope_q(user, *scoping.REGISTRAR_ROLES), level=OrgUnit.Level.GROUP
        ).select_related("parent")
        self.fields["group"].queryset = groups
        self.fields["group"].label_from_instance = lambda group: f"{group.parent.name} {group.name}"
