import os
import secrets
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from hoso.access.models import User
from hoso.access.permissions import Role
from hoso.access.services import create_user, set_password, system_user
from hoso.capture.demo import digitise_demo
from hoso.core.memory import fewer_collections, freeze_startup_heap
from hoso.gazetteer.models import AdminUnit
from hoso.gazetteer.services import load_unit_file
from hoso.procedures.demo import demo_cases
from hoso.records.demo import ProvinceGenerator
from hoso.records.models import Dossier
from hoso.records.services import bulk_register_dossiers

DEMO_USERS = [
    ("canbo", "Cán bộ chính sách mẫu", Role.POLICY_OFFICER, {"scope_all": True, "secret_clearance": True}),
    ("xa", "Cán bộ xã mẫu", Role.COMMUNE_OFFICER, {}),
    ("luutru", "Lưu trữ viên mẫu", Role.ARCHIVIST, {"scope_all": True, "secret_clearance": True}),
    ("nhaplieu", "Nhập liệu, số hóa mẫu", Role.DATA_ENTRY, {"scope_all": True}),
    ("kiemtra", "Kiểm tra dữ liệu mẫu", Role.VERIFIER, {"scope_all": True}),
    ("lanhdao", "Lãnh đạo mẫu", Role.LEADER, {"scope_all": True}),
    ("kiemsoat", "Kiểm soát nhật ký mẫu", Role.AUDITOR, {}),
    ("quantri", "Quản trị mẫu", Role.ADMIN, {"scope_all": True}),
]
FIXTURES = Path(__file__).resolve().parents[3] / "gazetteer" / "fixtures"


class Command(BaseCommand):
    help = "Tạo cơ sở dữ liệu nhúng, nạp một tỉnh mẫu (dữ liệu giả lập) và chạy máy chủ trên localhost."

    def add_arguments(self, parser):
        parser.add_argument("--people", type=int, default=3000, help="Số người cần tạo (mặc định 3000)")
        parser.add_argument("--seed", type=int, default=1975, help="Hạt giống ngẫu nhiên (dữ liệu lặp lại được)")
        parser.add_argument("--addr", default="127.0.0.1:8000", help="Địa chỉ phục vụ (mặc định 127.0.0.1:8000)")
        parser.add_argument("--no-serve", action="store_true", help="Chỉ tạo dữ liệu, không chạy máy chủ")
        parser.add_argument("--no-scans", action="store_true",
                            help="Không số hóa các hồ sơ mẫu (ảnh trang, nhận dạng chữ, PDF/A)")

    def handle(self, *args, people: int, seed: int, addr: str, no_serve: bool, no_scans: bool = False, **options):
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
        if not no_scans:
            self._digitise(actor, seed)
        users = self._demo_users(actor)
        self._cases()
        self.stdout.write(self.style.SUCCESS(
            f"Xong sau {time.monotonic() - started:.1f} giây. Dữ liệu ở {settings.DATA_DIR}"))
        for username, password, what in users:
            self.stdout.write(f"Đăng nhập: tên «{username}», mật khẩu «{password}» — {what}")
        self.stdout.write("(Quản trị viên và lưu trữ viên phải cài ứng dụng xác thực hai lớp (TOTP) ở lần đăng nhập "
                          "đầu.)")
        if not no_serve:
            with _worker():
                self.stdout.write("Tiến trình xử lý nền (số hóa, nhập sổ) chạy cùng máy chủ.")
                self.stdout.write(f"Mở http://{addr}/ trong trình duyệt (Ctrl+C để dừng).")
                _serve(addr)

    def _load_units(self, actor) -> None:

        if AdminUnit.objects.exists():
            return
        for name in ("communes-demo.csv", "mapping-demo.csv"):
            load_unit_file(actor=actor, path=FIXTURES / name)

    def _generate(self, actor, people: int, seed: int) -> None:

        generator = ProvinceGenerator(people=people, seed=seed, province_code=settings.HOSO_PROVINCE_CODE)
        with fewer_collections(), tqdm(total=people, desc="Tạo dữ liệu mẫu", unit=" người", mininterval=2) as bar:
            def advance(seeds_in_batch: int) -> None:
                bar.n = min(people, generator.made)
                bar.refresh()

            count = bulk_register_dossiers(actor=actor, seeds=generator, source="hoso demo", progress=advance)
        self.stdout.write(f"Đã tạo {_n(count)} hồ sơ với {_n(generator.made)} người.")

    def _digitise(self, actor, seed: int) -> None:
        """A few dossiers scanned and run through the real pipeline (once; skipped when pages exist)."""

        started = time.monotonic()
        pages = digitise_demo(actor=actor, seed=seed, jobs=os.cpu_count() or 1)
        if pages:
            self.stdout.write(f"Đã số hóa {pages} trang mẫu (nhận dạng chữ, PDF/A) sau "
                              f"{time.monotonic() - started:.1f} giây.")

    def _cases(self) -> None:
        """A few one-stop cases in every list of «Việc của tôi» (once), made by the demo's desk, specialist, leader."""
        users = {u.username: u for u in User.objects.filter(username__in=("canbo", "luutru", "lanhdao"))}
        made = demo_cases(desk=users.get("canbo"), specialist=users.get("luutru"), leader=users.get("lanhdao"))
        if made:
            self.stdout.write(f"Đã tạo {made} hồ sơ thủ tục mẫu (mới, đang thụ lý, quá hạn, chờ bổ sung, chờ trả).")

    def _demo_users(self, actor) -> list[tuple[str, str, str]]:
        """Demo sign-ins, one per kind of work; passwords are new at every run and printed once."""

        current = AdminUnit.objects.filter(level=AdminUnit.Level.COMMUNE, valid_to__isnull=True)
        commune = current.order_by("code").first()
        made = []
        for username, full_name, role, extra in DEMO_USERS:
            if role == Role.COMMUNE_OFFICER and commune is None:
                continue
            password = f"demo-{secrets.token_hex(4)}"
            user = User.objects.filter(username=username).first()
            if user is None:
                units = [commune] if role == Role.COMMUNE_OFFICER else []
                create_user(actor=actor, username=username, password=password, full_name=full_name, role=role,
                            scope_units=units, **extra)
            else:
                set_password(actor=None, user=user, password=password)
            where = commune.name if role == Role.COMMUNE_OFFICER else ("" if role == Role.AUDITOR else "toàn tỉnh")
            made.append((username, password, ", ".join(x for x in (str(Role(role).label), where) if x)))
        return made


def _n(number: int) -> str:
    """A whole number the Vietnamese way: 120.000."""
    return f"{number:,}".replace(",", ".")


@contextmanager
def _worker():
    """`hoso worker` beside the server, stopped with it: uploads and register imports are processed without
    anyone starting anything else (production runs workers as services, see deploy/)."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE") or "hoso.settings"}
    proc = subprocess.Popen([sys.executable, "-m", "hoso", "worker", "--verbosity", "0"], env=env)
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.terminate()  # SIGTERM: the worker ends the page in hand, then stops
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()  # its task goes back to the queue at the next start (capture.worker.recover_stale)
                proc.wait()


def _serve(addr: str) -> None:
    """Serve the product with waitress (a pool of threads that keep their database connections, as in production;
    runserver opens a cold connection per request). Static files come through whitenoise."""
    from django.core.wsgi import get_wsgi_application
    from waitress import serve

    host, _, port = addr.rpartition(":")
    application = get_wsgi_application()
    freeze_startup_heap()
    serve(application, host=host.strip("[]") or "127.0.0.1", port=int(port), threads=8,
          ident="hoso")
