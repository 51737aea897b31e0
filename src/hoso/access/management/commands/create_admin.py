"""`hoso create_admin USERNAME [--full-name NAME] [--password-stdin] [--clearance]`: the first administrator of a new
installation, made at the server's console (there is nobody yet to make one in the web UI)."""

import getpass
import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from hoso.access.models import User
from hoso.access.permissions import Role
from hoso.access.services import create_user


class Command(BaseCommand):
    help = ("Tạo tài khoản quản trị đầu tiên của một hệ thống mới (phải đổi mật khẩu và cài TOTP ở lần đăng nhập "
            "đầu). Khi đã có quản trị viên đang hoạt động, hãy tạo người dùng trong trang Quản trị người dùng.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("username", metavar="USERNAME", help="Tên đăng nhập")
        parser.add_argument("--full-name", default="", help="Họ và tên")
        parser.add_argument("--password-stdin", action="store_true",
                            help="Đọc mật khẩu ban đầu từ dòng đầu của đầu vào chuẩn (không hỏi)")
        parser.add_argument("--clearance", action="store_true",
                            help="Cho phép xem hồ sơ «Mật» (người vận hành máy chủ chịu trách nhiệm)")

    def handle(self, *args, username: str, full_name: str, password_stdin: bool, clearance: bool,
               **options) -> None:
        active = list(User.objects.filter(role=Role.ADMIN, is_active=True).values_list("username", flat=True)[:3])
        if active:
            raise CommandError(f"Đã có quản trị viên đang hoạt động ({', '.join(active)}): hãy đăng nhập bằng tài "
                               f"khoản đó và tạo người dùng trong trang Quản trị người dùng.", returncode=2)
        password = self._password(password_stdin)
        try:
            user = create_user(actor=None, username=username.strip(), password=password, full_name=full_name.strip(),
                               role=Role.ADMIN, scope_all=True, secret_clearance=clearance,
                               must_change_password=True)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages), returncode=2) from None
        self.stdout.write(f"Đã tạo quản trị viên «{user.username}» (toàn tỉnh"
                          f"{', được xem hồ sơ Mật' if clearance else ''}). Ở lần đăng nhập đầu phải đổi mật khẩu "
                          f"và cài mã xác thực hai lớp (TOTP).")

    @staticmethod
    def _password(from_stdin: bool) -> str:
        if from_stdin:
            password = sys.stdin.readline().rstrip("\r\n")
        elif sys.stdin.isatty():
            password = getpass.getpass("Mật khẩu ban đầu: ")
            if getpass.getpass("Nhập lại mật khẩu: ") != password:
                raise CommandError("Hai lần nhập mật khẩu không khớp. Chưa tạo tài khoản.", returncode=2)
        else:
            raise CommandError("Không có bàn phím để hỏi mật khẩu: dùng --password-stdin và đưa mật khẩu vào đầu "
                               "vào chuẩn.", returncode=2)
        if not password:
            raise CommandError("Mật khẩu không được để trống. Chưa tạo tài khoản.", returncode=2)
        return password
