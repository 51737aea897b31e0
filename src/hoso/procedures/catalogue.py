"""The procedure catalogue and the calendar, as an administrator changes them (MANAGE_PROCEDURES).

A change to a procedure never edits what cases follow: it writes a new version (name, basis, papers, steps),
audited with what changed; cases opened before keep theirs. Routing after the 2025 two-tier reform (who acts at
each step) is such a change. Days off and swapped working days go to the one calendar in core.
"""

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from hoso.access.models import User
from hoso.access.permissions import MANAGE_PROCEDURES
from hoso.access.rules import require
from hoso.core import calendar
from hoso.core.audit import record_event
from hoso.core.events import AuditAction
from hoso.core.models import CalendarDay

from .catalogue_data import seed
from .models import ProcedureKind, ProcedureStep, ProcedureVersion


@dataclass(frozen=True)
class StepSpec:
    actor: str
    duration: int
    unit: str = ProcedureStep.Unit.WORKING
    task: str = ""
    needs_original: bool = False


def load_catalogue() -> int:
    """Add the shipped procedures that are missing (the migration does this; tests that flush the database too)."""
    with transaction.atomic():
        return seed(ProcedureKind, ProcedureVersion, ProcedureStep)


def current_versions() -> list[ProcedureVersion]:
    """The version new cases follow, of each active procedure, in catalogue order, with its steps."""
    versions = []
    for kind in ProcedureKind.objects.filter(active=True).prefetch_related(
            Prefetch("versions", ProcedureVersion.objects.prefetch_related("steps").order_by("-number"))):
        newest = next(iter(kind.versions.all()), None)
        if newest is not None:
            versions.append(newest)
    return versions


def kind_by_code(code: str) -> ProcedureKind:
    kind = ProcedureKind.objects.filter(code=code.strip().lower(), active=True).first()
    if kind is None:
        raise ValidationError({"kind": _("Không có thủ tục mã «%(code)s» trong danh mục.") % {"code": code}})
    return kind


def steps_of(version: ProcedureVersion) -> QuerySet[ProcedureStep]:
    return version.steps.order_by("position")


def _snapshot(version: ProcedureVersion) -> dict:
    return {"name": version.name, "basis": version.basis, "papers_required": version.papers_required,
            "result_papers": version.result_papers, "effect": version.effect,
            "steps": [[s.actor, s.task, s.duration, s.unit] + (["bản gốc"] if s.needs_original else [])
                      for s in steps_of(version)]}


def _clean_steps(steps: list[StepSpec]) -> list[StepSpec]:
    if not steps:
        raise ValidationError({"steps": _("Thủ tục phải có ít nhất một bước.")})
    out = []
    for number, step in enumerate(steps, start=1):
        if not step.actor.strip():
            raise ValidationError({"steps": _("Bước %(number)s: cần ghi cơ quan thực hiện.") % {"number": number}})
        if step.unit not in ProcedureStep.Unit.values:
            raise ValidationError({"steps": _("Bước %(number)s: đơn vị thời hạn là ngày làm việc hoặc ngày.") % {
                "number": number}})
        if not 0 <= step.duration <= 365:
            raise ValidationError({"steps": _("Bước %(number)s: thời hạn từ 0 đến 365 ngày.") % {"number": number}})
        out.append(StepSpec(step.actor.strip()[:200], step.duration, step.unit, step.task.strip()[:300],
                            bool(step.needs_original)))
    return out


def change_procedure(*, actor: User | None, kind: ProcedureKind, note: str, name: str | None = None,
                     basis: str | None = None, steps: list[StepSpec] | None = None,
                     papers_required: list[str] | None = None, result_papers: list[str] | None = None,
                     effect: str | None = None) -> ProcedureVersion:
    """A new version of `kind` with the given parts changed (the others as in the current version)."""
    require(actor, MANAGE_PROCEDURES)
    if not note.strip():
        raise ValidationError({"note": _("Cần ghi lý do thay đổi (ví dụ: văn bản phân cấp mới).")})
    if effect is not None and effect not in ProcedureVersion.Effect.values:
        raise ValidationError({"effect": _("Tác động đến hồ sơ không hợp lệ.")})
    with transaction.atomic():
        kind = ProcedureKind.objects.select_for_update().get(pk=kind.pk)
        current = kind.current_version()
        if current is None:
            raise ValidationError(_("Thủ tục chưa có phiên bản nào."))
        new_steps = _clean_steps(steps) if steps is not None else [
            StepSpec(s.actor, s.duration, s.unit, s.task, s.needs_original) for s in steps_of(current)]
        version = ProcedureVersion.objects.create(
            kind=kind, number=current.number + 1, name=(name if name is not None else current.name).strip()[:300],
            basis=(basis if basis is not None else current.basis).strip()[:300],
            papers_required=[p.strip() for p in (papers_required if papers_required is not None
                                                 else current.papers_required) if p.strip()],
            result_papers=[p.strip() for p in (result_papers if result_papers is not None
                                               else current.result_papers) if p.strip()],
            effect=effect or current.effect, note=note.strip()[:300], created_by=actor if actor and actor.pk else None)
        if not version.name or not version.basis:
            raise ValidationError(_("Cần ghi tên thủ tục và căn cứ pháp lý."))
        ProcedureStep.objects.bulk_create(
            ProcedureStep(version=version, position=i, actor=s.actor, task=s.task, duration=s.duration, unit=s.unit,
                          needs_original=s.needs_original)
            for i, s in enumerate(new_steps, start=1))
        record_event(actor=actor, action=AuditAction.PROCEDURE_VERSION, obj=version,
                     summary=f"{kind.code}: phiên bản {version.number} ({version.note})"[:300],
                     before=_snapshot(current), after=_snapshot(version))
    return version


def set_calendar_day(*, actor: User | None, day: dt.date, kind: str, note: str = "") -> CalendarDay:
    """Ngày nghỉ (a day off announced late) or ngày làm việc (a swapped Saturday) in the one calendar."""
    require(actor, MANAGE_PROCEDURES)
    return calendar.set_day(actor=actor, day=day, kind=kind, note=note)


def clear_calendar_day(*, actor: User | None, day: dt.date) -> None:
    require(actor, MANAGE_PROCEDURES)
    calendar.clear_day(actor=actor, day=day)
