"""The filters of the audit log, shared by its page, its export and its REST endpoint."""

from __future__ import annotations

import django_filters
from django import forms
from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from cunwu.audit.models import AuditEntry


def _target_type_choices() -> list[tuple[str, str]]:
    used = AuditEntry.objects.exclude(target_type=None).values_list("target_type", flat=True).distinct()
    types = ContentType.objects.filter(pk__in=used).order_by("app_label", "model")
    return [(f"{t.app_label}.{t.model}", f"{t.app_label}.{t.model}") for t in types]


DATE_INPUT = forms.DateInput(attrs={"type": "date"})


class AuditEntryFilter(django_filters.FilterSet):
    actor = django_filters.CharFilter(field_name="actor_name", lookup_expr="icontains", label=_("操作人"))
    actor_id = django_filters.NumberFilter(field_name="actor_id", label=_("操作人ID"))
    action = django_filters.CharFilter(field_name="action", lookup_expr="icontains", label=_("操作"))
    target_type = django_filters.ChoiceFilter(
        choices=_target_type_choices, method="filter_target_type", label=_("对象类型")
    )
    target_id = django_filters.CharFilter(field_name="target_id", label=_("对象ID"))
    date_from = django_filters.DateFilter(
        field_name="created_at", lookup_expr="date__gte", label=_("起始日期"), widget=DATE_INPUT
    )
    date_to = django_filters.DateFilter(
        field_name="created_at", lookup_expr="date__lte", label=_("截止日期"), widget=DATE_INPUT
    )

    class Meta:
        model = AuditEntry
        fields: list[str] = []

    @property
    def form(self) -> forms.Form:
        """The filter form, with Bootstrap's classes on its inputs."""
        form = super().form
        for field in form.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)
        return form

    def filter_target_type(
        self, queryset: QuerySet[AuditEntry], name: str, value: str
    ) -> QuerySet[AuditEntry]:
        app_label, _dot, model = value.partition(".")
        return queryset.filter(target_type__app_label=app_label, target_type__model=model)
