import json

from django.core.management.base import BaseCommand, CommandError

from hoso.access.services import resolve_actor
from hoso.records import services
from hoso.records.as_json import dossier_to_dict


class Command(BaseCommand):
    # A question, not a change: Django's system checks (they import every view to check the URLs, 1.4 s of
    # each call) run with migrate, the server and `hoso check`.
    requires_system_checks: list[str] = []
    help = "Hiển thị một hồ sơ theo số hồ sơ (--json: một tài liệu JSON)."

    def add_arguments(self, parser):
        parser.add_argument("number", help="Số hồ sơ, ví dụ QTI/LS-07956/CM")
        parser.add_argument("--json", action="store_true", help="In ra JSON")
        parser.add_argument("--as", dest="as_user", help="Thực hiện với tư cách người dùng này")

    def handle(self, *args, number: str, json: bool = False, as_user: str | None = None, **options):
        try:
            actor = resolve_actor(as_user)
        except LookupError as exc:
            raise CommandError(str(exc)) from exc
        try:
            canonical = services.canonical_dossier_number(number)
        except Exception as exc:  # ValidationError carries the Vietnamese message
            raise CommandError("; ".join(getattr(exc, "messages", [str(exc)]))) from exc
        dossier = services.open_dossier(actor=actor, number=canonical)
        if dossier is None:
            raise CommandError(f"Không tìm thấy hồ sơ {canonical} (hoặc không có quyền xem).")
        data = dossier_to_dict(dossier, actor=actor)
        if json:
            self.stdout.write(_dumps(data))
            return
        person = data["person"]
        self.stdout.write(f"{data['dossier_number']}  {person['full_name']}  ({data['category']['name']})")
        self.stdout.write(f"  Ngày sinh: {person['birth_date'] or '—'}   Nguyên quán: {person['hometown'] or '—'}")
        self.stdout.write(f"  Thân nhân: {len(data['relatives'])}   Văn bản: {len(data['documents'])}   "
                          f"Trang: {len(data['pages'])}")


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, default=str)
