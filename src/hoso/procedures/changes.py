"""Decisions that change the record (issue #14, «Links»): what a case's decision changes in its dossier, proposed while
the case is processed (`Case.change`) and applied through records services when the leader records the decision,
with its number and date (cases.decide, in the same transaction: a change that cannot be made refuses the decision).

- Bổ sung thân nhân liệt sĩ (Điều 29 NĐ 131/2021): the relatives to add (name, relationship, birth date, whether
  they draw a benefit) — `add_relatives`.
- Trợ cấp thờ cúng liệt sĩ (Điều 28): who keeps the worship (a relative already in the dossier, or a new one) —
  `worship`: that relative marked as keeping the worship, and a decision «Trợ cấp thờ cúng» for them.
- Sửa đổi, bổ sung thông tin cá nhân (Điều 130): fields of the person's own data and their new values — `correct`:
  the person updated, and a decision «Điều chỉnh» saying what changed.
- Di chuyển hồ sơ (Điều 131): where the dossier goes (province, receiving body, new address, reason) — `transfer`:
  the decision starts the transfer flow of procedures/services.py (the slip, Mẫu 93, sent by the archive), or links
  the dossier's transfer the archive already opened.
Each decision written to the dossier carries the case number.

Pure of cases.py (which calls it); the records services check that the dossier is within the actor's reach.
"""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hoso.access.models import User
from hoso.core.i18n import in_vietnamese
from hoso.core.text_errors import partial_date_message
from hoso.records import services as records
from hoso.records.models import BenefitDecision, Dossier, DossierRelative
from hoso.vntext import PartialDate
from hoso.vntext.dates import InvalidPartialDate, parse_partial_date

from . import services as transfers
from .models import Case

ADD_RELATIVES, WORSHIP, CORRECT, TRANSFER = "add_relatives", "worship", "correct", "transfer"
KIND_OF_PROCEDURE = {"bo-sung-than-nhan-liet-si": ADD_RELATIVES, "tro-cap-tho-cung-liet-si": WORSHIP,
                     "dieu-chinh-thong-tin": CORRECT, "di-chuyen-ho-so": TRANSFER}
TRANSFER_FIELDS = {"to_province": (gettext_lazy("Tỉnh, thành phố nơi chuyển đến"), 120, True),
                   "to_province_code": (gettext_lazy("Mã tỉnh nơi đến"), 3, False),
                   "recipient_agency": (gettext_lazy("Cơ quan nhận hồ sơ"), 200, True),
                   "new_address": (gettext_lazy("Nơi cư trú mới"), 300, False),
                   "reason": (gettext_lazy("Lý do di chuyển"), 300, True)}
# What each required field of a transfer says when left empty.
TRANSFER_MISSING = {"to_province": gettext_lazy("Cần ghi tỉnh, thành phố nơi chuyển đến."),
                    "recipient_agency": gettext_lazy("Cần ghi cơ quan nhận hồ sơ."),
                    "reason": gettext_lazy("Cần ghi lý do di chuyển.")}
CORRECTABLE = {"full_name": gettext_lazy("Họ và tên"), "sex": gettext_lazy("Giới tính"),
               "birth_date": gettext_lazy("Ngày sinh"), "death_date": gettext_lazy("Ngày mất, hy sinh"),
               "ethnicity": gettext_lazy("Dân tộc"), "hometown_text": gettext_lazy("Nguyên quán"),
               "residence_text": gettext_lazy("Trú quán"), "national_id": gettext_lazy("Số định danh cá nhân")}
DATES = {"birth_date", "death_date"}
RELATIONSHIPS = dict(DossierRelative.Relationship.choices)


def kind_for(case: Case) -> str:
    """The kind of change the case's procedure makes to the dossier ("" for none)."""
    return KIND_OF_PROCEDURE.get(case.kind.code, "")


def _date(text: str, field: str) -> str:
    text = (text or "").strip()
    if not text:
        return ""
    try:
        return parse_partial_date(text).iso()
    except (InvalidPartialDate, ValueError) as exc:
        reason = partial_date_message(exc) if isinstance(exc, InvalidPartialDate) else str(exc)
        raise ValidationError({field: _("Ngày không hợp lệ: %(error)s") % {"error": reason}}) from exc


