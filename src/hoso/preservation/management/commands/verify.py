import json
import sys
import time

from django.core.management.base import BaseCommand, CommandError

from hoso.access.services import resolve_actor
from hoso.core.audit import seal_all, verify_chain
from hoso.preservation.services.fixity import FixityBusy, describe, run_fixity


class Command(BaseCommand):
    # A question, not a change: Django's system checks (they import every view to check the URLs, 1.4 s of
    # each call) run with migrate, the server and `hoso check`.
    requires_system_checks: list[str] = []
    help = ("Kiểm tra chuỗi băm của nhật ký (--audit) và checksum mọi tệp đã lưu (--fixity: tệp thiếu, tệp bị "
            "thay đổi; có thể ngắt và chạy tiếp). Không chọn gì: kiểm tra nhật ký.")

    def add_arguments(self, parser):
        parser.add_argument("--audit", action="store_true", help="Kiểm tra chuỗi băm của nhật ký")
        parser.add_argument("--fixity", action="store_true", help="Kiểm tra checksum mọi tệp đã lưu")
        parser.add_argument("--rate", type=float, default=None, metavar="MB_PER_S",
                            help="Với --fixity: giới hạn tốc độ đọc, MB/giây (0 = không giới hạn; mặc định "
                                 "HOSO_FIXITY_RATE_MB)")
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--resume", action="store_true",
                           help="Với --fixity: chạy tiếp lần kiểm tra bị ngắt (mặc định khi có)")
        group.add_argument("--restart", action="store_true", help="Với --fixity: bỏ lần bị ngắt, kiểm tra lại từ đầu")
        parser.add_argument("--as", dest="as_user", help="Thực hiện với tư cách người dùng này (ghi nhật ký)")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, audit: bool, fixity: bool, json: bool = False, rate: float | None = None,
               resume: bool = False, restart: bool = False, as_user: str | None = None, **options):
        if rate is not None and rate < 0:
            raise CommandError("--rate phải là số không âm (MB/giây).")
        result, ok = {}, True
        if audit or not fixity:
            ok = self._audit(result, json) and ok
        if fixity:
            try:
                actor = resolve_actor(as_user)
            except LookupError as exc:
                raise CommandError(str(exc)) from exc
            ok = self._fixity(result, json, actor=actor, rate=rate, restart=restart) and ok
        if json:
            self.stdout.write(_dumps(result))
        if not ok:
            raise SystemExit(1)

    def _audit(self, result: dict, json: bool) -> bool:
        sealed = seal_all()  # what was written since the last seal is checked sealed
        report = verify_chain()
        result["audit"] = {"ok": report.ok, "checked": report.checked,
                           "first_broken_event": report.first_broken_id, "reason": report.reason,
                           "blocks": report.blocks, "sealed_now": sealed, "unsealed": report.unsealed}
        if not json and report.ok:
            self.stdout.write(f"Nhật ký toàn vẹn: {report.checked} sự kiện, {report.blocks} khối niêm phong"
                              f" (vừa niêm phong {sealed} sự kiện).")
        elif not report.ok:
            where = f"sự kiện #{report.first_broken_id}" if report.first_broken_id else "cuối chuỗi"
            self.stderr.write(f"Nhật ký bị can thiệp tại {where}: {report.reason}.")
        return report.ok

    def _fixity(self, result: dict, json: bool, *, actor, rate: float | None, restart: bool) -> bool:
        progress = _Progress(self.stderr)
        try:
            outcome = run_fixity(actor=actor, rate_mb=rate, restart=restart, progress=progress)
        except FixityBusy as exc:
            raise CommandError(str(exc)) from exc
        except KeyboardInterrupt:
            self.stderr.write("\nĐã ngắt. Chạy lại `hoso verify --fixity` để kiểm tra tiếp từ chỗ dừng.")
            raise SystemExit(130) from None
        progress.done()
        run = outcome.run
        result["fixity"] = outcome.as_json()
        if not json:
            resumed = f" (chạy tiếp lần #{run.pk})" if outcome.resumed else ""
            self.stdout.write(f"Đã kiểm {run.checked} tệp, {run.bytes / 1024 / 1024:.1f} MB{resumed}: "
                              f"{len(run.missing)} thiếu, {len(run.changed)} bị thay đổi.")
        for entry in run.missing:
            self.stderr.write(f"THIẾU {describe(entry)}")
        for entry in run.changed:
            self.stderr.write(f"BỊ THAY ĐỔI {describe(entry)}")
        return outcome.ok


class _Progress:
    """Counts and bytes on stderr, at most a few times a second (on one line when stderr is a terminal)."""

    def __init__(self, stream) -> None:
        self.stream, self.started, self.shown = stream, time.monotonic(), 0.0
        self.tty = getattr(sys.stderr, "isatty", lambda: False)()
        self.last = (0, 0)

    def __call__(self, checked: int, read: int, sha256: str) -> None:
        self.last = (checked, read)
        now = time.monotonic()
        if now - self.shown >= (0.5 if self.tty else 5.0):
            self.shown = now
            self._line()

    def _line(self) -> None:
        checked, read = self.last
        elapsed = max(time.monotonic() - self.started, 1e-6)
        text = f"Đã kiểm {checked} tệp, {read / 1024 / 1024:.1f} MB ({read / 1024 / 1024 / elapsed:.1f} MB/s)"
        if self.tty:
            self.stream.write("\r" + text, ending="")
        else:
            self.stream.write(text)

    def done(self) -> None:
        self._line()
        if self.tty:
            self.stream.write("")


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
