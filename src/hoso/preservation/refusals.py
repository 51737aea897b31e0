"""Why a transfer package was refused, in the reader's language.

An import refusal is written to the audit trail, so its reason (PackageError.reason) is built in Vietnamese, with the
exact fault: the file, the checksum, the field. A Vietnamese reader reads that reason; a reader of another language
reads the fault named here from the refusal's code — the same fault, without the details quoted from the package
(they stay in the audit trail and in the Vietnamese reason, which is shown beneath for whoever needs them).
"""

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from hoso.core.i18n import SOURCE_LANGUAGE
from hoso.preservation.services.packages import PackageError

REFUSALS = {
    "not_found": _("Không có tệp gói đã chọn."),
    "not_zip": _("Tệp không phải gói .zip."),
    "zip_damaged": _("Tệp .zip bị hỏng, không mở được."),
    "unsafe_path": _("Gói chứa đường dẫn không an toàn (ra ngoài thư mục gói hoặc liên kết): không mở."),
    "too_large": _("Gói lớn hơn mức cho phép hoặc lớn hơn những gì gói tự khai: không mở."),
    "no_oxum": _("Gói không khai dung lượng và số tệp (Payload-Oxum trong bag-info.txt)."),
    "not_a_bag": _("Gói không đúng cấu trúc BagIt."),
    "invalid_bag": _("Gói không hợp lệ theo BagIt."),
    "no_sha256": _("Gói không có danh sách kiểm tra SHA-256."),
    "missing_file": _("Gói thiếu tệp mà danh sách kiểm tra có ghi."),
    "unexpected_file": _("Gói có tệp không có trong danh sách kiểm tra."),
    "checksum_mismatch": _("Có tệp trong gói không khớp mã kiểm tra SHA-256: gói đã bị thay đổi hoặc hỏng."),
    "bad_metadata": _("metadata.json thiếu, không đọc được hoặc sai dữ liệu."),
    "metadata_mismatch": _("Các tệp mô tả gói (bag-info.txt, metadata.json) không khớp nhau."),
    "bad_mets": _("mets.xml không đọc được."),
    "mets_mismatch": _("mets.xml không khớp các tệp của gói."),
    "bad_master": _("Có ảnh gốc trong gói không qua được kiểm tra tệp khi nhận."),
    "store_mismatch": _("Tệp đọc lại từ kho tệp không khớp mã kiểm tra: chưa nhận gì."),
    "store_missing": _("Thiếu tệp trong kho tệp."),
    "unavailable": _("Số hồ sơ của gói không dùng được trong phạm vi của bạn."),
    "conflict": _("Số hồ sơ của gói đã có trong hệ thống với nội dung khác: không ghi đè."),
    "roundtrip_mismatch": _("Hồ sơ nhập vào không giống gói: đã hủy, không lưu gì."),
    "invalid_content": _("Không đăng ký được hồ sơ từ gói: dữ liệu trong gói không hợp lệ."),
}
UNKNOWN = _("Gói bị từ chối (mã lỗi %(code)s).")


def refusal_text(exc: PackageError) -> str:
    """The refusal as the current reader reads it: the exact Vietnamese reason, or the fault named from its code."""
    if (get_language() or SOURCE_LANGUAGE).split("-")[0] == SOURCE_LANGUAGE:
        return exc.reason
    text = REFUSALS.get(exc.code)
    return str(text) if text is not None else str(UNKNOWN) % {"code": exc.code}


RESULTS = {
    "imported": _("Đã nhận hồ sơ %(number)s từ gói."),
    "already_imported": _("Gói này đã được nhập trước đây (hồ sơ %(number)s): không thay đổi gì."),
    "unchanged": _("Hồ sơ %(number)s đã có ở đây với nội dung giống hệt gói: không thay đổi gì."),
}


def result_text(status: str, number: str, message: str) -> str:
    """An import's outcome as the current reader reads it: the Vietnamese message (with its dates and counts), or the
    outcome named from its status."""
    if (get_language() or SOURCE_LANGUAGE).split("-")[0] == SOURCE_LANGUAGE or status not in RESULTS:
        return message
    return str(RESULTS[status]) % {"number": number}
