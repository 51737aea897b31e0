"""`hoso import_package FILE.zip [--checksum SHA256] [--json] [--as USER]`: check a transfer package and register
its dossier. Refused packages: the reason on stderr, exit code 1 (with --json also a report on stdout)."""

import json
import sys
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from hoso.access.services import resolve_actor
from hoso.preservation.services.package_import import import_package
from hoso.preservation.services.packages import PackageError


class Command(BaseCommand):
    help = "Nhập gói hồ sơ điện tử (BagIt, .zip) chuyển đến từ tỉnh khác: kiểm tra từng tệp rồi đăng ký hồ sơ."

    def add_arguments(self, parser):
        parser.add_argument("file", help="Tệp gói .zip")
        parser.add_argument("--checksum", default="", help="Mã kiểm tra ghi trên phiếu (SHA-256), nếu có")
        parser.add_argument("--json", action="store_true", help="In báo cáo dạng JSON")
        parser.add_argument("--as", dest="as_user", help="Thực hiện với tư cách người dùng này")

    def handle(self, *args, file: str, checksum: str = "", json: bool = False, as_user: str | None = None,
               **options):
        try:
            actor = resolve_actor(as_user)
            result = import_package(actor=actor, path=Path(file), expect_sha256=checksum)
        except LookupError as exc:
            raise CommandError(str(exc)) from exc
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from exc
        except PackageError as exc:
            if json:
                self.stdout.write(_dumps({"status": "refused", "code": exc.code, "reason": exc.reason,
                                          "file": file}))
            self.stderr.write(f"Không nhận gói: {exc.reason}")
            sys.exit(1)
        if json:
            self.stdout.write(_dumps(result.as_dict()))
            return
        self.stdout.write(result.message)
        for warning in result.warnings:
            self.stdout.write(f"  Lưu ý: {warning}")


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
