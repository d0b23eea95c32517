"""audit_record / audit_records: the one way anything is added to the audit trail.

Call them from the service that makes the change, inside its transaction, so the record
and the change commit (or roll back) together."""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db import models

from audit.models import AuditRecord

NOTE_MAX = AuditRecord._meta.get_field("note").max_length


@dataclass(frozen=True)
class Change:
    """One change to record: `target` (a saved model instance, or a (model, pk) pair when
    only the id is at hand), what happened, and the fields before and after."""

    target: models.Model | tuple[type[models.Model], int]
    action: str
    before: dict = field(default_factory=dict)
    after: dict = field(default_factory=dict)


def _actor(by):
    # A service may be called with no user (the system) or, defensively, an anonymous one.
    return by if by is not None and getattr(by, "is_authenticated", False) else None


def _row(change: Change, *, by, note: str) -> AuditRecord:
    if isinstance(change.target, tuple):
        model, pk = change.target
    else:
        model, pk = type(change.target), change.target.pk
    return AuditRecord(
        by=_actor(by),
        content_type=ContentType.objects.get_for_model(model),  # cached after the first
        object_id=pk,
        action=change.action,
        before=change.before,
        after=change.after,
        note=note[:NOTE_MAX],
    )


def audit_record(
    *,
    target,
    action: str,
    by=None,
    before: dict | None = None,
    after: dict | None = None,
    note: str = "",
) -> AuditRecord:
    """Record one change of `target` made by `by` (a user, or None for the shop itself)."""
    row = _row(Change(target, action, before or {}, after or {}), by=by, note=note)
    row.save()
    return row


def audit_records(*, changes: Iterable[Change], by=None, note: str = "") -> list[AuditRecord]:
    """Record several changes made together (a checkout's stock lines) in one INSERT."""
    rows = [_row(change, by=by, note=note) for change in changes]
    return AuditRecord.objects.bulk_create(rows) if rows else []
