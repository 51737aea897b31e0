import json
import sys

from django.core.management.base import BaseCommand, CommandError

from hoso.access.services import resolve_actor
from hoso.search.services import search


class Command(BaseCommand):
    # A question, not a change: Django's system checks (they import every view to check the URLs, 1.4 s of
    # each call) run with migrate, the server and `hoso check`.
    requires_system_checks: list[str] = []
    help = "Tìm người và hồ sơ như người dùng dòng lệnh được thấy. --batch FILE: mỗi dòng một câu tìm."

    def add_arguments(self, parser):
        parser.add_argument("query", nargs="?", help="Câu tìm, ví dụ: Nguyen Van Duc 1950 Trieu Phong")
        parser.add_argument("--limit", type=int, default=10, help="Số kết quả tối đa (mặc định 10)")
        parser.add_argument("--json", action="store_true", help="In ra JSON")
        parser.add_argument("--batch", help="Tệp văn bản, mỗi dòng một câu tìm ('-' là đầu vào chuẩn)")
        parser.add_argument("--as", dest="as_user", help="Tìm với tư cách người dùng này")

    def handle(self, *args, query=None, limit=10, json=False, batch=None, as_user=None, **options):
        if (query is None) == (batch is None):
            raise CommandError("Cần đúng một trong hai: câu tìm, hoặc --batch TỆP.")
        if limit < 1:
            raise CommandError("--limit phải là số dương.")
        try:
            actor = resolve_actor(as_user)
        except LookupError as exc:
            raise CommandError(str(exc)) from exc
        if batch is None:
            self._one(actor, query, limit, json)
            return
        try:
            stream = sys.stdin if batch == "-" else open(batch, encoding="utf-8-sig")  # noqa: SIM115
        except OSError as exc:
            raise CommandError(f"Không mở được tệp {batch}: {exc.strerror}") from exc
        with stream:
            try:
                for line in stream:
                    line = line.rstrip("\r\n")
                    result = search(actor=actor, text=line, limit=limit)
                    if json:
                        self.stdout.write(_dumps(result.as_dict()))
                    else:
                        self._print(line, result)
            except UnicodeDecodeError as exc:
                raise CommandError(f"Tệp {batch} không phải văn bản UTF-8 (byte {exc.start}).") from exc

    def _one(self, actor, query, limit, as_json):
        result = search(actor=actor, text=query, limit=limit)
        if as_json:
            self.stdout.write(_dumps(result.as_dict()))
        else:
            self._print(query, result)

    def _print(self, query, result):
        if result.message:
            self.stderr.write(result.message)
        self.stdout.write(f"«{query}»: {result.total} kết quả")
        for hit in result.hits:
            year = hit.birth_year or "—"
            notes = "".join([" [gần đúng]" if hit.approximate else "",
                             f" [khớp thân nhân: {hit.relative}]" if hit.relative else ""])
            self.stdout.write(
                f"  {hit.dossier_number:<20} {hit.full_name:<28} {year!s:<5} {hit.category:<3} {hit.hometown}{notes}")


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False)
