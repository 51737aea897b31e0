"""Exports as audited actions: a list or the audit trail leaves the system only through these functions."""

import io
import json
from collections.abc import Iterable
from typing import Any

from django.utils import timezone
from openpyxl import Workbook

from hoso.access.models import User
from hoso.core.audit import record_event
from hoso.core.cells import safe_cell
from hoso.core.events import AuditAction, label
from hoso.core.models import AuditEvent
from hoso.reports.audit import changes

AUDIT_EXPORT_MAX_ROWS = 100_000


def record_list_export(*, actor: User, count: int, filters: dict[str, Any], fmt: str) -> None:
    """A list of dossiers (as the user sees it) was exported to a file."""
    record_event(actor=actor, action=AuditAction.EXPORT, object_type="dossier_list", summary=f"{count} hồ sơ",
                 after={"filters": filters, "format": fmt})


def audit_workbook(*, actor: User, events: Iterable[AuditEvent], filters: dict[str, Any]) -> bytes:
    """The audit trail as shown (at most AUDIT_EXPORT_MAX_ROWS events) as an .xlsx; the export is itself
    audited. Every cell goes through the one cell rule: user names typed at sign-in, summaries and the
    before/after values (as JSON) are user text."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Nhật ký")
    sheet.append(["Số", "Thời gian", "Người dùng", "Hành động", "Mã hành động", "Đối tượng", "Mã", "Tóm tắt", "Trước",
                  "Sau", "Thay đổi"])
    count = 0
    for e in events:
        sheet.append([safe_cell(v) for v in (
            e.id, timezone.localtime(e.at).strftime("%d/%m/%Y %H:%M:%S"), e.actor_name, label(e.action), e.action,
            e.object_type, e.object_id, e.summary, _json(e.before), _json(e.after),
            "; ".join(f"{c.field}: {c.before} → {c.after}" for c in changes(e)))])
        count += 1
        if count >= AUDIT_EXPORT_MAX_ROWS:
            break
    buffer = io.BytesIO()
    book.save(buffer)
    record_event(actor=actor, action=AuditAction.EXPORT, object_type="audit", summary=f"{count} sự kiện",
                 after={"filters": filters})
    return buffer.getvalue()


def _json(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False)
