"""`hoso load_admin_units FILE [FILE ...] [--layout auto|communes|mapping] [--json] [--as USERNAME]`."""

import json

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from hoso.access.services import resolve_actor
from hoso.gazetteer.importers import UnitFileError
from hoso.gazetteer.services import load_unit_file


class Command(BaseCommand):
    help = ("Nạp danh sách đơn vị hành chính chính thức (tệp CSV của Tổng cục Thống kê): danh sách xã "
            "hoặc bảng chuyển đổi cũ→mới. Tất cả các tệp được nạp trong một giao dịch.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("files", nargs="+", metavar="FILE", help="Tệp CSV cần nạp")
        parser.add_argument("--layout", choices=["auto", "communes", "mapping"], default="auto",
                            help="Bố cục tệp (mặc định: tự nhận theo dòng tiêu đề)")
        parser.add_argument("--json", action="store_true", help="In kết quả dạng một tài liệu JSON")
        parser.add_argument("--as", dest="as_user", metavar="USERNAME",
                            help="Thực hiện với tư cách người dùng này (mặc định: người dùng hệ thống)")

    def handle(self, *args, files: list[str], layout: str, json: bool = False, as_user: str | None = None,
               **options) -> None:
        try:
            actor = resolve_actor(as_user)
        except LookupError as exc:
            raise CommandError(str(exc), returncode=2) from None
        try:
            with transaction.atomic():
                reports = [load_unit_file(actor=actor, path=path, layout=layout) for path in files]
        except UnitFileError as exc:
            raise CommandError(f"{exc} Không tệp nào được nạp.", returncode=2) from None
        if json:
            self.stdout.write(_dumps({"files": [r.as_dict() for r in reports]}))
            return
        for report in reports:
            self.stdout.write(f"Đã nạp {report.summary}.")
            for warning in report.warnings:
                self.stdout.write(f"  Cảnh báo: {warning}")


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
