"""The revise form: the village's current table as a formset, one row per rule, "停用" switches one off.

The form checks only what a browser can get wrong (types, lengths, the code's characters); the table as a
whole (codes unique, points not zero, not empty) is checked by ``revise_village_table`` itself, so the
pages and the API refuse the same tables with the same words.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from cunwu_points.models import PERIODS, Rule

PREFIX = "rules"


def _label(name: str) -> str:
    return Rule._meta.get_field(name).verbose_name


class RuleRowForm(forms.Form):
    code = forms.CharField(
        label=_label("code"),
        max_length=40,
        validators=[RegexValidator(r"^[a-z0-9_-]+$", _("只能用小写字母、数字、- 和 _"))],
    )
    behaviour = forms.CharField(label=_label("behaviour"), max_length=200)
    points = forms.DecimalField(label=_label("points"), max_digits=8, decimal_places=2)
    category = forms.CharField(label=_label("category"), max_length=50, required=False)
    evidence_required = forms.BooleanField(label=_label("evidence_required"), required=False)
    limit_per_period = forms.IntegerField(label=_label("limit_per_period"), min_value=1, required=False)
    limit_period = forms.ChoiceField(label=_label("limit_period"), choices=PERIODS, initial="year")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            css = "form-check-input" if name == "evidence_required" else "form-control form-control-sm"
            if name == "limit_period":
                css = "form-select form-select-sm"
            field.widget.attrs.update({"class": css, "aria-label": str(field.label)})


class BaseRuleTableFormSet(forms.BaseFormSet):
    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("停用")
            form.fields["DELETE"].widget.attrs.update({"class": "form-check-input", "aria-label": _("停用")})

    def table(self) -> list[dict[str, Any]]:
        """The rows kept, as ``revise_village_table`` takes them (blank added rows are left out)."""
        deleted = set(map(id, self.deleted_forms))
        return [
            {name: value for name, value in form.cleaned_data.items() if name != "DELETE"}
            for form in self.forms
            if form.cleaned_data and id(form) not in deleted
        ]


RuleTableFormSet = forms.formset_factory(
    RuleRowForm, formset=BaseRuleTableFormSet, extra=1, can_delete=True, max_num=500, validate_max=True
)


def formset_for(table: list[dict[str, Any]], data: Any = None) -> BaseRuleTableFormSet:
    """The formset of a version's ``table`` (as stored on :class:`RuleVersion`), bound to ``data`` if given."""
    initial = [{**row, "limit_period": row.get("limit_period") or "year"} for row in table]
    return RuleTableFormSet(data, initial=initial, prefix=PREFIX)
