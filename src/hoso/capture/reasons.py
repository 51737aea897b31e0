"""Why a file was not taken in, in the reader's language.

The checks at the door (imaging/checks.py, a pure core) refuse a file with a code and a reason written in
Vietnamese, the source language: that reason is what is stored (BatchItem.reason) and audited. A reader of another
language gets the refusal worded here from its code and the file's name (less precise than the Vietnamese reason,
which also gives the limits and sizes); a Vietnamese reader gets the checks' own reason.
"""

from typing import Any

from django.utils.translation import get_language, ngettext_lazy
from django.utils.translation import gettext_lazy as _

from hoso.core.i18n import SOURCE_LANGUAGE, in_vietnamese
from hoso.imaging.checks import Rejected

REJECTIONS = {
    "unsafe_name": _("Tên tệp «%(name)s» không an toàn hoặc không hợp lệ."),
    "empty": _("Tệp «%(name)s» rỗng (0 byte)."),
    "too_large": _("Tệp «%(name)s» quá lớn, vượt giới hạn cho phép."),
    "unsupported": _("Tệp «%(name)s» có định dạng không được nhận."),
    "not_image": _("Tệp «%(name)s» không phải ảnh quét hay PDF."),
    "too_small": _("Ảnh «%(name)s» quá nhỏ, không phải bản quét."),
    "truncated": _("Tệp «%(name)s» bị hỏng hoặc bị cắt cụt."),
    "too_many_pages": _("Tệp «%(name)s» có quá nhiều trang, vượt giới hạn cho phép."),
    "encrypted": _("PDF «%(name)s» có mật khẩu hoặc bị mã hóa, không mở được."),
    "active_pdf": _("PDF «%(name)s» chứa nội dung chủ động (JavaScript, tệp đính kèm…): không nhận vì lý do an "
                    "toàn."),
    "not_pdf": _("Tệp «%(name)s» không phải PDF."),
    "not_photo": _("Ảnh chụp phải là tệp ảnh (JPEG, PNG…), không phải PDF."),
}


# Why capture did not take a file or folder in, for reasons of its own (BatchItem.reason_code → its words).
ITEM_REASONS = {
    "outside_folder": _("«%(name)s» nằm ngoài thư mục hồ sơ: mỗi hồ sơ là một thư mục con mang số hồ sơ."),
    "not_number": ngettext_lazy("Tên thư mục «%(folder)s» không phải số hồ sơ (%(error)s): %(count)s tệp chưa được "
                                "nhận.", "Tên thư mục «%(folder)s» không phải số hồ sơ (%(error)s): %(count)s tệp "
                                "chưa được nhận.", "count"),
    "ambiguous": ngettext_lazy("Số %(number)s ứng với nhiều hồ sơ (%(others)s): hãy đặt tên thư mục kèm mã thời kỳ: "
                               "%(count)s tệp chưa được nhận.", "Số %(number)s ứng với nhiều hồ sơ (%(others)s): hãy "
                               "đặt tên thư mục kèm mã thời kỳ: %(count)s tệp chưa được nhận.", "count"),
    "no_dossier": ngettext_lazy("Không có hồ sơ số %(number)s trong hệ thống (hoặc bạn không có quyền với hồ sơ "
                                "này): %(count)s tệp chưa được nhận. Hãy đăng ký hồ sơ trước.", "Không có hồ sơ số "
                                "%(number)s trong hệ thống (hoặc bạn không có quyền với hồ sơ này): %(count)s tệp chưa "
                                "được nhận. Hãy đăng ký hồ sơ trước.", "count"),
    "outside_link": _("«%(name)s» là liên kết trỏ ra ngoài thư mục quét: không nhận."),
    "subfolder": _("«%(name)s» là thư mục con trong thư mục hồ sơ: không nhận (các trang phải nằm ngay trong thư mục "
                   "hồ sơ)."),
    "unreadable": _("Không đọc được tệp «%(name)s»: %(error)s"),
    "known": _("Đã có trong hồ sơ (trang %(page)s), không thêm lần nữa."),
}


def _reads_vietnamese() -> bool:
    return (get_language() or SOURCE_LANGUAGE).split("-")[0] == SOURCE_LANGUAGE


def rejection_text(exc: Rejected, name: str) -> str:
    """The refusal `exc` of the file `name` as the current reader reads it."""
    text = REJECTIONS.get(exc.code)
    if text is None or _reads_vietnamese():
        return exc.reason
    return str(text) % {"name": name[:120]}


def vietnamese_reason(code: str, params: dict[str, Any]) -> str:
    """One of capture's own reasons (ITEM_REASONS) in Vietnamese, as it is written down."""
    with in_vietnamese():
        return str(ITEM_REASONS[code] % params)


def item_reason(code: str, params: dict[str, Any] | None, stored: str) -> str:
    """A batch item's stored reason (`stored`, Vietnamese) as the current reader reads it: worded again from its code
    and parameters when it has them; the checks' own reason for a Vietnamese reader of a refused file."""
    params = params or {}
    try:
        if code in ITEM_REASONS:
            return str(ITEM_REASONS[code] % params)
        if code in REJECTIONS and not _reads_vietnamese():
            return str(REJECTIONS[code]) % {"name": str(params.get("name", ""))[:120]}
    except (KeyError, TypeError, ValueError):  # parameters that do not fit the words: the stored reason
        pass
    return stored


# Why no page was found in a photo (imaging.photo.REASONS's codes), in the reader's language.
PHOTO_REASONS = {
    "no_page": _("Không tìm thấy trang giấy trong ảnh (không có vùng giấy sáng hình tứ giác); giữ nguyên cả ảnh."),
    "fills_frame": _("Không tìm thấy mép trang giấy (vật được chụp chiếm cả khung ảnh); giữ nguyên cả ảnh."),
}


def photo_reason(code: str, reason: str = "") -> str:
    """Why no page was found in a photo, from its code (`reason`, the pure core's Vietnamese, for an unknown one)."""
    text = PHOTO_REASONS.get(code or "")
    return str(text) if text is not None else reason
