"""The audit trail read as a register (sổ nhật ký): each event with its label, and what it changed field by field
under the names the forms show, choice labels instead of codes; the events of a dossier include those of the
people in it. Reads for the auditor (VIEW_AUDIT), who reads the trail, not the dossiers."""

import json
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import Field, Model, Q

from hoso.core.audit import record_event, seal_all, verify_chain
from hoso.core.events import AuditAction
from hoso.core.models import AuditEvent
from hoso.records.models import Dossier, DossierRelative
from hoso.records.services import canonical_dossier_number
from hoso.vntext import fold

EMPTY = "—"
# What events carry besides model fields, as the auditor should read it.
KEY_LABELS = {
    "keys": "các mục đã hiển thị", "page": "trang", "pages": "số trang", "filters": "điều kiện lọc",
    "purpose": "mục đích", "sha256": "mã SHA-256 của tệp", "format": "định dạng", "total": "số kết quả",
    "ok": "kết quả toàn vẹn", "checked": "số mục đã kiểm", "first_broken_event": "sự kiện hỏng đầu tiên",
    "state": "trạng thái", "reason": "lý do", "error": "lỗi", "size": "kích thước (byte)", "file": "tệp",
    "sheet": "trang tính", "columns": "cách ghép cột", "dry_run": "chạy thử", "numbers": "số hồ sơ",
    "codes": "mã", "moved": "đã chuyển", "box": "hộp", "location": "vị trí", "note": "ghi chú",
    "attempt": "lần xử lý", "document": "văn bản", "released": "trang được trả ra", "rate_mb": "giới hạn MB/giây",
    "trigger": "khởi động bởi", "api_tokens_revoked": "số mã API bị thu hồi", "kind": "loại",
    "blobs": "số tệp", "bytes": "số byte", "count": "số lần", "previous_window": "lần trước (gộp theo phút)",
    "aliases": "bí danh", "categories": "các diện",
}


@dataclass(frozen=True)
class Change:
    field: str  # the field's name as the forms show it
    before: str
    after: str


@lru_cache(maxsize=1)
def _models() -> dict[str, type[Model]]:
    """Models of hoso by the name the trail records (`object_type`)."""
    return {m._meta.model_name: m for m in apps.get_models() if m.__module__.startswith("hoso.")}


def _field(model: type[Model] | None, name: str) -> Field | None:
    if model is None:
        return None
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return field if hasattr(field, "verbose_name") else None  # a reverse relation has no name of its own


def _shown(field: Field | None, value: Any) -> str:
    if value is None or value == "" or value == []:
        return EMPTY
    if field is not None and getattr(field, "choices", None):
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def changes(event: AuditEvent) -> list[Change]:
    """Before → after per field, for an event whose before/after are field values (changes, creations,
    deletions); empty for events that carry something else."""
    before = event.before if isinstance(event.before, dict) else {}
    after = event.after if isinstance(event.after, dict) else {}
    if not before and not after:
        return []
    model = _models().get(event.object_type)
    rows = []
    for name in dict.fromkeys([*before, *after]):
        field = _field(model, name)
        label = str(field.verbose_name) if field is not None else KEY_LABELS.get(name, name.replace("_", " "))
        rows.append(Change(field=label[:1].upper() + label[1:], before=_shown(field, before.get(name)),
                           after=_shown(field, after.get(name))))
    return rows


def dossier_events_q(text: str) -> Q:
    """Events of the dossiers a number names, written any way a person types it (`qti ls 7956`, `LS-07956`):
    the dossier's own events, those of its subject and relatives, and any event naming the number."""
    text = (text or "").strip()
    try:
        canonical = canonical_dossier_number(text)
    except ValidationError:
        canonical = ""
    # A number typed without its period code (`qti ls 7956`) names the dossiers of that type and serial.
    named = Q(number=canonical) | Q(number__startswith=canonical + "/") if canonical else Q(pk__in=[])
    dossiers = list(Dossier.objects.filter(named).values_list("pk", "number", "subject_id")[:50])
    if not dossiers and text:  # a part of a number: every dossier holding it
        dossiers = list(Dossier.objects.filter(number__icontains=text).values_list("pk", "number", "subject_id")[:50])
    ids = [str(pk) for pk, _number, _subject in dossiers]
    people = {str(subject) for _pk, _number, subject in dossiers}
    people |= {str(p) for p in DossierRelative.objects.filter(dossier_id__in=ids).values_list("person_id", flat=True)}
    q = Q(object_type="dossier", object_id__in=ids) | Q(object_type="person", object_id__in=people)
    for _pk, number, _subject in dossiers:
        q |= Q(summary__icontains=number)
    if text and not dossiers:
        q |= Q(summary__icontains=text) | Q(object_id=text)
    return q


def user_events_q(text: str) -> Q:
    """Events by a user, by any part of the name, with or without accents."""
    text = (text or "").strip()
    return Q(actor_name__icontains=text) | Q(actor_name__icontains=fold(text))


def check_chain(*, actor) -> tuple[bool, int, str]:
    """Run the hash-chain check from the auditor's screen (sealing first what was written since the last seal); the
    check itself goes to the trail."""
    seal_all()
    report = verify_chain()
    reason = report.reason + (f" (sự kiện #{report.first_broken_id})" if report.first_broken_id else "")
    record_event(actor=actor, action=AuditAction.VERIFY_AUDIT, object_type="audit",
                 summary=f"{report.checked} sự kiện: " + ("toàn vẹn" if report.ok else "CÓ LỖI"),
                 after={"ok": report.ok, "checked": report.checked, "first_broken_event": report.first_broken_id})
    return report.ok, report.checked, reason


def failed_sign_in_windows_since(since) -> int:
    """Failed sign-ins since a moment, as the trail keeps them: one event per address and user name per minute."""
    return AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED, at__gte=since).count()
