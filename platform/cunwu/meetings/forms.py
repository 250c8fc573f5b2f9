"""Forms of the meeting pages; the services do the refusing, the forms only shape the input."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cunwu.meetings.models import Attendance, Decision, Meeting
from cunwu.meetings.selectors import manageable_bodies, village_residents
from cunwu.orgs.models import Body, Resident


class BootstrapForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)


class ScheduleForm(BootstrapForm):
    body = forms.ModelChoiceField(queryset=Body.objects.none(), label=_("机构"))
    held_on = forms.DateField(label=_("会议日期"), widget=forms.DateInput(attrs={"type": "date"}))
    place = forms.CharField(label=_("地点"), max_length=200)
    agenda = forms.CharField(label=_("议题"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bodies = manageable_bodies(user)
        self.fields["body"].queryset = bodies
        self.fields["body"].label_from_instance = lambda body: f"{body.org_unit.name} · {body.name}"


class MinutesForm(BootstrapForm):
    text = forms.CharField(label=_("会议记录"), widget=forms.Textarea(attrs={"rows": 10}))


class DecisionForm(BootstrapForm):
    title = forms.CharField(label=_("表决事项"), max_length=200)
    votes_for = forms.IntegerField(label=_("赞成"), min_value=0)
    votes_against = forms.IntegerField(label=_("反对"), min_value=0)
    abstentions = forms.IntegerField(label=_("弃权"), min_value=0)
    majority = forms.ChoiceField(label=_("通过规则"), choices=Decision.Majority.choices)


class SignInForm(forms.Form):
    residents = forms.ModelMultipleChoiceField(queryset=Resident.objects.none(), label=_("签到人员"))
    via = forms.ChoiceField(choices=Attendance.Via.choices, required=False, label=_("签到方式"))

    def __init__(self, *args: Any, meeting: Meeting, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["residents"].queryset = village_residents(meeting)

    def clean_via(self) -> str:
        return self.cleaned_data["via"] or Attendance.Via.ON_SITE
