"""The audit trail: every service that changes something calls log_action in its transaction."""

from __future__ import annotations

import datetime as dt
import decimal
from typing import Any

from django.db import models

from thidua.core.models import AuditEntry

# Readable names of actions for the audit lists (the admin's); each app adds its own in
# AppConfig.ready(). An action without one is shown by its code.
ACTION_LABELS: dict[str, Any] = {}


def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))


def _plain(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_plain(v) for v in value]
    return value


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for the fields whose value changed."""
    return {
        key: [_plain(before.get(key)), _plain(after.get(key))]
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    }


def log_action(
    *,
    actor,
    action: str,
    obj: models.Model,
    changes: dict[str, Any] | None = None,
    reason: str = "",
) -> AuditEntry:
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:300],
        changes=_plain(changes or {}),
        reason=reason,
    )
