from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from hoso.access.services import resolve_actor
from hoso.capture import services
from hoso.capture.models import Batch
from hoso.capture.worker import run_worker


class Command(BaseCommand):
    help = ("Chạy tiến trình xử lý nền (số hóa: kiểm tra, chỉnh thẳng, nhận dạng chữ, PDF/A). "
            "Chạy một tiến trình cho mỗi lõi CPU; dừng bằng Ctrl+C hoặc SIGTERM (xong trang đang làm).")

    def add_arguments(self, parser):
        parser.add_argument("--until-empty", action="store_true", help="Dừng khi hàng đợi trống")
        parser.add_argument("--max-tasks", type=int, default=None, help="Dừng sau chừng này tác vụ")
        parser.add_argument("--interval", type=float, default=1.0, help="Giây chờ giữa hai lần xem hàng đợi trống")
        parser.add_argument("--stale-after", type=float, default=None,
                            help="Giây: tiến trình xử lý (trên máy khác) không báo còn sống lâu hơn thế được coi là "
                                 "đã chết, trang nó đang làm được giao lại (mặc định HOSO_CAPTURE_STALE_SECONDS)")
        parser.add_argument("--retry-failed", action="store_true", help="Xếp hàng lại các trang bị lỗi trước khi chạy")
        parser.add_argument("--batch-id", type=int, default=None, help="Với --retry-failed: chỉ các trang của đợt này")
        parser.add_argument("--as", dest="as_user", help="Với --retry-failed: thực hiện với tư cách người dùng này")

    def handle(self, *args, until_empty: bool, max_tasks: int | None, interval: float, stale_after: float | None,
               retry_failed: bool, batch_id: int | None, as_user: str | None, **options):
        if retry_failed:
            try:
                actor = resolve_actor(as_user)
            except LookupError as exc:
                raise CommandError(str(exc)) from exc
            batch = None
            if batch_id is not None:
                batch = Batch.objects.filter(pk=batch_id).first()
                if batch is None:
                    raise CommandError(f"Không có đợt số hóa số {batch_id}.")
            try:
                count = services.retry_failed(actor=actor, batch=batch)
            except PermissionDenied as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(f"Đã xếp hàng lại {count} trang bị lỗi.")
        done = run_worker(until_empty=until_empty, interval=interval, stale_after=stale_after, max_tasks=max_tasks,
                          handle_signals=True)
        if options["verbosity"] >= 1:
            self.stdout.write(f"Đã chạy {done} tác vụ.")
