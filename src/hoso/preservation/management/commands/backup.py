import json
import time

from django.core.management.base import BaseCommand, CommandError

from hoso.access.services import resolve_actor
from hoso.preservation.backup import FULL, INCREMENTAL, BackupError, verify_destination
from hoso.preservation.backup_db import DatabaseBackupError
from hoso.preservation.services.backup import run_backup


class Command(BaseCommand):
    help = ("Sao lưu cơ sở dữ liệu (ảnh chụp nhất quán khi ứng dụng đang chạy) và các tệp lưu trữ vào một hoặc hai "
            "thư mục đích: bản đầy đủ (--full) hoặc bản gia tăng (--incremental, mặc định khi thư mục đích đã có "
            "bản đầy đủ). --verify DIR: kiểm tra mọi bộ sao lưu trong DIR theo tệp kê khai.")

    def add_arguments(self, parser):
        parser.add_argument("--to", dest="destinations", action="append", default=[], metavar="DIR",
                            help="Thư mục đích (lặp lại để sao lưu vào hai nơi)")
        kind = parser.add_mutually_exclusive_group()
        kind.add_argument("--full", action="store_true", help="Bản đầy đủ: mọi tệp")
        kind.add_argument("--incremental", action="store_true", help="Bản gia tăng: chỉ tệp mới từ lần trước")
        parser.add_argument("--verify", metavar="DIR", help="Kiểm tra các bộ sao lưu trong DIR (không sao lưu)")
        parser.add_argument("--as", dest="as_user", help="Thực hiện với tư cách người dùng này (ghi nhật ký)")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, destinations: list[str], full: bool, incremental: bool, verify: str | None,
               as_user: str | None, json: bool = False, **options):
        if verify:
            if destinations:
                raise CommandError("Dùng --verify DIR riêng, không kèm --to.")
            return self._verify(verify, json)
        if not destinations:
            raise CommandError("Cần thư mục đích: hoso backup --to DIR [--to DIR2].")
        try:
            actor = resolve_actor(as_user)
        except LookupError as exc:
            raise CommandError(str(exc)) from exc
        started, shown = time.monotonic(), [0.0]

        def progress(set_id: str, count: int, size: int) -> None:
            if time.monotonic() - shown[0] >= 5:
                shown[0] = time.monotonic()
                self.stderr.write(f"{set_id}: {count} tệp, {size / 1024 / 1024:.1f} MB")

        try:
            results = run_backup(actor=actor, destinations=destinations,
                                 kind=FULL if full else INCREMENTAL if incremental else None, progress=progress)
        except (BackupError, DatabaseBackupError, OSError) as exc:
            raise CommandError(f"Sao lưu thất bại: {exc}") from exc
        seconds = round(time.monotonic() - started, 2)
        if json:
            self.stdout.write(_dumps({"ok": not any(r.unreadable for r in results), "seconds": seconds,
                                      "sets": [r.as_json() for r in results]}))
        for result in results:
            if result.note:
                self.stderr.write(f"{result.destination}: {result.note}")
            if not json:
                kind = "đầy đủ" if result.kind == FULL else f"gia tăng (sau {result.parent})"
                self.stdout.write(f"{result.destination / result.id}: bản {kind}, {result.blobs} tệp "
                                  f"{result.bytes / 1024 / 1024:.1f} MB, cơ sở dữ liệu "
                                  f"{result.database_bytes / 1024 / 1024:.1f} MB; {result.counts['dossiers']} hồ sơ, "
                                  f"{result.counts['pages']} trang, {result.counts['audit_events']} sự kiện nhật ký.")
            for item in result.unreadable:
                self.stderr.write(f"KHÔNG SAO LƯU tệp {item['sha256']}: nội dung không khớp mã băm "
                                  "(chạy hoso verify --fixity).")
        if any(r.unreadable for r in results):
            raise SystemExit(1)

    def _verify(self, folder: str, json: bool) -> None:
        from pathlib import Path

        ok, checks, problems = verify_destination(Path(folder))
        if json:
            self.stdout.write(_dumps({"ok": ok, "sets": [c.as_json() for c in checks], "problems": problems}))
        else:
            for check in checks:
                state = "toàn vẹn" if not check.problems else f"{len(check.problems)} lỗi"
                self.stdout.write(f"{check.id} ({check.kind}): {state}")
        for problem in problems:
            self.stderr.write(problem)
        for check in checks:
            for problem in check.problems:
                self.stderr.write(f"{check.id}: {problem}")
        if not ok:
            raise SystemExit(1)


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, default=str)
