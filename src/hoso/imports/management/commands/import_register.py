import json
import time
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from hoso.access.services import resolve_actor
from hoso.imports.reader import RegisterFileError
from hoso.imports.report import write_report
from hoso.imports.services.registers import import_register
from hoso.imports.services.runs import require_import


class Command(BaseCommand):
    help = ("Nhập sổ theo dõi cũ (.xlsx, .xls, .csv, bảng trong .docx; .doc, .odt, .ods qua LibreOffice; TCVN3, VNI, "
            "VISCII, VIQR, CP1258, Unicode), cập nhật theo số hồ sơ.")

    def add_arguments(self, parser):
        parser.add_argument("file", help="Tệp sổ theo dõi")
        parser.add_argument("--sheet", help="Tên trang (mặc định: trang đầu); văn bản Word: «Bảng 2»… (mặc định: bảng "
                                            "trông giống sổ nhất)")
        parser.add_argument("--mapping", help='Tệp JSON ghép tiêu đề cột với trường: {"Tên cột": "full_name", …}')
        parser.add_argument("--dry-run", action="store_true", help="Chạy thử: kiểm tra, báo cáo, không lưu gì")
        parser.add_argument("--report", help="Ghi báo cáo ra tệp: .xlsx (cho cán bộ sửa) hoặc .json")
        parser.add_argument("--json", action="store_true", help="In kết quả dạng JSON")
        parser.add_argument("--as", dest="as_user", help="Thực hiện với tư cách người dùng này")

    def handle(self, *args, file, sheet=None, mapping=None, dry_run=False, report=None, json=False, as_user=None,
               **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"Không có tệp {file}.")
        try:
            actor = resolve_actor(as_user)
            require_import(actor)  # the web's rule: EDIT_DOSSIER on the whole province (a register touches any commune)
            columns = _load_mapping(mapping)
        except (LookupError, ValueError, PermissionDenied) as exc:
            raise CommandError(str(exc)) from exc
        started = time.monotonic()
        try:
            with tqdm(desc="Nhập sổ", unit=" dòng", mininterval=2, disable=json) as bar:
                result = import_register(actor=actor, path=path, sheet=sheet, mapping=columns, dry_run=dry_run,
                                         progress=bar.update)
        except RegisterFileError as exc:
            raise CommandError(str(exc)) from exc
        if report:
            out = Path(report)
            if out.suffix.lower() == ".json":
                out.write_text(_dumps(result.as_dict()), encoding="utf-8")
            else:
                write_report(result, out)
        if json:
            self.stdout.write(_dumps(result.as_dict()))
            return
        self.stdout.write(
            f"{'Chạy thử — không lưu. ' if dry_run else ''}{result.rows} dòng trong {time.monotonic() - started:.1f} "
            f"giây: tạo mới {result.created}, cập nhật {result.updated}, không đổi {result.unchanged}, "
            f"{len(result.failed_rows)} dòng không nhập ({len(result.errors)} lỗi), {result.warnings_total} cảnh báo.")
        if result.encodings:
            self.stdout.write("Bảng mã: " + ", ".join(f"{k} {v}" for k, v in result.encodings.most_common()))
        for issue in result.errors[:20]:
            self.stderr.write(f"  dòng {issue.row}, cột «{issue.column}», «{issue.value}»: {issue.message}")
        if len(result.errors) > 20:
            self.stderr.write(f"  … và {len(result.errors) - 20} lỗi khác (xem --report).")


def _load_mapping(path: str | None) -> dict[str, str] | None:
    if not path:
        return None
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ValueError(f"Không đọc được tệp ghép cột {path}: {exc}") from exc
    if not isinstance(data, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in data.items()):
        raise ValueError('Tệp ghép cột phải là JSON dạng {"Tên cột": "tên trường"}.')
    return data


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, default=str)