def _relative(data: dict[str, Any]) -> dict[str, Any]:
    name = " ".join(str(data.get("full_name", "")).split())[:200]
    if not name:
        raise ValidationError({"full_name": _("Cần ghi họ tên thân nhân.")})
    relationship = data.get("relationship", "")
    if relationship not in RELATIONSHIPS:
        raise ValidationError({"relationship": _("Quan hệ với liệt sĩ không hợp lệ.")})
    return {"full_name": name, "relationship": relationship,
            "birth_date": _date(data.get("birth_date", ""), "birth_date"),
            "receives_benefit": bool(data.get("receives_benefit"))}


def merge(case: Case, dossier: Dossier, item: dict[str, Any]) -> dict[str, Any]:
    """The case's proposed change with one more item typed on the case page: a relative to add (Điều 29), the
    worship keeper (Điều 28: `link` — a relative of the dossier — or a new relative), or a field and its new
    value (Điều 130). Checked here; the decision applies it."""
    kind = kind_for(case)
    change = dict(case.change) if case.change.get("kind") == kind and not case.change.get("applied") else {}
    change.update(kind=kind, dossier=dossier.pk, number=dossier.number)
    if kind == ADD_RELATIVES:
        change["relatives"] = [*change.get("relatives", []), _relative(item)]
    elif kind == WORSHIP:
        link = item.get("link")
        if link:
            found = dossier.relative_links.select_related("person").filter(pk=link).first()
            if found is None:
                raise ValidationError({"link": _("Người này không có trong danh sách thân nhân của hồ sơ.")})
            change["keeper"] = {"link": found.pk, "full_name": found.person.full_name}
        else:
            change["keeper"] = _relative(item)
    elif kind == CORRECT:
        field, value = item.get("field", ""), " ".join(str(item.get("value", "")).split())
        if field not in CORRECTABLE:
            raise ValidationError({"field": _("Chọn thông tin cần sửa.")})
        if field in DATES:
            value = _date(value, "value")
        elif field == "full_name" and not value:
            raise ValidationError({"value": _("Họ và tên không được để trống.")})
        elif field == "sex" and value not in ("nam", "nu", ""):
            raise ValidationError({"value": _("Giới tính ghi «nam» hoặc «nu».")})
        old = getattr(dossier.subject, field)
        change["fields"] = {**change.get("fields", {}), field: {"from": old.iso() if isinstance(old, PartialDate)
                                                                 else (old or ""), "to": value}}
    elif kind == TRANSFER:
        values = {}
        for name, (_label, length, required) in TRANSFER_FIELDS.items():
            value = " ".join(str(item.get(name, "")).split())[:length]
            if required and not value:
                raise ValidationError({name: str(TRANSFER_MISSING[name])})
            values[name] = value.upper() if name == "to_province_code" else value
        change["transfer"] = values
    else:
        raise ValidationError(_("Thủ tục này không thay đổi hồ sơ người có công."))
    return change


def describe(change: dict[str, Any]) -> list[str]:
    """The change in words, for the case page and the audit trail — in Vietnamese, as it is stored (the notes of a
    decision), whatever the language of the user's screen."""
    with in_vietnamese():
        return _describe(change)


def _describe(change: dict[str, Any]) -> list[str]:
    kind, lines = change.get("kind"), []
    if kind == ADD_RELATIVES:
        lines = [f"Bổ sung thân nhân: {r['full_name']} ({RELATIONSHIPS.get(r['relationship'], '')})"
                 + (f", sinh {PartialDate.from_iso(r['birth_date']).display()}" if r.get("birth_date") else "")
                 + (", đang hưởng trợ cấp" if r.get("receives_benefit") else "") for r in change.get("relatives", [])]
    elif kind == WORSHIP and change.get("keeper"):
        keeper = change["keeper"]
        lines = [f"Người thờ cúng liệt sĩ: {keeper['full_name']}" + (
            f" ({RELATIONSHIPS.get(keeper.get('relationship'), '')}, bổ sung vào hồ sơ)" if not keeper.get("link")
            else " (thân nhân trong hồ sơ)")]
    elif kind == TRANSFER and change.get("transfer"):
        lines = [f"{label}: {change['transfer'][name]}" for name, (label, _, _) in TRANSFER_FIELDS.items()
                 if change["transfer"].get(name)]
    elif kind == CORRECT:
        lines = [f"{CORRECTABLE[field]}: «{values['from'] or '—'}» → «{values['to'] or '—'}»"
                 for field, values in change.get("fields", {}).items()]
    return lines


