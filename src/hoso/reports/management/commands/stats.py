"""`hoso stats [--by category|commune|sex|status|decade]… [--at YYYY-MM-DD] [--as USER] [--json]`: counts of dossiers
through the visibility rule (issue #15 gives the --json shape; scripts rely on it)."""

import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError

from hoso.access.permissions import VIEW_STATISTICS
from hoso.access.rules import user_can
from hoso.access.services import resolve_actor
from hoso.records.visibility import sees_no_area
from hoso.reports.services import record_statistics_read
from hoso.reports.statistics import CLI_DIMENSIONS, DIMENSIONS, BadQuestion, dossier_counts


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
    help = ("Thống kê hồ sơ người dùng được xem: theo diện (category), xã/phường hiện nay (commune), giới tính (sex), "
            "tình trạng số hóa (status), thập niên sinh (decade); --at: tính đến ngày.")

    def add_arguments(self, parser):
        parser.add_argument("--by", action="append", choices=CLI_DIMENSIONS, default=[], metavar="|".join(
            CLI_DIMENSIONS), help="Chiều thống kê (lặp lại được: --by category --by commune)")
        parser.add_argument("--at", help="Tính đến ngày YYYY-MM-DD (mặc định: hôm nay)")
        parser.add_argument("--as", dest="as_user", help="Thống kê với tư cách người dùng này")
        parser.add_argument("--json", action="store_true", help="In ra JSON")

    def handle(self, *args, by: list[str], at: str | None = None, as_user: str | None = None, json: bool = False,
               **options):
        actor = statistics_actor(as_user)
        day = parse_day(at) if at else None
        by = list(dict.fromkeys(by))
        try:
            table = dossier_counts(actor=actor, by=by, at=day)
        except BadQuestion as exc:
            raise CommandError(str(exc)) from exc
        record_statistics_read(actor=actor, what="hoso stats", total=table.total,
                               filters={"by": by, "at": day.isoformat() if day else None})
        if json:
            self.stdout.write(_dumps(table.as_json()))
            return
        when = f" tính đến ngày {day:%d/%m/%Y}" if day else ""
        self.stdout.write(f"Tổng số hồ sơ{when}: {vn(table.total)}")
        if not by:
            return
        lines = [[DIMENSIONS[d] for d in by] + ["Số hồ sơ"]]
        lines += [labels + [vn(n)] for labels, n, _ in table.labelled()]
        widths = [max(len(line[i]) for line in lines) for i in range(len(by) + 1)]
        for number, line in enumerate(lines):
            self.stdout.write("  ".join(cell.ljust(w) for cell, w in zip(line[:-1], widths, strict=False))
                              + "  " + line[-1].rjust(widths[-1]))
            if number == 0:
                self.stdout.write("  ".join("-" * w for w in widths))


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False)
