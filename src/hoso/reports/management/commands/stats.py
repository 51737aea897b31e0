"""`hoso stats [--by category|commune|sex|status|decade]… [--at YYYY-MM-DD] [--as USER] [--json]`: counts of dossiers
through the visibility rule (issue #15 gives the --json shape; scripts rely on it).

`--procedures [--since YYYY-MM-DD] [--until YYYY-MM-DD]` adds the one-stop figures of the period (default: from 1
January of this year to today): with --json, one more key, "procedures" (null for a user who does not work on
cases), beside "total" and "rows", which keep their shape:

    {"since": "2026-01-01", "until": "2026-12-06", "unit": "working_days", "percentile": "p90, nearest rank",
     "kinds": [{"kind": "trich-luc", "name": "…", "received": 3, "settled_on_time": 2, "settled_late": 1,
                "open_overdue": 0, "mean_days": 4.5, "p90_days": 7}, …],
     "steps": [{"kind": "trich-luc", "step": 1, "actor": "…", "limit": "12 ngày làm việc", "done": 3,
                "done_on_time": 2, "done_late": 1, "open": 1, "open_overdue": 0, "mean_days": 4.5, "p90_days": 7}, …]}

Times are in working days (reports/casework.py says how they are counted); a mean or percentile with nothing to
count is null."""

import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from hoso.access.permissions import VIEW_STATISTICS
from hoso.access.rules import user_can
from hoso.access.services import resolve_actor
from hoso.records.visibility import sees_no_area
from hoso.reports.services import record_statistics_read
from hoso.reports.statistics import CLI_DIMENSIONS, DIMENSIONS, BadQuestion, check_date, dossier_counts


def parse_day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError as exc:
        raise CommandError(f"Ngày không hợp lệ: «{text}» (cần dạng YYYY-MM-DD, ví dụ 2025-12-31).") from exc


def statistics_actor(username: str | None):
    """The user the command counts as: must exist, hold VIEW_STATISTICS and have an area."""
    try:
        actor = resolve_actor(username)
    except LookupError as exc:
        raise CommandError(str(exc)) from exc
    if not user_can(actor, VIEW_STATISTICS):
        raise CommandError(f"Người dùng «{actor.get_username()}» không có quyền xem thống kê.")
    if sees_no_area(actor):
        raise CommandError(f"Người dùng «{actor.get_username()}» chưa được giao địa bàn nào (xã, phường hay toàn "
                           "tỉnh): không có hồ sơ nào để thống kê.")
    return actor


def vn(number: int) -> str:
    return f"{number:,}".replace(",", ".")


