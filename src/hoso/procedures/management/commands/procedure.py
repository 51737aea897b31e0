"""`hoso procedure kinds|due|open|list`: the procedure catalogue, deadline arithmetic and cases (issue #14 gives the
--json shapes; scripts rely on them)."""

import datetime as dt
import json

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from hoso.access.services import resolve_actor
from hoso.core import calendar
from hoso.procedures import cases
from hoso.procedures.catalogue import current_versions, steps_of
from hoso.procedures.models import Case
from hoso.records.services import canonical_dossier_number
from hoso.records.visibility import visible_dossiers

UNIT_CHOICES = (calendar.WORKING, calendar.CALENDAR)


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError as exc:
        raise CommandError(f"Ngày không hợp lệ: «{text}» (cần dạng YYYY-MM-DD, ví dụ 2026-02-13).") from exc


def _messages(exc: Exception) -> str:
    return "; ".join(getattr(exc, "messages", None) or [str(exc)])


def _case_row(case) -> dict:
    dossier = next(iter(sorted(case.dossiers.all(), key=lambda d: d.number)), None)
    return {"case": case.number, "kind": case.kind.code, "dossier_number": dossier.number if dossier else None,
            "received": case.received_on.isoformat(), "due": case.due_on.isoformat(), "state": case.state}


class Command(BaseCommand):
    help = "Thủ tục một cửa: danh mục (kinds), tính hạn (due), tiếp nhận hồ sơ (open), danh sách hồ sơ (list)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar="kinds|due|open|list")
        kinds = sub.add_parser("kinds", help="Danh mục thủ tục, các bước và thời hạn")
        kinds.add_argument("--json", action="store_true", help="In ra JSON")
        due = sub.add_parser("due", help="Ngày hết hạn theo lịch ngày làm việc")
        due.add_argument("--received", required=True, help="Ngày tiếp nhận, YYYY-MM-DD (không tính)")
        due.add_argument("--days", type=int, required=True, help="Số ngày")
        due.add_argument("--unit", choices=UNIT_CHOICES, default=calendar.WORKING,
                         help="working: ngày làm việc (mặc định); calendar: ngày (hết hạn vào ngày nghỉ thì lùi "
                              "sang ngày làm việc kế tiếp)")
        due.add_argument("--json", action="store_true", help="In ra JSON")
        opened = sub.add_parser("open", help="Tiếp nhận một hồ sơ thủ tục")
        opened.add_argument("kind", help="Mã thủ tục, ví dụ trich-luc")
        opened.add_argument("--dossier", required=True, help="Số hồ sơ người có công, ví dụ QTI/LS-07956/CM")
        opened.add_argument("--received", help="Ngày tiếp nhận, YYYY-MM-DD (mặc định hôm nay)")
        opened.add_argument("--applicant", default="", help="Họ tên người nộp hồ sơ")
        opened.add_argument("--as", dest="as_user", help="Thực hiện với tư cách người dùng này")
        opened.add_argument("--json", action="store_true", help="In ra JSON")
        listed = sub.add_parser("list", help="Danh sách hồ sơ thủ tục người dùng được xem")
        listed.add_argument("--overdue", action="store_true", help="Chỉ hồ sơ quá hạn chưa xong (tính đến hôm nay)")
        listed.add_argument("--as", dest="as_user", help="Xem với tư cách người dùng này")
        listed.add_argument("--json", action="store_true", help="In ra JSON")

    def handle(self, *args, subcommand: str, **options):
        try:
            getattr(self, f"_{subcommand}")(**options)
        except (ValidationError, PermissionDenied, LookupError) as exc:
            raise CommandError(_messages(exc)) from exc

    def _out(self, data: dict) -> None:
        self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))

    def _kinds(self, *, json: bool = False, **options) -> None:
        versions = current_versions()
        if json:
            self._out({"kinds": [{"code": v.kind.code, "name": v.name, "basis": v.basis,
                                  "steps": [{"actor": s.actor, "duration": s.duration, "unit": s.unit}
                                            for s in steps_of(v)]} for v in versions]})
            return
        for v in versions:
            self.stdout.write(f"{v.kind.code:<30} {v.name} ({v.basis})")
            for s in steps_of(v):
                self.stdout.write(f"{'':<30}   {s.position}. {s.actor}: {s.duration_text}")

    def _due(self, *, received: str, days: int, unit: str, json: bool = False, **options) -> None:
        if days < 0:
            raise CommandError("--days không được âm.")
        start = _date(received)
        due = calendar.due_date(start, days, unit)
        if json:
            self._out({"received": start.isoformat(), "due": due.isoformat()})
            return
        self.stdout.write(f"Tiếp nhận {start:%d/%m/%Y}, {days} {calendar.UNITS[unit]}: hạn {due:%d/%m/%Y}")

    def _open(self, *, kind: str, dossier: str, received: str | None = None, applicant: str = "",
              as_user: str | None = None, json: bool = False, **options) -> None:
        actor = resolve_actor(as_user)
        number = canonical_dossier_number(dossier)
        found = visible_dossiers(actor=actor).filter(number=number).first()
        if found is None:
            raise CommandError(f"Không tìm thấy hồ sơ {number} (hoặc không có quyền xem).")
        case = cases.receive_case(actor=actor, kind=kind, dossiers=[found],
                                  received_on=_date(received) if received else None,
                                  applicant=cases.Applicant(name=applicant))
        steps = list(case.steps.select_related("step").order_by("position"))
        if json:
            self._out({"case": case.number, "kind": case.kind.code, "dossier_number": found.number,
                       "received": case.received_on.isoformat(), "due": case.due_on.isoformat(),
                       "state": case.state, "steps": [{"actor": s.step.actor, "due": s.due_on.isoformat()}
                                                      for s in steps]})
            return
        self.stdout.write(f"Đã tiếp nhận hồ sơ {case.number} (mã tra cứu {case.tracking_code}): {case.version.name}")
        self.stdout.write(f"  Hồ sơ {found.number}, tiếp nhận {case.received_on:%d/%m/%Y}, "
                          f"hẹn trả kết quả {case.due_on:%d/%m/%Y}")
        for s in steps:
            self.stdout.write(f"  {s.position}. {s.step.actor}: hạn {s.due_on:%d/%m/%Y}")

    def _list(self, *, overdue: bool = False, as_user: str | None = None, json: bool = False, **options) -> None:
        actor = resolve_actor(as_user)
        rows = [_case_row(case) for case in cases.list_cases(actor=actor, overdue=overdue)]
        if json:
            self._out({"cases": rows})
            return
        if not rows:
            self.stdout.write("Không có hồ sơ thủ tục nào" + (" quá hạn." if overdue else "."))
            return
        self.stdout.write(f"{'Số hồ sơ TTHC':<17} {'Thủ tục':<30} {'Hồ sơ NCC':<20} {'Tiếp nhận':<10}  "
                          f"{'Hẹn trả':<10}  Trạng thái")
        labels = dict(Case.State.choices)
        for row in rows:
            self.stdout.write(f"{row['case']:<17} {row['kind']:<30} {row['dossier_number'] or '—':<20} "
                              f"{dt.date.fromisoformat(row['received']):%d/%m/%Y}  "
                              f"{dt.date.fromisoformat(row['due']):%d/%m/%Y}  {labels[row['state']]}")