def _add(actor: User | None, dossier: Dossier, relative: dict[str, Any], note: str, **flags: bool):
    person = records.create_person(actor=actor, full_name=relative["full_name"],
                                   birth_date=PartialDate.from_iso(relative["birth_date"])
                                   if relative.get("birth_date") else None)
    return records.link_relative(actor=actor, dossier=dossier, person=person, relationship=relative["relationship"],
                                 note=note, **flags)


def apply(*, actor: User | None, case: Case, number: str, on: dt.date) -> dict[str, Any]:
    """Make the proposed change to the dossier through records services (audited there, in the actor's name), as the
    decision `number` of day `on` says; returns the change marked as applied."""
    change = dict(case.change)
    if kind_for(case) == TRANSFER:
        return _transfer(actor, case, change, number, on)
    if not number:
        raise ValidationError({"decision_number": _("Cần ghi số quyết định: quyết định này thay đổi hồ sơ người "
                                                    "có công.")})
    dossier = case.dossiers.select_related("subject").filter(pk=change.get("dossier")).first()
    if dossier is None:
        raise ValidationError(_("Hồ sơ cần thay đổi không còn thuộc hồ sơ thủ tục này."))
    signed = PartialDate(on.year, on.month, on.day)
    note = f"Theo quyết định số {number} ngày {on:%d/%m/%Y} (hồ sơ thủ tục {case.number})"[:300]
    kind = change.get("kind")
    if kind == ADD_RELATIVES:
        for relative in change.get("relatives", []):
            _add(actor, dossier, relative, note, receives_benefit=relative.get("receives_benefit", False))
    elif kind == WORSHIP:
        keeper = change.get("keeper") or {}
        if keeper.get("link"):
            link = dossier.relative_links.select_related("person").filter(pk=keeper["link"]).first()
            if link is None:
                raise ValidationError(_("Người thờ cúng đề xuất không còn trong danh sách thân nhân của hồ sơ."))
            records.update_relative(actor=actor, link=link, keeps_worship=True)
        else:
            link = _add(actor, dossier, keeper, note, keeps_worship=True)
        records.add_decision(actor=actor, dossier=dossier, kind=BenefitDecision.Kind.WORSHIP, number=number,
                             signed_on=signed, starts_on=signed, beneficiary=link.person,
                             notes=f"Hồ sơ thủ tục {case.number}")
    elif kind == CORRECT:
        fields = {field: (PartialDate.from_iso(values["to"]) if values["to"] else None) if field in DATES
                  else values["to"] for field, values in change.get("fields", {}).items()}
        records.update_person(actor=actor, person=dossier.subject, **fields)
        records.add_decision(actor=actor, dossier=dossier, kind=BenefitDecision.Kind.CHANGE, number=number,
                             signed_on=signed, notes=("; ".join(describe(change)) + f" (hồ sơ thủ tục {case.number})")
                             [:300])
    else:
        return change
    return {**change, "applied": {"number": number, "on": on.isoformat()}}


def _transfer(actor: User | None, case: Case, change: dict[str, Any], number: str, on: dt.date) -> dict[str, Any]:
    """Điều 131: the decision starts the dossier's transfer (or links the one the archive opened); a case with neither
    where to send it nor an open transfer cannot be decided."""
    dossier = (case.dossiers.filter(pk=change.get("dossier")).first() if change.get("dossier")
               else case.dossiers.order_by("number").first())
    if dossier is None:
        raise ValidationError(_("Hồ sơ thủ tục không có hồ sơ người có công để di chuyển."))
    data = change.get("transfer") or {}
    if not data and not dossier.transfers.filter(state__in=("created", "sent")).exists():
        raise ValidationError(_("Cần ghi nơi chuyển hồ sơ đến (tỉnh, cơ quan nhận, lý do) trước khi duyệt."))
    transfer = transfers.transfer_for_case(actor=actor, case=case, dossier=dossier,
                                           to_province=data.get("to_province", ""),
                                           recipient_agency=data.get("recipient_agency", ""),
                                           reason=data.get("reason", ""), new_address=data.get("new_address", ""),
                                           to_province_code=data.get("to_province_code", ""))
    return {**change, "kind": TRANSFER, "dossier": dossier.pk, "number": dossier.number,
            "applied": {"number": number, "on": on.isoformat(), "transfer": transfer.number}}
