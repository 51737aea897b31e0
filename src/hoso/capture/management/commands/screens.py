import json
import time

from django.core.management.base import BaseCommand
from tqdm import tqdm

from hoso.capture.services.screens import make_missing_screens, pages_without_screen


class Command(BaseCommand):
    help = ("Làm ảnh xem trên màn hình cho các trang đã xử lý mà chưa có (trang nhận trước khi có ảnh này, trang "
            "nhận từ gói chuyển giao): mỗi trang dựng một lần từ bản PDF/A, để trình xem trang không phải dựng lại "
            "ở mỗi lần xem.")

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, help="Làm nhiều nhất chừng này trang")
        parser.add_argument("--json", action="store_true", help="In kết quả dạng JSON")

    def handle(self, *args, **options):
        started = time.monotonic()
        total = pages_without_screen().count()
        if options["limit"]:
            total = min(total, options["limit"])
        with tqdm(total=total, desc="Ảnh màn hình", unit=" trang", mininterval=2,
                  disable=options["json"]) as bar:
            result = make_missing_screens(limit=options["limit"], progress=bar.update)
        result["seconds"] = round(time.monotonic() - started, 1)
        if options["json"]:
            self.stdout.write(json.dumps(result))
        else:
            self.stdout.write(f"Đã làm ảnh màn hình cho {result['made']} trang trong {result['seconds']} giây"
                              + (f"; {result['missing_access']} trang thiếu bản PDF/A trong kho tệp (chạy hoso "
                                 "verify --fixity)." if result["missing_access"] else "."))
