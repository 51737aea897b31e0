import json

from django.core.management.base import BaseCommand

from hoso.access.audit import verify_chain


class Command(BaseCommand):
    help = "Kiểm tra chuỗi nhật ký (--audit). Kiểm tra checksum tệp (--fixity) sẽ có cùng kho lưu tệp."

    def add_arguments(self, parser):
        parser.add_argument("--audit", action="store_true", help="Kiểm tra chuỗi băm của nhật ký")
        parser.add_argument("--fixity", action="store_true", help="Kiểm tra checksum mọi tệp đã lưu")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, audit: bool, fixity: bool, json: bool = False, **options):
        if fixity:
            self.stderr.write("Kiểm tra --fixity chưa có: kho lưu tệp chưa được xây dựng.")
            raise SystemExit(2)
        report = verify_chain()
        result = {"audit": {"ok": report.ok, "checked": report.checked,
                            "first_broken_event": report.first_broken_id, "reason": report.reason}}
        if json:
            self.stdout.write(_dumps(result))
        elif report.ok:
            self.stdout.write(f"Nhật ký toàn vẹn: {report.checked} sự kiện.")
        else:
            where = f"sự kiện #{report.first_broken_id}" if report.first_broken_id else "cuối chuỗi"
            self.stderr.write(f"Nhật ký bị can thiệp tại {where}: {report.reason}.")
        if not report.ok:
            raise SystemExit(1)


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
