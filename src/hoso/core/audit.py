"""Writing, sealing and checking the audit trail.

`record_event` appends an event with the SHA-256 of its content and nothing else: no row shared by writers is
read or locked, so audited reads do not wait for each other, nor for a long write transaction that audited
something and is still open. `seal_pending` — one sealer at a time, never blocking anyone — closes the events
committed since the last seal into an `AuditBlock` chained to the one before. `verify_chain` checks the events
chained one by one before blocks existed, then every block (its link, its hash, its events' ids and hashes),
then the events not sealed yet (their content), and that nothing after the recorded tip is missing.

What it guarantees: an event edited anywhere, sealed events deleted, moved or reordered, and blocks removed from
the end are all detected. An event deleted before it was sealed is not (the window is the sealing interval:
seconds while a worker runs, and every check seals first).
"""

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hoso.core.events import AuditAction
from hoso.core.i18n import in_vietnamese
from hoso.core.models import AuditBlock, AuditChainHead, AuditEvent

GENESIS = "0" * 64
SEAL_LIMIT = 20_000  # events per block at most


def _sha256(payload: Any) -> str:
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _digest(*, prev_hash: str, at: str, actor_name: str, action: str, object_type: str, object_id: str,
            summary: str, before: Any, after: Any) -> str:
    return _sha256([prev_hash, at, actor_name, action, object_type, object_id, summary, before, after])


def _event_digest(event: AuditEvent) -> str:
    return _digest(prev_hash=event.prev_hash, at=event.at.isoformat(), actor_name=event.actor_name,
                   action=event.action, object_type=event.object_type, object_id=event.object_id,
                   summary=event.summary, before=event.before, after=event.after)


def _root(members: list[tuple[int, str]]) -> str:
    """The hash of a block's events: their ids and content hashes in id order."""
    return _sha256([f"{pk}:{digest}" for pk, digest in members])


def _block_digest(block: AuditBlock) -> str:
    return _sha256([block.number, block.prev_hash, block.root, block.count, block.first_id, block.last_id,
                    block.sealed_at.isoformat()])


def record_event(*, actor: AbstractBaseUser | None, action: str, obj: Any = None, object_type: str = "",
                 object_id: str = "", summary: str = "", before: Any = None, after: Any = None) -> AuditEvent:
    """Append one event (inside the caller's transaction, if any: it is committed, or rolled back, with the work it
    records). Takes no lock shared with other writers."""
    action = AuditAction(action).value  # ValueError for an action not declared in core/events.py
    if obj is not None:
        object_type = object_type or obj._meta.model_name
        object_id = object_id or str(obj.pk)
    # Round-trip through JSON so the stored value hashes the same when read back; a label in it (a lazy text) is
    # written in Vietnamese whatever the language of the user who caused the event.
    with in_vietnamese():
        summary = str(summary)
        before = json.loads(json.dumps(before, ensure_ascii=False, default=str)) if before is not None else None
        after = json.loads(json.dumps(after, ensure_ascii=False, default=str)) if after is not None else None
    event = AuditEvent(
        at=timezone.now(), actor=actor if actor and actor.pk else None,
        actor_name=(actor.get_username() if actor and actor.pk else "system"),
        action=action, object_type=object_type, object_id=object_id, summary=summary[:300],
        before=before, after=after, prev_hash="",
    )
    event.hash = _event_digest(event)
    event.save()
    return event


def _head() -> AuditChainHead | None:
    """The tip row, locked for this transaction — or None when another sealer holds it (we do not wait)."""
    head = AuditChainHead.objects.select_for_update(skip_locked=True).filter(pk=1).first()
    if head is not None or AuditChainHead.objects.filter(pk=1).exists():
        return head
    legacy = AuditEvent.objects.exclude(prev_hash="").order_by("-id").values_list("hash", flat=True).first()
    try:
        with transaction.atomic():
            AuditChainHead.objects.create(pk=1, last_hash=legacy or GENESIS)
    except IntegrityError:  # another sealer made it first
        pass
    return AuditChainHead.objects.select_for_update(skip_locked=True).filter(pk=1).first()


