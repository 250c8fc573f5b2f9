"""``@audited``: record changes made to a model in views (model forms, admin-like pages) automatically.

Explicit :func:`cunwu.audit.services.record` calls in services remain the main path; this decorator is
for models edited directly through forms, where no service function exists. It records only while a
request is being served (the acting person is the request's user), so a service that records its own
entry and runs outside a view is not recorded twice — do not mark a model whose changes all go through
services.

    @audited
    class Notice(models.Model): ...
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models
from django.db.models.signals import post_delete, post_save, pre_save

from cunwu.audit import request_info, services

ModelT = TypeVar("ModelT", bound=type[models.Model])

_audited_models: set[type[models.Model]] = set()


def is_audited(model: type[models.Model]) -> bool:
    return model in _audited_models


def _acting_user() -> Any:
    request = request_info.current_request()
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def _action(instance: models.Model, verb: str) -> str:
    meta = instance._meta
    return f"{meta.app_label}.{meta.model_name}.{verb}"


def _remember_before(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    if instance.pk is None or _acting_user() is None:
        return
    old = sender._default_manager.filter(pk=instance.pk).first()
    instance._audit_before = services.snapshot(old) if old is not None else None


def _record_save(sender: type[models.Model], instance: models.Model, created: bool, **kwargs: Any) -> None:
    actor = _acting_user()
    if actor is None:
        return
    before = None if created else instance.__dict__.pop("_audit_before", None)
    services.record(
        actor=actor,
        action=_action(instance, "create" if created else "update"),
        target=instance,
        before=before,
        after=services.snapshot(instance),
    )


def _record_delete(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    actor = _acting_user()
    if actor is not None:
        services.record(
            actor=actor,
            action=_action(instance, "delete"),
            target=instance,
            before=services.snapshot(instance),
        )


def audited(model: ModelT) -> ModelT:
    """Class decorator: saves and deletes of ``model`` made during a request are written to the trail."""
    uid = f"cunwu.audit:{model._meta.label}"
    pre_save.connect(_remember_before, sender=model, dispatch_uid=uid, weak=False)
    post_save.connect(_record_save, sender=model, dispatch_uid=uid, weak=False)
    post_delete.connect(_record_delete, sender=model, dispatch_uid=uid, weak=False)
    _audited_models.add(model)
    return model
