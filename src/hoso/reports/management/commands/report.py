"""`hoso report mau-100 --year YYYY --out FILE.xlsx|FILE.pdf [--as USER]`: the yearly report of the number of people
managed (Mẫu số 100, Nghị định 131/2021/NĐ-CP Điều 128 khoản 4), counted through the visibility rule."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from hoso.archive.labels import LabelFontMissing
from hoso.reports.services import make_mau_100
from hoso.reports.statistics import BadQuestion

from .stats import statistics_actor, vn


class Command(BaseCommand):
    # A question, not a change: Django's system checks (they import every view to check the URLs, 1.4 s of
    # each call) run with migrate, the server and `hoso check`.
    requires_system_checks: list[str] = []
    help = "Lập báo cáo định kỳ: mau-100 (số lượng người có công đang quản lý trong năm, Mẫu số 100) ra Excel hoặc PDF."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="report", required=True, metavar="mau-100")
        mau = sub.add_parser("mau-100", help="Báo cáo số lượng người có công đang quản lý năm (Mẫu số 100)")
        mau.add_argument("--year", type=int, required=True, help="Năm báo cáo, ví dụ 2025")
        mau.add_argument("--out", required=True, help="Tệp ghi ra: .xlsx (Excel) hoặc .pdf")
        mau.add_argument("--as", dest="as_user", help="Lập báo cáo với tư cách người dùng này")

    def handle(self, *args, report: str, year: int, out: str, as_user: str | None = None, **options):
        path = Path(out)
        fmt = path.suffix.lower().lstrip(".")
        if fmt not in ("xlsx", "pdf"):
            raise CommandError(f"Tệp «{out}» phải có đuôi .xlsx (Excel) hoặc .pdf.")
        if not path.parent.is_dir():
            raise CommandError(f"Không có thư mục «{path.parent}» để ghi báo cáo.")
        actor = statistics_actor(as_user)
        try:
            result, data = make_mau_100(actor=actor, year=year, fmt=fmt)
        except (BadQuestion, LabelFontMissing) as exc:
            raise CommandError(str(exc)) from exc
        try:
            path.write_bytes(data)
        except OSError as exc:
            raise CommandError(f"Không ghi được tệp «{out}»: {exc.strerror}.") from exc
        self.stdout.write(f"Đã lập Mẫu 100 năm {year} ({result.period}): {vn(result.total('end'))} hồ sơ đang "
                          f"quản lý → {path}")
