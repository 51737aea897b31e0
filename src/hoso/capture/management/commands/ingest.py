import argparse
import json
import json as _json
import os
import time
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from tqdm import tqdm

from hoso.access.services import resolve_actor
from hoso.capture import selectors, services
from hoso.capture.hotfolder import HotFolder
from hoso.capture.intake import count_files, ingest_folder
from hoso.capture.worker import can_spawn_workers, run_worker, spawn_workers


class Command(BaseCommand):
    help = ("Tiếp nhận một thư mục ảnh quét (mỗi thư mục con mang số một hồ sơ, chứa các trang theo thứ tự), "
            "xử lý trên mọi lõi CPU rồi in báo cáo đợt (--json: một tài liệu JSON).")

    def add_arguments(self, parser):
        parser.add_argument("folder", help="Thư mục quét: mỗi thư mục con là một hồ sơ, ví dụ QTI-LS-07956-CM/")
        parser.add_argument("--batch", dest="batch_name", default="", help="Tên đợt số hóa")
        parser.add_argument("--json", action="store_true", help="In báo cáo đợt dạng JSON")
        parser.add_argument("--enqueue", action="store_true",
                            help="Chỉ tiếp nhận và xếp hàng; để các tiến trình `hoso worker` xử lý")
        parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                            help="Số tiến trình xử lý song song (mặc định: số lõi CPU)")
        parser.add_argument("--no-ocr", action="store_true", help="Không nhận dạng chữ (chỉ PDF/A và ảnh thu nhỏ)")
        parser.add_argument("--photos", action="store_true",
                            help="Các tệp là ảnh chụp trang giấy (không quét được): tự tìm trang trong ảnh, nắn phẳng, "
                                 "làm đều ánh sáng (ảnh gốc giữ nguyên)")
        parser.add_argument("--as", dest="as_user", help="Thực hiện với tư cách người dùng này")
        parser.add_argument("--watch", action="store_true",
                            help="Thư mục nóng: theo dõi liên tục, nhận mỗi thư mục hồ sơ khi máy quét ghi xong "
                                 "(Ctrl+C để dừng; với --json in một dòng JSON cho mỗi đợt)")
        parser.add_argument("--interval", type=float, default=10.0, help="--watch: số giây giữa hai lần xem")
        parser.add_argument("--settle", type=float, default=30.0,
                            help="--watch: thư mục phải đứng yên bấy nhiêu giây mới được nhận")
        parser.add_argument("--max-polls", type=int, default=0, help=argparse.SUPPRESS)

    def handle(self, *args, folder: str, batch_name: str, json: bool, enqueue: bool, jobs: int, no_ocr: bool,
               as_user: str | None, watch: bool = False, interval: float = 10.0, settle: float = 30.0,
               max_polls: int = 0, photos: bool = False, **options):
        try:
            actor = resolve_actor(as_user)
        except LookupError as exc:
            raise CommandError(str(exc)) from exc
        root = Path(folder).expanduser()
        if not root.is_dir():
            raise CommandError(f"Không tìm thấy thư mục «{folder}».")
        if jobs < 1:
            raise CommandError("--jobs phải từ 1 trở lên.")
        if watch:
            self._watch(actor, root, batch_name, json=json, enqueue=enqueue, jobs=jobs, run_ocr=not no_ocr,
                        photos=photos, interval=max(0.0, interval), settle=max(0.0, settle), max_polls=max_polls)
            return
        try:
            batch = services.start_batch(actor=actor, name=batch_name or root.resolve().name,
                                         folder=str(root.resolve()), run_ocr=not no_ocr,
                                         photos=photos)
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from exc
        with tqdm(total=count_files(root), desc="Tiếp nhận", unit=" tệp", disable=None, leave=False) as bar:
            ingest_folder(actor=actor, root=root, batch=batch, progress=bar.update)
        if not enqueue:
            self._process(batch, jobs)
        report = selectors.batch_report(batch=batch)
        if json:
            self.stdout.write(_dumps(report))
        else:
            self._print(report, enqueue)

    def _watch(self, actor, root: Path, batch_name: str, *, json: bool, enqueue: bool, jobs: int, run_ocr: bool,
               interval: float, settle: float, max_polls: int, photos: bool = False) -> None:
        hot = HotFolder.open(root, settings.DATA_DIR, settle)
        self.stderr.write(f"Đang theo dõi «{hot.root}» (xem mỗi {interval:g} giây; nhận thư mục đứng yên "
                          f"{settle:g} giây). Ctrl+C để dừng.")
        polls = 0
        try:
            while True:
                names = hot.ready(time.monotonic())
                if names:
                    stamp = timezone.localtime().strftime("%d/%m/%Y %H:%M")
                    batch = services.start_batch(actor=actor, name=f"{batch_name or hot.root.name} {stamp}",
                                                 folder=str(hot.root), run_ocr=run_ocr,
                                                 photos=photos)
                    ingest_folder(actor=actor, root=hot.root, batch=batch, names=names)
                    hot.mark_taken(names)
                    if not enqueue:
                        self._process(batch, jobs)
                    report = selectors.batch_report(batch=batch)
                    if json:
                        self.stdout.write(_json.dumps(report, ensure_ascii=False, default=str))
                    else:
                        self._print(report, enqueue)
                polls += 1
                if max_polls and polls >= max_polls:
                    return
                time.sleep(interval)
        except KeyboardInterrupt:
            self.stderr.write("Đã dừng theo dõi.")
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from exc

    def _process(self, batch, jobs: int) -> None:
        settled, total = selectors.batch_progress(batch=batch)
        with tqdm(total=total, initial=settled, desc="Xử lý", unit=" trang", disable=None) as bar:
            def refresh() -> None:
                bar.n = selectors.batch_progress(batch=batch)[0]
                bar.refresh()

            if jobs == 1 or not can_spawn_workers():  # e.g. a test database other processes cannot open
                run_worker(until_empty=True, on_task=refresh)
                return

            def wait(procs) -> None:
                run_worker(until_empty=True, on_task=refresh)  # this process is one of the workers
                while any(p.poll() is None for p in procs):
                    refresh()
                    time.sleep(0.5)
                refresh()

            errors = spawn_workers(min(jobs, max(1, total - settled)) - 1, wait=wait)
        if errors:
            raise CommandError("Tiến trình xử lý bị lỗi:\n" + "\n".join(errors))

    def _print(self, report: dict, enqueued: bool) -> None:
        b = report["batch"]
        self.stdout.write(f"Đợt «{b['name']}» (số {b['id']}): {report['pages_added']} trang mới, "
                          f"{report['pages_skipped']} trang đã có, {report['refused']} từ chối, "
                          f"{report['quarantined']} cách ly, {report['failed']} lỗi, {report['done']} hoàn tất.")
        if enqueued:
            self.stdout.write("Các trang đã được xếp hàng: chạy `hoso worker` để xử lý.")
        for item in report["problems"]:
            self.stdout.write(f"  {item['file']}: {item['reason']}")


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, default=str)
