import json
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from hoso.preservation.backup import BackupError
from hoso.preservation.backup_db import DatabaseBackupError
from hoso.preservation.services.backup import run_restore


class Command(BaseCommand):
    help = ("Phục hồi từ bản sao lưu (thư mục đích của hoso backup, hoặc một bộ sao lưu) vào một cài đặt TRỐNG: "
            "cơ sở dữ liệu của bộ mới nhất (hoặc --backup ID) và các tệp của cả chuỗi. Không ghi đè gì.")

    def add_arguments(self, parser):
        parser.add_argument("source", metavar="FROM", help="Thư mục sao lưu hoặc thư mục của một bộ sao lưu")
        parser.add_argument("--backup", dest="backup_id", help="Mã bộ sao lưu (mặc định: bộ mới nhất)")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, source: str, backup_id: str | None, json: bool = False, **options):
        shown = [time.monotonic()]

        def progress(count: int, size: int) -> None:
            if time.monotonic() - shown[0] >= 5:
                shown[0] = time.monotonic()
                self.stderr.write(f"Đã phục hồi {count} tệp, {size / 1024 / 1024:.1f} MB")

        try:
            result = run_restore(source=Path(source), backup_id=backup_id, progress=progress)
        except (BackupError, DatabaseBackupError, OSError, ValueError) as exc:
            raise CommandError(f"Không phục hồi: {exc}") from exc
        if json:
            self.stdout.write(_dumps(result.as_json()))
        else:
            c = result.counts
            self.stdout.write(f"Đã phục hồi {result.backup} (chuỗi {len(result.chain)} bộ): {c['dossiers']} hồ sơ, "
                              f"{c['pages']} trang, {c['audit_events']} sự kiện nhật ký, {result.blobs} tệp "
                              f"{result.bytes / 1024 / 1024:.1f} MB. Chạy `hoso migrate` rồi "
                              "`hoso verify --fixity --audit`.")
        for problem in result.problems:
            self.stderr.write(problem)
        if not result.ok:
            raise SystemExit(1)


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, default=str)
