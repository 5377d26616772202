"""Change history: every change to an episode, child, assessment or plan keeps who, when, before, after.

Services call ``history_save(instance, user=…)`` instead of ``instance.save()`` (it reads the stored row,
saves, and writes a ``ChangeRecord`` of the fields that changed, in the caller's transaction). There is
no ``post_save`` signal: a ``QuerySet.update()`` sends none, so bulk changes MUST go through
``history_bulk_update(queryset, user=…, **values)``, which records every row it changes.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone

from misper.audit.models import ChangeRecord

SKIP_FIELDS = frozenset({"updated_at"})


def history_snapshot(instance: models.Model) -> dict[str, Any]:
    """The instance's concrete field values (foreign keys as ids), JSON-safe."""
    values = {
        f.attname: getattr(instance, f.attname)
        for f in instance._meta.concrete_fields
        if f.attname not in SKIP_FIELDS and not isinstance(f, models.FileField)
    }
    return json.loads(json.dumps(values, cls=DjangoJSONEncoder))


def _stored(instance: models.Model) -> dict[str, Any] | None:
    row = type(instance)._default_manager.filter(pk=instance.pk).first() if instance.pk else None
    return history_snapshot(row) if row is not None else None


def history_record(
    *, instance: models.Model, before: dict[str, Any] | None, user: Any, action: str = "change"
) -> ChangeRecord | None:
    """Record the fields whose value differs between ``before`` and the instance now (None if none)."""
    after = history_snapshot(instance)
    before = before or {}
    changes = {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}
    if not changes:
        return None
    return ChangeRecord.objects.create(
        at=timezone.now(),
        user=user if getattr(user, "pk", None) else None,
        username=getattr(user, "username", "") or "",
        record_type=instance._meta.model_name or "",
        record_id=str(instance.pk),
        action=action,
        changes=changes,
    )


def history_save(instance: models.Model, *, user: Any, **save_kwargs: Any) -> None:
    """Save ``instance`` and record what changed. Call inside the service's transaction."""
    with transaction.atomic():
        before = _stored(instance)
        instance.save(**save_kwargs)
        history_record(instance=instance, before=before, user=user, action="change" if before else "create")


def history_bulk_update(queryset: models.QuerySet[Any], *, user: Any, **values: Any) -> int:
    """``queryset.update(**values)`` with one ChangeRecord per changed row. Returns the rows changed."""
    with transaction.atomic():
        rows = list(queryset.select_for_update())
        befores = {r.pk: history_snapshot(r) for r in rows}
        count = queryset.model._default_manager.filter(pk__in=befores).update(**values)
        for row in queryset.model._default_manager.filter(pk__in=befores):
            history_record(instance=row, before=befores[row.pk], user=user, action="bulk_change")
        return count
