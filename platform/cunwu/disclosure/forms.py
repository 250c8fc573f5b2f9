"""Forms of the staff pages: post a notice, correct one; and the filters of the public portal."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cunwu.orgs.models import OrgUnit


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented pattern); validation by content is the service's job."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"class": "form-control"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None) -> list:
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data]
        return [super().clean(data, initial)] if data else []


class NoticeForm(forms.Form):
    org_unit = forms.ModelChoiceField(
        label=_("公示单位"),
        queryset=OrgUnit.objects.none(),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    kind = forms.CharField(
        label=_("类别"),
        max_length=50,
        required=False,
        help_text=_("如:项目方案、资金使用、竞岗结果、积分排名"),
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    title = forms.CharField(
        label=_("标题"), max_length=200, widget=forms.TextInput(attrs={"class": "form-control"})
    )
    body = forms.CharField(
        label=_("正文"), widget=forms.Textarea(attrs={"class": "form-control", "rows": 10})
    )
    min_days = forms.IntegerField(
        label=_("公示天数"),
        min_value=1,
        max_value=366,
        initial=7,
        widget=forms.NumberInput(attrs={"class": "form-control"}),
    )
    attachments = MultipleFileField(
        label=_("附件(照片或 PDF)"), required=False, help_text=_("JPEG、PNG、WebP 图片或 PDF 文件")
    )

    def __init__(self, *args: Any, units=None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = units if units is not None else OrgUnit.objects.none()


class SupersedeForm(forms.Form):
    title = forms.CharField(
        label=_("标题"), max_length=200, widget=forms.TextInput(attrs={"class": "form-control"})
    )
    body = forms.CharField(
        label=_("正文"), widget=forms.Textarea(attrs={"class": "form-control", "rows": 10})
    )
    reason = forms.CharField(
        label=_("更正原因"), max_length=500, widget=forms.TextInput(attrs={"class": "form-control"})
    )


STATUS_CHOICES = [("", _("全部")), ("current", _("公示中")), ("ended", _("已结束"))]


class PortalFilterForm(forms.Form):
    township = forms.ModelChoiceField(
        label=_("乡镇"),
        queryset=OrgUnit.objects.filter(level=OrgUnit.Level.TOWNSHIP),
        required=False,
        empty_label=_("全部乡镇"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    village = forms.ModelChoiceField(
        label=_("村(社区)"),
        queryset=OrgUnit.objects.filter(level=OrgUnit.Level.VILLAGE),
        required=False,
        empty_label=_("全部村(社区)"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    status = forms.ChoiceField(
        label=_("状态"),
        choices=STATUS_CHOICES,
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    q = forms.CharField(
        label=_("搜索"),
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control", "type": "search"}),
    )
