"""Every permission and role of hoso, declared once (read this file to know who may do what).

A role is a set of permissions. Two things sit beside roles on each user: an area scope (the whole
province, or a list of communes) and an explicit clearance for "mật" (secret) dossiers and documents.
Health data (tỷ lệ tổn thương, medical records) is sensitive personal data (Luật BVDLCN 91/2025):
only roles that need it hold VIEW_HEALTH.
"""

from dataclasses import dataclass, field

from django.db import models
from django.utils.translation import gettext_lazy


@dataclass(frozen=True)
class Permission:
    """A permission is its code; the label (in the reader's language) takes no part in comparing or hashing."""

    code: str
    label: str = field(compare=False)

    def __str__(self) -> str:
        return self.code


SIGNED_IN = Permission("signed_in", gettext_lazy("Đã đăng nhập"))  # a rule, held by every active user
VIEW_DOSSIER = Permission("view_dossier", gettext_lazy("Xem hồ sơ trong phạm vi"))
EDIT_DOSSIER = Permission("edit_dossier", gettext_lazy("Đăng ký, sửa hồ sơ"))
DELETE_DOSSIER = Permission("delete_dossier", gettext_lazy("Xóa hồ sơ đăng ký nhầm"))
VERIFY_DOSSIER = Permission("verify_dossier", gettext_lazy("Kiểm tra dữ liệu so với ảnh"))
VIEW_HEALTH = Permission("view_health", gettext_lazy("Xem dữ liệu sức khỏe (giám định, tỷ lệ tổn thương)"))
VIEW_FILES = Permission("view_files", gettext_lazy("Xem, tải ảnh trang và bản PDF"))
CAPTURE = Permission("capture", gettext_lazy("Số hóa: quét, tải ảnh lên, sắp xếp trang"))
EXPORT = Permission("export", gettext_lazy("Xuất danh sách, in"))
VIEW_STATISTICS = Permission("view_statistics", gettext_lazy("Xem thống kê"))
MANAGE_ARCHIVE = Permission("manage_archive", gettext_lazy("Quản lý kho, cho mượn hồ sơ gốc, chuyển hồ sơ"))
VIEW_AUDIT = Permission("view_audit", gettext_lazy("Xem và xuất nhật ký"))
MANAGE_USERS = Permission("manage_users", gettext_lazy("Quản lý người dùng, vai trò, phạm vi"))
# One-stop procedures (thủ tục một cửa): the desk receives and returns, the specialist processes, the leader decides.
RECEIVE_CASE = Permission("receive_case", gettext_lazy("Tiếp nhận hồ sơ thủ tục, trả kết quả"))
PROCESS_CASE = Permission("process_case", gettext_lazy("Thụ lý hồ sơ thủ tục"))
DECIDE_CASE = Permission("decide_case", gettext_lazy("Duyệt, quyết định hoặc từ chối hồ sơ thủ tục"))
MANAGE_PROCEDURES = Permission("manage_procedures", gettext_lazy("Sửa danh mục thủ tục, lịch ngày nghỉ"))

ALL_PERMISSIONS = (VIEW_DOSSIER, EDIT_DOSSIER, DELETE_DOSSIER, VERIFY_DOSSIER, VIEW_HEALTH, VIEW_FILES, CAPTURE,
                   EXPORT, VIEW_STATISTICS, MANAGE_ARCHIVE, VIEW_AUDIT, MANAGE_USERS, RECEIVE_CASE, PROCESS_CASE,
                   DECIDE_CASE, MANAGE_PROCEDURES)


class Role(models.TextChoices):
    ADMIN = "admin", gettext_lazy("Quản trị hệ thống")
    ARCHIVIST = "archivist", gettext_lazy("Lưu trữ viên")
    POLICY_OFFICER = "policy_officer", gettext_lazy("Cán bộ chính sách")
    DATA_ENTRY = "data_entry", gettext_lazy("Nhập liệu, số hóa")
    VERIFIER = "verifier", gettext_lazy("Kiểm tra dữ liệu")
    COMMUNE_OFFICER = "commune_officer", gettext_lazy("Cán bộ xã")
    LEADER = "leader", gettext_lazy("Lãnh đạo, thanh tra")
    AUDITOR = "auditor", gettext_lazy("Kiểm soát nhật ký")
    SYSTEM = "system", gettext_lazy("Hệ thống (dòng lệnh, tác vụ nền)")


ROLE_PERMISSIONS: dict[str, frozenset[Permission]] = {
    Role.ADMIN: frozenset({VIEW_DOSSIER, EDIT_DOSSIER, DELETE_DOSSIER, VIEW_FILES, EXPORT, VIEW_STATISTICS,
                           VIEW_AUDIT, MANAGE_USERS, MANAGE_PROCEDURES}),
    Role.ARCHIVIST: frozenset({VIEW_DOSSIER, EDIT_DOSSIER, VIEW_HEALTH, VIEW_FILES, CAPTURE, EXPORT,
                               VIEW_STATISTICS, MANAGE_ARCHIVE, PROCESS_CASE}),
    Role.POLICY_OFFICER: frozenset({VIEW_DOSSIER, EDIT_DOSSIER, VIEW_HEALTH, VIEW_FILES, EXPORT, VIEW_STATISTICS,
                                    RECEIVE_CASE, PROCESS_CASE}),
    Role.DATA_ENTRY: frozenset({VIEW_DOSSIER, EDIT_DOSSIER, VIEW_HEALTH, VIEW_FILES, CAPTURE}),
    Role.VERIFIER: frozenset({VIEW_DOSSIER, VERIFY_DOSSIER, VIEW_HEALTH, VIEW_FILES}),
    Role.COMMUNE_OFFICER: frozenset({VIEW_DOSSIER, EDIT_DOSSIER, VIEW_FILES, EXPORT, RECEIVE_CASE, PROCESS_CASE}),
    Role.LEADER: frozenset({VIEW_DOSSIER, VIEW_STATISTICS, EXPORT, DECIDE_CASE}),
    Role.AUDITOR: frozenset({VIEW_AUDIT}),
    Role.SYSTEM: frozenset(ALL_PERMISSIONS),
}
ASSIGNABLE_ROLES = [(value, label) for value, label in Role.choices if value != Role.SYSTEM]