class Command(BaseCommand):
    # A question, not a change: Django's system checks (they import every view to check the URLs, 1.4 s of
    # each call) run with migrate, the server and `hoso check`.
    requires_system_checks: list[str] = []
    help = ("Thống kê hồ sơ người dùng được xem: theo diện (category), xã/phường hiện nay (commune), giới tính (sex), "
            "tình trạng số hóa (status), thập niên sinh (decade); --at: tính đến ngày.")

    def add_arguments(self, parser):
        parser.add_argument("--by", action="append", choices=CLI_DIMENSIONS, default=[], metavar="|".join(
            CLI_DIMENSIONS), help="Chiều thống kê (lặp lại được: --by category --by commune)")
        parser.add_argument("--at", help="Tính đến ngày YYYY-MM-DD (mặc định: hôm nay)")
        parser.add_argument("--as", dest="as_user", help="Thống kê với tư cách người dùng này")
        parser.add_argument("--json", action="store_true", help="In ra JSON")
        parser.add_argument("--procedures", action="store_true",
                            help="Thêm số liệu thủ tục một cửa: tiếp nhận, giải quyết đúng hạn / quá hạn, thời gian "
                                 "từng bước (ngày làm việc)")
        parser.add_argument("--since", help="Thủ tục: từ ngày YYYY-MM-DD (mặc định: 1/1 năm nay)")
        parser.add_argument("--until", help="Thủ tục: đến ngày YYYY-MM-DD (mặc định: hôm nay)")

    def handle(self, *args, by: list[str], at: str | None = None, as_user: str | None = None, json: bool = False,
               procedures: bool = False, since: str | None = None, until: str | None = None, **options):
        if (since or until) and not procedures:
            raise CommandError("--since và --until chỉ dùng cùng --procedures.")
        actor = statistics_actor(as_user)
        day = parse_day(at) if at else None
        by = list(dict.fromkeys(by))
        period = _period(since, until) if procedures else None
        try:
            table = dossier_counts(actor=actor, by=by, at=day)
        except BadQuestion as exc:
            raise CommandError(str(exc)) from exc
        filters = {"by": by, "at": day.isoformat() if day else None}
        found = times = None
        if period is not None:
            from hoso.reports import casework, figures  # lazy: the one-stop rooms (0.5 s), for --procedures

            found = figures.procedures(actor=actor, since=period[0], until=period[1])
            times = casework.case_times(actor=actor, since=period[0], until=period[1])
            filters.update(procedures=True, since=period[0].isoformat(), until=period[1].isoformat())
        record_statistics_read(actor=actor, what="hoso stats", total=table.total, filters=filters)
        if json:
            data = table.as_json()
            if period is not None:
                from hoso.reports import casework  # lazy: as above

                data["procedures"] = casework.as_json(times, found.rows if found else ())
            self.stdout.write(_dumps(data))
            return
        when = f" tính đến ngày {day:%d/%m/%Y}" if day else ""
        self.stdout.write(f"Tổng số hồ sơ{when}: {vn(table.total)}")
        if by:
            self._table([[str(DIMENSIONS[d]) for d in by] + ["Số hồ sơ"]]
                        + [labels + [vn(n)] for labels, n, _ in table.labelled()])
        if period is not None:
            self._procedures(period, found, times)

    def _procedures(self, period: tuple[dt.date, dt.date], found, times) -> None:
        self.stdout.write(f"\nThủ tục một cửa từ {period[0]:%d/%m/%Y} đến {period[1]:%d/%m/%Y} (thời gian: ngày làm "
                          "việc; 90%: 9 trên 10 xong trong số ngày này)")
        if found is None or times is None:
            self.stdout.write("Người dùng này không xem hồ sơ thủ tục.")
            return
        self._table([["Thủ tục", "Tiếp nhận", "Đúng hạn", "Quá hạn", "Đang quá hạn", "Trung bình", "90%"]] + [
            [r.name[:60], vn(r.received), vn(r.settled_on_time), vn(r.settled_late), vn(r.open_overdue),
             times.kind(r.code).mean_text, _p90(times.kind(r.code).p90)] for r in found.rows])
        self.stdout.write("")
        self._table([["Thủ tục", "Bước", "Thời hạn", "Xong", "Đúng hạn", "Quá hạn", "Đang ở bước", "Trung bình",
                      "90%"]] + [
            [s.kind_name[:40], s.label[:50], s.limit, vn(s.timing.count), vn(s.timing.on_time), vn(s.timing.late),
             vn(s.open_now), s.timing.mean_text, _p90(s.timing.p90)] for s in times.steps])

    def _table(self, lines: list[list[str]]) -> None:
        """Text columns left-aligned, the last (a number) right-aligned, a rule under the header."""
        columns = len(lines[0])
        widths = [max(len(line[i]) for line in lines) for i in range(columns)]
        for number, line in enumerate(lines):
            self.stdout.write("  ".join(cell.ljust(w) for cell, w in zip(line[:-1], widths, strict=False))
                              + "  " + line[-1].rjust(widths[-1]))
            if number == 0:
                self.stdout.write("  ".join("-" * w for w in widths))


def _p90(value: int | None) -> str:
    return "—" if value is None else vn(value)


def _period(since: str | None, until: str | None) -> tuple[dt.date, dt.date]:
    today = timezone.localdate()
    end = parse_day(until) if until else today
    start = parse_day(since) if since else dt.date(end.year, 1, 1)
    try:
        check_date(start)
        check_date(end)
    except BadQuestion as exc:
        raise CommandError(str(exc)) from exc
    if start > end:
        raise CommandError(f"Ngày bắt đầu {start:%d/%m/%Y} sau ngày kết thúc {end:%d/%m/%Y}.")
    return start, end


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False)
