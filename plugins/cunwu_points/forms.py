"""Forms of the points pages; choices are limited to the villages the user works in."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cunwu.orgs.models import Resident
from cunwu_points.models import PERIODS, Rule


class RegisterForm(forms.Form):
    resident = forms.ModelChoiceField(queryset=Resident.objects.none(), label=_("村民"))
    rule = forms.ModelChoiceField(queryset=Rule.objects.none(), label=_("评分条目"))
    occurred_on = forms.DateField(
        label=_("发生日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    note = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    photo = forms.ImageField(label=_("现场照片"), required=False)

    def __init__(self, *args, villages, residents, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["occurred_on"].initial = timezone.localdate()
        self.fields["rule"].queryset = Rule.objects.filter(active=True, village__in=villages).select_related(
            "village"
        )
        self.fields["rule"].label_from_instance = lambda r: (
            f"{r.village.name} · {r.behaviour} ({r.points.normalize():+f})"
        )
        self.fields["resident"].queryset = residents


class BulkForm(forms.Form):
    """Everyone at one meeting or activity, one behaviour."""

    residents = forms.ModelMultipleChoiceField(
        queryset=Resident.objects.none(), label=_("参加人员"), widget=forms.CheckboxSelectMultiple
    )
    rule = forms.ModelChoiceField(queryset=Rule.objects.none(), label=_("评分条目"))
    title = forms.CharField(label=_("会议或活动"), max_length=200)
    occurred_on = forms.DateField(
        label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    note = forms.CharField(label=_("说明"), required=False)

    def __init__(self, *args, villages, residents, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["occurred_on"].initial = timezone.localdate()
        self.fields["rule"].queryset = Rule.objects.filter(
            active=True, village__in=villages, evidence_required=False
        ).select_related("village")
        self.fields["rule"].label_from_instance = lambda r: (
            f"{r.village.name} · {r.behaviour} ({r.points.normalize():+f})"
        )
        self.fields["residents"].queryset = residents


class ClaimForm(forms.Form):
    rule = forms.ModelChoiceField(queryset=Rule.objects.none(), label=_("评分条目"))
    occurred_on = forms.DateField(
        label=_("发生日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    note = forms.CharField(label=_("事情经过"), widget=forms.Textarea(attrs={"rows": 3}))
    photo = forms.ImageField(label=_("照片"), required=False)

    def __init__(self, *args, village=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["rule"].queryset = Rule.objects.filter(active=True, village=village, points__gt=0)
        self.fields["occurred_on"].initial = timezone.localdate()


class ItemForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=100)
    description = forms.CharField(label=_("说明"), max_length=300, required=False)
    price = forms.DecimalField(label=_("所需积分"), min_value=0.01, decimal_places=2)
    stock = forms.IntegerField(label=_("库存(不填为不限)"), min_value=0, required=False)
    limit_per_person = forms.IntegerField(label=_("每人限兑(不填为不限)"), min_value=1, required=False)
    limit_period = forms.ChoiceField(label=_("限兑周期"), choices=PERIODS, initial="month")