def seal_pending(*, limit: int = SEAL_LIMIT) -> int:
    """Seal the committed events not sealed yet into one block (at most `limit`); returns how many. Returns 0 at
    once when another sealer is at work. Call it again until it returns 0 to seal everything."""
    with transaction.atomic():
        head = _head()
        if head is None:
            return 0
        members = list(AuditEvent.objects.filter(block__isnull=True, prev_hash="").order_by("id")
                       .values_list("id", "hash")[:limit])
        if not members:
            return 0
        last = AuditBlock.objects.order_by("-number").values_list("number", flat=True).first() or 0
        block = AuditBlock(number=last + 1, sealed_at=timezone.now(), count=len(members), first_id=members[0][0],
                           last_id=members[-1][0], root=_root(members), prev_hash=head.last_hash)
        block.hash = _block_digest(block)
        block.save()
        AuditEvent.objects.filter(pk__in=[pk for pk, _digest in members], block__isnull=True).update(block=block)
        head.last_hash = block.hash
        head.save(update_fields=["last_hash"])
    return len(members)


def seal_all() -> int:
    total = 0
    while True:
        sealed = seal_pending()
        total += sealed
        if sealed < SEAL_LIMIT:
            return total


@dataclass(frozen=True)
class ChainReport:
    checked: int
    ok: bool
    first_broken_id: int | None = None
    reason: str = ""
    blocks: int = 0
    unsealed: int = 0


def verify_chain() -> ChainReport:
    """Check the whole trail; report the first event (or block) that does not hold."""
    prev, checked = GENESIS, 0
    for event in AuditEvent.objects.exclude(prev_hash="").order_by("id").iterator(chunk_size=2000):
        if event.prev_hash != prev:
            return ChainReport(checked, False, event.id,
                               _("liên kết với sự kiện trước bị đứt (bị xoá hoặc đổi thứ tự)"))
        if _event_digest(event) != event.hash:
            return ChainReport(checked, False, event.id, _("nội dung sự kiện đã bị sửa"))
        prev = event.hash
        checked += 1
    blocks = 0
    for block in AuditBlock.objects.order_by("number").iterator(chunk_size=200):
        where = {"block": block.number, "first": block.first_id, "last": block.last_id}
        if block.prev_hash != prev or block.number != blocks + 1:
            return ChainReport(checked, False, None, _("khối niêm phong số %(block)s (sự kiện #%(first)s–#%(last)s): "
                                                       "liên kết với khối trước bị đứt") % where, blocks)
        if _block_digest(block) != block.hash:
            return ChainReport(checked, False, None, _("khối niêm phong số %(block)s (sự kiện #%(first)s–#%(last)s): "
                                                       "khối đã bị sửa") % where, blocks)
        members = []
        for event in AuditEvent.objects.filter(block=block).order_by("id").iterator(chunk_size=2000):
            if _event_digest(event) != event.hash:
                return ChainReport(checked, False, event.id, _("nội dung sự kiện đã bị sửa"), blocks)
            members.append((event.id, event.hash))
        if len(members) != block.count or _root(members) != block.root:
            return ChainReport(checked, False, None, _("khối niêm phong số %(block)s (sự kiện #%(first)s–#%(last)s): "
                                                       "sự kiện bị xoá, thêm hoặc chuyển chỗ") % where, blocks)
        checked += len(members)
        prev = block.hash
        blocks += 1
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and head.last_hash != prev:
        return ChainReport(checked, False, None, _("các sự kiện hoặc khối cuối chuỗi đã bị xoá"), blocks)
    unsealed = 0
    for event in AuditEvent.objects.filter(block__isnull=True, prev_hash="").order_by("id").iterator(chunk_size=2000):
        if _event_digest(event) != event.hash:
            return ChainReport(checked, False, event.id, _("nội dung sự kiện đã bị sửa"), blocks, unsealed)
        unsealed += 1
    return ChainReport(checked + unsealed, True, blocks=blocks, unsealed=unsealed)
