import secrets
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from hoso.access.models import User
from hoso.access.services import create_user, set_password, system_user
from hoso.records.models import Dossier

DEMO_USER = "admin"
FIXTURES = Path(__file__).resolve().parents[3] / "gazetteer" / "fixtures"


class Command(BaseCommand):
    help = "Tạo cơ sở dữ liệu nhúng, nạp một tỉnh mẫu (dữ liệu giả lập) và chạy máy chủ trên localhost."

    def add_arguments(self, parser):
        parser.add_argument("--people", type=int, default=3000, help="Số người cần tạo (mặc định 3000)")
        parser.add_argument("--seed", type=int, default=1975, help="Hạt giống ngẫu nhiên (dữ liệu lặp lại được)")
        parser.add_argument("--addr", default="127.0.0.1:8000", help="Địa chỉ phục vụ (mặc định 127.0.0.1:8000)")
        parser.add_argument("--no-serve", action="store_true", help="Chỉ tạo dữ liệu, không chạy máy chủ")

    def handle(self, *args, people: int, seed: int, addr: str, no_serve: bool, **options):
        if people < 0:
            raise CommandError("--people phải là số không âm.")
        started = time.monotonic()
        call_command("migrate", verbosity=0, interactive=False)
        actor = system_user()
        self._load_units(actor)
        if Dossier.objects.exists():
            self.stdout.write(f"Cơ sở dữ liệu đã có {_n(Dossier.objects.count())} hồ sơ: giữ nguyên, không tạo thêm.")
        elif people:
            self._generate(actor, people, seed)
        password = self._demo_user(actor)
        self.stdout.write(self.style.SUCCESS(
            f"Xong sau {time.monotonic() - started:.1f} giây. Dữ liệu ở {settings.DATA_DIR}\n"
            f"Đăng nhập: tên «{DEMO_USER}», mật khẩu «{password}»"))
        if not no_serve:
            self.stdout.write(f"Mở http://{addr}/ trong trình duyệt (Ctrl+C để dừng).")
            call_command("runserver", addr, use_reloader=False)

    def _load_units(self, actor) -> None:
        from hoso.gazetteer.models import AdminUnit
        from hoso.gazetteer.services import load_unit_file

        if AdminUnit.objects.exists():
            return
        for name in ("communes-demo.csv", "mapping-demo.csv"):
            load_unit_file(actor=actor, path=FIXTURES / name)

    def _generate(self, actor, people: int, seed: int) -> None:
        from hoso.records.demo import ProvinceGenerator
        from hoso.records.services import bulk_register_dossiers

        generator = ProvinceGenerator(people=people, seed=seed, province_code=settings.HOSO_PROVINCE_CODE)
        with tqdm(total=people, desc="Tạo dữ liệu mẫu", unit=" người", mininterval=2) as bar:
            def advance(seeds_in_batch: int) -> None:
                bar.n = min(people, generator.made)
                bar.refresh()

            count = bulk_register_dossiers(actor=actor, seeds=generator, source="hoso demo", progress=advance)
        self.stdout.write(f"Đã tạo {_n(count)} hồ sơ với {_n(generator.made)} người.")

    def _demo_user(self, actor) -> str:
        password = f"demo-{secrets.token_hex(4)}"
        user = User.objects.filter(username=DEMO_USER).first()
        if user is None:
            create_user(actor=actor, username=DEMO_USER, password=password, full_name="Quản trị mẫu",
                        is_superuser=True)
        else:
            set_password(actor=actor, user=user, password=password)
        return password


def _n(number: int) -> str:
    """A whole number the Vietnamese way: 120.000."""
    return f"{number:,}".replace(",", ".")
