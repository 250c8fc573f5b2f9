"""Naming the object a meeting or decision is about in requests: ``"app_label.model"`` plus its id."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models

from cunwu.meetings.errors import MeetingError


def label_of(content_type: ContentType | None) -> str:
    return f"{content_type.app_label}.{content_type.model}" if content_type else ""


def resolve_subject(type_label: str, object_id: int | None) -> models.Model | None:
    """The object named by ``type_label``/``object_id``, or ``None`` when neither is given."""
    if not type_label and object_id is None:
        return None
    app_label, _dot, model = type_label.partition(".")
    try:
        content_type = ContentType.objects.get_by_natural_key(app_label, model)
    except ContentType.DoesNotExist:
        raise MeetingError(f"未知的关联对象类型:{type_label}") from None
    model_class = content_type.model_class()
    found = model_class._default_manager.filter(pk=object_id).first() if model_class and object_id else None
    if found is None:
        raise MeetingError(f"找不到关联对象:{type_label} #{object_id}")
    return found
