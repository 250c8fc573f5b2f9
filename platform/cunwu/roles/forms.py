"""Forms of the people & roles page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from cunwu.orgs.models import OrgUnit, Resident
from cunwu.roles.catalogue import roles_for


class GrantForm(forms.Form):
    user = forms.ModelChoiceField(
        label=_("用户"),
        queryset=get_user_model().objects.none(),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    role = forms.ChoiceField(label=_("角色"), widget=forms.Select(attrs={"class": "form-select"}))
    org_unit = forms.ModelChoiceField(
        label=_("范围"),
        queryset=OrgUnit.objects.none(),
        required=False,
        empty_label=_("全县"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = get_user_model().objects.filter(is_active=True).order_by("username")
        self.fields["role"].choices = [(r.code, f"{r.name}({r.code})") for r in roles_for().values()]
        self.fields["org_unit"].queryset = OrgUnit.objects.order_by("path")
        self.fields["org_unit"].label_from_instance = lambda unit: unit.path.count("/") * "　" + unit.name


class AccountForm(forms.Form):
    username = forms.SlugField(
        label=_("用户名"), max_length=150, widget=forms.TextInput(attrs={"class": "form-control"})
    )
    display_name = forms.CharField(
        label=_("姓名"),
        max_length=50,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    password = forms.CharField(
        label=_("初始密码"), min_length=8, widget=forms.PasswordInput(attrs={"class": "form-control"})
    )
    resident_id_card = forms.CharField(
        label=_("对应村民身份证号(村民账号填写)"),
        max_length=18,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )

    def clean_resident_id_card(self) -> int | None:
        number = self.cleaned_data["resident_id_card"].strip()
        if not number:
            return None
        resident = Resident.objects.with_id_card(number).first()
        if resident is None:
            raise forms.ValidationError(_("没有这个身份证号的村民"))
        return resident.pk
