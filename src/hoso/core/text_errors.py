"""The pure core's refusals (hoso.vntext: a dossier number, a date as written) worded in the reader's language.

vntext imports nothing from Django, so its exceptions carry a code and parameters beside their Vietnamese text
(``str(exc)``: for the command line and for what is stored). Where such a refusal is shown to a web or API user, it is
worded here, through gettext; each Vietnamese msgid reads exactly as the core's own text. An exception without a code
this module knows keeps the core's text.
"""

from django.utils.functional import lazy
from django.utils.translation import gettext, gettext_noop

from hoso.vntext.dates import InvalidPartialDate
from hoso.vntext.dossier_number import InvalidDossierNumber

# The Vietnamese msgids, each reading exactly as the core's text; worded through gettext when shown. An import keeps
# the msgid and parameters with the row's issue (imports/issues.py words it again for the reader).
DOSSIER_NUMBER_TEXTS = {
    "form": gettext_noop("Số hồ sơ không hợp lệ: «%(text)s». Dạng đúng: %(example)s"),
    "empty": gettext_noop("Số hồ sơ không hợp lệ: «%(text)s». Chưa nhập số hồ sơ. Dạng đúng: %(example)s"),
    "too_long": gettext_noop("Số hồ sơ không hợp lệ: «%(text)s». Dài quá %(max)s ký tự. Dạng đúng: %(example)s"),
    "no_province": gettext_noop("Số hồ sơ không hợp lệ: «%(text)s». Thiếu mã tỉnh (3 chữ cái, ví dụ QTI). Dạng đúng: "
                                "%(example)s"),
    "serial_too_long": gettext_noop("Số hồ sơ không hợp lệ: «%(text)s». Số thứ tự dài quá %(max)s chữ số. Dạng đúng: "
                                    "%(example)s"),
    "period": gettext_noop("Số hồ sơ không hợp lệ: «%(text)s». Mã thời kỳ «%(period)s» không đúng (chỉ nhận "
                           "%(periods)s). Dạng đúng: %(example)s"),
    "no_serial": gettext_noop("Số hồ sơ không hợp lệ: «%(text)s». Thiếu số thứ tự. Dạng đúng: %(example)s"),
    "province": gettext_noop("Số hồ sơ không hợp lệ: «%(text)s». Mã tỉnh phải gồm đúng 3 chữ cái in hoa. Dạng đúng: "
                             "%(example)s"),
    "type_code": gettext_noop("Số hồ sơ không hợp lệ: «%(text)s». Mã loại hồ sơ phải gồm 2–3 chữ cái in hoa. Dạng "
                              "đúng: %(example)s"),
    "serial": gettext_noop("Số hồ sơ không hợp lệ: «%(text)s». Số thứ tự phải gồm 1–%(max)s chữ số. Dạng đúng: "
                           "%(example)s"),
}


PARTIAL_DATE_TEXTS = {
    "not_integer": gettext_noop("Ngày tháng phải là số nguyên: %(value)s"),
    "qualifier": gettext_noop("Cách ghi gần đúng không có: %(qualifier)s"),
    "approximate_day": gettext_noop("Ngày gần đúng chỉ ghi đến năm hoặc tháng (ví dụ: khoảng 1948, khoảng 5/1972)"),
    "year_range": gettext_noop("Năm %(year)s nằm ngoài khoảng %(min)s–%(max)s"),
    "day_without_month": gettext_noop("Có ngày thì phải có tháng"),
    "month": gettext_noop("Tháng không tồn tại: %(month)s (tháng từ 1 đến 12)"),
    "day": gettext_noop("Ngày không tồn tại: %(date)s"),
    "iso": gettext_noop("Ngày tháng ISO không hợp lệ: «%(text)s» (dạng đúng: 1972-05-12)"),
    "year_digits": gettext_noop("Năm phải viết đủ 4 chữ số: «%(year)s»"),
    "empty": gettext_noop("Chưa nhập ngày tháng"),
    "approximate_twice": gettext_noop("Không đọc được ngày tháng «%(text)s»: chỉ ghi một cách gần đúng."),
    "unreadable": gettext_noop("Không đọc được ngày tháng «%(text)s». Các dạng được nhận: %(forms)s"),
}


def template_of(exc: InvalidDossierNumber | InvalidPartialDate) -> tuple[str, dict] | None:
    """(the Vietnamese msgid, its parameters) of a core's refusal, or None for one this module does not word."""
    texts = DOSSIER_NUMBER_TEXTS if isinstance(exc, InvalidDossierNumber) else PARTIAL_DATE_TEXTS
    code = getattr(exc, "code", None)
    return (texts[code], dict(getattr(exc, "params", {}))) if code in texts else None


def _worded(exc: InvalidDossierNumber | InvalidPartialDate) -> str:
    found = template_of(exc)
    if found is None:
        return str(exc)
    try:
        return gettext(found[0]) % found[1]
    except (KeyError, TypeError, ValueError):  # parameters the wording does not expect: the core's own text
        return str(exc)


def dossier_number_message(exc: InvalidDossierNumber) -> str:
    """Why a text is not a dossier number, in the active language (Vietnamese: the core's own text)."""
    return _worded(exc)


def partial_date_message(exc: InvalidPartialDate) -> str:
    """Why a date as written cannot be read, in the active language (Vietnamese: the core's own text)."""
    return _worded(exc)


# For a service's ValidationError: worded when read, so that a caller writing it down under in_vietnamese (a
# capture batch's refused item, an import's row) keeps it Vietnamese, and one showing it reads the user's language.
dossier_number_message_lazy = lazy(dossier_number_message, str)
partial_date_message_lazy = lazy(partial_date_message, str)
