"""Name any object as ``<app_label>.<model>`` + primary key, the way URLs and the API address targets."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.http import Http404


def label_of(target: models.Model) -> str:
    meta = target._meta
    return f"{meta.app_label}.{meta.model_name}"


def resolve(label: str, pk: str) -> models.Model:
    """The object named by ``label`` and ``pk`` in the current county; 404 when there is none."""
    app_label, _, model = label.partition(".")
    try:
        content_type = ContentType.objects.get_by_natural_key(app_label, model)
        found = content_type.get_object_for_this_type(pk=pk)
    except (ContentType.DoesNotExist, ValueError, TypeError, AttributeError) as exc:
        raise Http404(label) from exc
    except models.ObjectDoesNotExist as exc:
        raise Http404(f"{label}:{pk}") from exc
    return found
