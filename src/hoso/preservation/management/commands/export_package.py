"""`hoso export_package DOSSIER_NUMBER --out FILE.zip [--json] [--as USER]`: write a dossier's transfer package."""

import json
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from hoso.access.services import resolve_actor
from hoso.preservation.services.packages import PackageError, export_package


class Command(BaseCommand):
    help = "Xuất gói hồ sơ điện tử (BagIt, .zip) để chuyển hồ sơ sang tỉnh khác."

    def add_arguments(self, parser):
        parser.add_argument("number", help="Số hồ sơ, ví dụ QTI/LS-07956/CM")
        parser.add_argument("--out", required=True, help="Tệp .zip sẽ ghi ra")
        parser.add_argument("--json", action="store_true", help="In báo cáo dạng JSON")
        parser.add_argument("--as", dest="as_user", help="Thực hiện với tư cách người dùng này")

    def handle(self, *args, number: str, out: str, json: bool = False, as_user: str | None = None, **options):
        try:
            actor = resolve_actor(as_user)
            result = export_package(actor=actor, number=number, out=Path(out))
        except LookupError as exc:
            raise CommandError(str(exc)) from exc
        except PackageError as exc:
            raise CommandError(exc.reason) from exc
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from exc
        if json:
            self.stdout.write(_dumps(result.as_dict()))
            return
        self.stdout.write(f"Đã xuất gói hồ sơ {result.dossier_number}: {result.out}")
        self.stdout.write(f"  {result.pages} trang, {result.files} tệp, {result.size / 1e6:.1f} MB, "
                          f"{result.seconds:.1f} giây")
        self.stdout.write(f"  Mã kiểm tra gói (SHA-256 của manifest): {result.bag_sha256}")


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
