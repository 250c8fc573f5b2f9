"""Forms of the project pages; they only validate input; the services decide and change state."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from cunwu.orgs.models import OrgUnit, Resident
from cunwu_projects.params import CATEGORIES


class Styled(forms.Form):
    """Bootstrap classes on every widget, so templates render fields with one loop."""

    def __init__(self, *args, **kwargs):
        # Several forms share a page: ids carry the form's name so that each label finds its own field.
        kwargs.setdefault("auto_id", f"id_{type(self).__name__.lower()}_%s")
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple):
                continue
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            widget.attrs.setdefault("class", css)


class StartForm(Styled):
    village = forms.ModelChoiceField(OrgUnit.objects.none(), label=_("村/社区"))
    title = forms.CharField(label=_("项目名称"), max_length=100)
    category = forms.ChoiceField(label=_("类别"), choices=list(CATEGORIES.items()))
    location = forms.CharField(label=_("地点"), max_length=200)
    budget = forms.DecimalField(label=_("预算(元)"), max_digits=14, decimal_places=2, min_value=0)

    def __init__(self, *args, villages=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = villages if villages is not None else OrgUnit.objects.none()


class DocumentForm(Styled):
    document = forms.ChoiceField(label=_("材料"))
    file = forms.FileField(label=_("文件(PDF或照片)"))

    def __init__(self, *args, documents=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document"].choices = [(d, d) for d in documents]


class MeetingForm(Styled):
    held_on = forms.DateField(
        label=_("会议日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    place = forms.CharField(label=_("地点"), max_length=200)
    agenda = forms.CharField(label=_("议题"))
    attendees = forms.ModelMultipleChoiceField(
        Resident.objects.none(), label=_("签到人员"), widget=forms.CheckboxSelectMultiple
    )
    minutes = forms.CharField(label=_("会议记录"), widget=forms.Textarea(attrs={"rows": 3}))
    votes_for = forms.IntegerField(label=_("赞成"), min_value=0, initial=0)
    votes_against = forms.IntegerField(label=_("反对"), min_value=0, initial=0)
    abstentions = forms.IntegerField(label=_("弃权"), min_value=0, initial=0)

    def __init__(self, *args, members=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = members if members is not None else Resident.objects.none()


class ElectionForm(Styled):
    kind = forms.ChoiceField(
        label=_("小组"), choices=[("finance_group", _("理财小组")), ("quality_group", _("质量监督小组"))]
    )
    members = forms.ModelMultipleChoiceField(
        Resident.objects.none(), label=_("当选成员"), widget=forms.SelectMultiple(attrs={"size": 6})
    )
    method = forms.CharField(label=_("选举办法"), max_length=200)

    def __init__(self, *args, residents=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = residents if residents is not None else Resident.objects.none()


class NoticeForm(Styled):
    title = forms.CharField(label=_("公示标题"), max_length=200)
    body = forms.CharField(label=_("公示内容"), widget=forms.Textarea(attrs={"rows": 4}))


class ReviewForm(Styled):
    outcome = forms.ChoiceField(
        label=_("结论"), choices=[("approved", _("同意")), ("changes_requested", _("退回修改"))]
    )
    opinion = forms.CharField(label=_("意见"), widget=forms.Textarea(attrs={"rows": 3}))


class CompleteForm(Styled):
    override_reason = forms.CharField(
        label=_("越过理由(仅在条件未满足且有权越过时填写)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class PhotoForm(Styled):
    place = forms.CharField(label=_("拍摄位置"), max_length=100)
    phase = forms.ChoiceField(
        label=_("阶段"), choices=[("before", _("实施前")), ("during", _("实施中")), ("after", _("实施后"))]
    )
    file = forms.ImageField(label=_("照片"))


class ExpenseForm(Styled):
    spent_on = forms.DateField(
        label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    item = forms.CharField(label=_("用途"), max_length=200)
    amount = forms.DecimalField(label=_("金额(元)"), max_digits=14, decimal_places=2)


class ProgressForm(Styled):
    percent = forms.IntegerField(label=_("进度(%)"), min_value=0, max_value=100)


class DisclosureForm(Styled):
    month = forms.DateField(
        label=_("公示月份"),
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        input_formats=["%Y-%m", "%Y-%m-%d"],
    )


class PostForm(Styled):
    title = forms.CharField(label=_("岗位"), max_length=100)
    duties = forms.CharField(label=_("职责"))
    monthly_pay = forms.DecimalField(label=_("岗位工资(元/月)"), max_digits=14, decimal_places=2, min_value=0)
    openings = forms.IntegerField(label=_("人数"), min_value=1, initial=1)


class RoundForm(Styled):
    village = forms.ModelChoiceField(OrgUnit.objects.none(), label=_("村/社区"))
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("名称"), max_length=100)

    def __init__(self, *args, villages=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = villages if villages is not None else OrgUnit.objects.none()


class ProposalForm(Styled):
    group = forms.ModelChoiceField(OrgUnit.objects.none(), label=_("村民小组(社)"))
    title = forms.CharField(label=_("项目名称"), max_length=100)
    category = forms.ChoiceField(label=_("类别"), choices=list(CATEGORIES.items()))
    location = forms.CharField(label=_("地点"), max_length=200)
    estimated_budget = forms.DecimalField(label=_("预算(元)"), max_digits=14, decimal_places=2, min_value=0)
    description = forms.CharField(
        label=_("内容与实施方法"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, groups=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = groups if groups is not None else OrgUnit.objects.none()


class SelfAssessmentForm(Styled):
    village = forms.ModelChoiceField(OrgUnit.objects.none(), label=_("村/社区"))
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    summary = forms.CharField(label=_("现状概述"), widget=forms.Textarea(attrs={"rows": 2}))
    items = forms.CharField(
        label=_("自查事项"),
        required=False,
        help_text=_("每行一项:方面|现状|需求,例如 道路|三社村道破损2公里|硬化维修"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, villages=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = villages if villages is not None else OrgUnit.objects.none()

    def clean_items(self) -> list[dict[str, str]]:
        items = []
        for line in self.cleaned_data["items"].splitlines():
            if not line.strip():
                continue
            parts = [part.strip() for part in line.split("|")]
            if len(parts) != 3 or not parts[0]:
                raise forms.ValidationError(_("每行须为“方面|现状|需求”:%(line)s") % {"line": line})
            items.append(dict(zip(("area", "state", "need"), parts, strict=True)))
        return items


class ConfirmForm(Styled):
    """A button without fields (hand over posts, close a round); CSRF is checked by the middleware."""
