"""Writing and checking the audit trail's hash chain."""

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from hoso.core.events import AuditAction
from hoso.core.models import AuditChainHead, AuditEvent

GENESIS = "0" * 64


def _digest(*, prev_hash: str, at: str, actor_name: str, action: str, object_type: str, object_id: str,
            summary: str, before: Any, after: Any) -> str:
    payload = json.dumps(
        [prev_hash, at, actor_name, action, object_type, object_id, summary, before, after],
        ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _event_digest(event: AuditEvent) -> str:
    return _digest(prev_hash=event.prev_hash, at=event.at.isoformat(), actor_name=event.actor_name,
                   action=event.action, object_type=event.object_type, object_id=event.object_id,
                   summary=event.summary, before=event.before, after=event.after)


def record_event(*, actor: AbstractBaseUser | None, action: str, obj: Any = None, object_type: str = "",
                 object_id: str = "", summary: str = "", before: Any = None, after: Any = None) -> AuditEvent:
    """Append one event to the chain. Runs inside the caller's transaction (or its own)."""
    action = AuditAction(action).value  # ValueError for an action not declared in core/events.py
    if obj is not None:
        object_type = object_type or obj._meta.model_name
        object_id = object_id or str(obj.pk)
    # Round-trip through JSON so the stored value hashes the same when read back.
    before = json.loads(json.dumps(before, ensure_ascii=False, default=str)) if before is not None else None
    after = json.loads(json.dumps(after, ensure_ascii=False, default=str)) if after is not None else None
    with transaction.atomic():
        head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
        if head is None:
            head = AuditChainHead.objects.create(pk=1, last_hash=GENESIS)
        now = timezone.now()
        event = AuditEvent(
            at=now, actor=actor if actor and actor.pk else None,
            actor_name=(actor.get_username() if actor and actor.pk else "system"),
            action=action, object_type=object_type, object_id=object_id, summary=summary[:300],
            before=before, after=after, prev_hash=head.last_hash,
        )
        event.hash = _event_digest(event)
        event.save()
        head.last_hash = event.hash
        head.save(update_fields=["last_hash"])
    return event


@dataclass(frozen=True)
class ChainReport:
    checked: int
    ok: bool
    first_broken_id: int | None = None
    reason: str = ""


def verify_chain() -> ChainReport:
    """Walk the chain in id order; report the first event whose link or content does not hold."""
    prev = GENESIS
    checked = 0
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        if event.prev_hash != prev:
            return ChainReport(checked, False, event.id, "liên kết với sự kiện trước bị đứt (bị xoá hoặc đổi thứ tự)")
        if _event_digest(event) != event.hash:
            return ChainReport(checked, False, event.id, "nội dung sự kiện đã bị sửa")
        prev = event.hash
        checked += 1
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and head.last_hash != prev:
        return ChainReport(checked, False, None, "các sự kiện cuối chuỗi đã bị xoá")
    return ChainReport(checked, True)
