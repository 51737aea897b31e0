"""Dossiers: open (an audited read), register, update, delete, relatives, category facts, and the reads of
pages and copies handed out."""

import re
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

from hoso.access.models import User
from hoso.core.audit import record_event
from hoso.core.events import AuditAction
from hoso.records.models import (
    BenefitDecision,
    Category,
    Confidentiality,
    Dossier,
    DossierRelative,
    InjuryAssessment,
    MartyrRecord,
    Page,
    Person,
)
from hoso.records.selectors import dossier_detail
from hoso.records.services._common import (
    ASSESSMENT_FIELDS,
    DECISION_FIELDS,
    DOSSIER_FIELDS,
    MARTYR_FIELDS,
    _changed,
    _check_fields,
    _clean_text,
    _notify,
    _validate,
    canonical_dossier_number,
    snapshot,
)
from hoso.records.signals import dossiers_deleting
from hoso.records.visibility import (
    check_confidentiality,
    check_dossier_change,
    check_dossier_reachable,
    number_taken_message,
)
from hoso.vntext import (
    nfc,
)


def open_dossier(*, actor: User, number: str, purpose: str = AuditAction.VIEW) -> Dossier | None:
    """A visible dossier opened to be read (or edited, lent, moved …): the read goes to the audit trail with
    its purpose (an action of core/events.py). None when it does not exist or the user may not see it."""
    dossier = dossier_detail(actor=actor, number=number)
    if dossier is not None:
        record_event(actor=actor, action=purpose, obj=dossier, summary=dossier.number)
    return dossier


def _default_title(category: Category, subject: Person) -> str:
    return f"Hồ sơ {category.name.lower() if category.code != 'BM' else category.name} {subject.full_name}"


NUMBER_WITHOUT_SERIAL = re.compile(
    r"^\s*(?:(?P<province>[A-Za-z]{3})\s*[/\-_.\s]\s*)?(?P<type>[A-Za-z]{2,3})\s*[/\-_.\s]*"
    r"[?*]?\s*[/\-_.\s]\s*(?P<period>TCM|CP|CM|BV)\s*$", re.IGNORECASE)


def next_free_number(text: str) -> str | None:
    """For a number typed without its serial («LS/CM», «QTI/LS-?/CM»), the next serial after the highest given
    for that province, type and period (every dossier counts, seen or not: numbers are unique across the
    province); None when `text` is not of that shape."""
    match = NUMBER_WITHOUT_SERIAL.match(text or "")
    if match is None:
        return None
    province = (match["province"] or settings.HOSO_PROVINCE_CODE).upper()
    prefix, suffix = f"{province}/{match['type'].upper()}-", f"/{match['period'].upper()}"
    serials = [int(n[len(prefix):-len(suffix)]) for n in Dossier.objects.filter(
        number__startswith=prefix, number__endswith=suffix).values_list("number", flat=True)
        if n[len(prefix):-len(suffix)].isdigit()]
    return canonical_dossier_number(f"{prefix}{max(serials, default=0) + 1}{suffix}")


def _check_type_code(canonical: str, category: Category) -> None:
    """The type code of a number names a category (LS, AQ, BM …): it must be the dossier's. A code that names
    no category (an old form's code) is accepted."""
    type_code = canonical.split("/")[-2].split("-")[0]
    if type_code != category.code and Category.objects.filter(code=type_code).exists():
        named = Category.objects.get(code=type_code)
        raise ValidationError({"category": _("Số hồ sơ %(number)s mang mã %(code)s (%(named)s) nhưng diện đã chọn là "
                                             "%(category)s: hãy sửa số hoặc diện cho khớp.") % {
            "number": canonical, "code": type_code, "named": named.label, "category": category.label}})


def register_dossier(*, actor: User | None, number: str, category_code: str, subject: Person,
                     **fields: Any) -> Dossier:
    """Register a paper dossier: canonical unique number, category, subject person, archival fields."""
    _check_fields(fields, DOSSIER_FIELDS, "register_dossier")
    canonical = canonical_dossier_number(number)
    check_confidentiality(actor, fields.get("confidentiality", ""))
    check_dossier_change(actor, confidentiality=fields.get("confidentiality") or Confidentiality.NORMAL,
                         subject=subject)
    category = Category.objects.filter(code=category_code.strip().upper()).first()
    if category is None:
        raise ValidationError({"category": _("Diện đối tượng không có trong danh mục: %(codes)s") % {
            "codes": category_code}})
    _check_type_code(canonical, category)
    with transaction.atomic():
        if Dossier.objects.filter(number=canonical).exists():
            raise ValidationError({"number": number_taken_message(actor, canonical)})
        dossier = Dossier(number=canonical, category=category, subject=subject, **_clean_text(fields))
        if not dossier.title:
            dossier.title = _default_title(category, subject)
        _validate(dossier)
        try:
            with transaction.atomic():
                dossier.save()
        except IntegrityError as exc:  # a concurrent registration of the same number
            raise ValidationError({"number": number_taken_message(actor, canonical)}) from exc
        subject.categories.add(category)
        record_event(actor=actor, action=AuditAction.CREATE, obj=dossier, summary=canonical, after=snapshot(dossier))
        _notify([dossier.pk])
    return dossier


def update_dossier(*, actor: User | None, dossier: Dossier, number: str | None = None,
                   category_code: str | None = None, **changes: Any) -> Dossier:
    _check_fields(changes, DOSSIER_FIELDS, "update_dossier")
    if changes.get("confidentiality", dossier.confidentiality) != dossier.confidentiality:
        check_confidentiality(actor, changes["confidentiality"])
    saved = Dossier.objects.select_related("subject").get(pk=dossier.pk)
    check_dossier_change(actor, confidentiality=changes.get("confidentiality", saved.confidentiality),
                         subject=saved.subject, before=(saved.confidentiality, saved.subject))
    with transaction.atomic():
        before = snapshot(dossier)
        if number is not None:
            canonical = canonical_dossier_number(number)
            if canonical != dossier.number and Dossier.objects.filter(number=canonical).exists():
                raise ValidationError({"number": number_taken_message(actor, canonical)})
            dossier.number = canonical
        if category_code is not None:
            category = Category.objects.filter(code=category_code.strip().upper()).first()
            if category is None:
                raise ValidationError({"category": _("Diện đối tượng không có trong danh mục: %(codes)s") % {
                    "codes": category_code}})
            dossier.category = category
            dossier.subject.categories.add(category)
        if number is not None or category_code is not None:
            _check_type_code(dossier.number, dossier.category)
        for key, value in _clean_text(changes).items():
            setattr(dossier, key, value)
        _validate(dossier)
        dossier.save()
        old, new = _changed(before, snapshot(dossier))
        if new:
            record_event(actor=actor, action=AuditAction.UPDATE, obj=dossier, summary=dossier.number, before=old,
                         after=new)
            _notify([dossier.pk])
    return dossier


def delete_dossier(*, actor: User | None, dossier: Dossier) -> None:
    """Delete a dossier record that has no pages (a mistaken registration). Page images are never deleted."""
    if dossier.pages.exists():
        raise ValidationError(_("Hồ sơ đã có trang số hóa, không thể xóa. Hãy chuyển trạng thái thay vì xóa."))
    check_dossier_reachable(actor, dossier)
    with transaction.atomic():
        before = snapshot(dossier)
        record_event(actor=actor, action=AuditAction.DELETE, obj=dossier, summary=dossier.number, before=before)
        dossiers_deleting.send(sender=Dossier, dossier_ids=[dossier.pk])
        dossier.delete()


def link_relative(*, actor: User | None, dossier: Dossier, person: Person, relationship: str,
                  receives_benefit: bool = False, keeps_worship: bool = False, note: str = "") -> DossierRelative:
    if person.pk == dossier.subject_id:
        raise ValidationError({"person": _("Người có công không thể là thân nhân của chính hồ sơ mình.")})
    check_dossier_reachable(actor, dossier)
    with transaction.atomic():
        if dossier.relative_links.filter(person=person).exists():
            raise ValidationError({"person": _("%(name)s đã là thân nhân trong hồ sơ này.") % {
                "name": person.full_name}})
        link = DossierRelative(dossier=dossier, person=person, relationship=relationship,
                               receives_benefit=receives_benefit, keeps_worship=keeps_worship, note=nfc(note))
        _validate(link)
        link.save()
        person.categories.add(*Category.objects.filter(code="TN"))
        record_event(actor=actor, action=AuditAction.LINK_RELATIVE, obj=dossier, summary=person.full_name,
                     after=snapshot(link))
        _notify([dossier.pk])
    return link


def update_relative(*, actor: User | None, link: DossierRelative, **changes: Any) -> DossierRelative:
    """Change how a relative belongs to a dossier (relationship, benefit, worship, note); the person's own
    facts change through update_person."""
    unknown = set(changes) - {"relationship", "receives_benefit", "keeps_worship", "note"}
    if unknown:
        raise TypeError(f"update_relative: unknown fields {sorted(unknown)}")
    check_dossier_reachable(actor, link.dossier)
    with transaction.atomic():
        before = snapshot(link)
        for key, value in _clean_text(changes).items():
            setattr(link, key, value)
        _validate(link)
        link.save()
        old, new = _changed(before, snapshot(link))
        if new:
            record_event(actor=actor, action=AuditAction.UPDATE, obj=link, summary=link.person.full_name,
                         before=old, after=new)
            _notify([link.dossier_id])
    return link


def unlink_relative(*, actor: User | None, link: DossierRelative) -> None:
    check_dossier_reachable(actor, link.dossier)
    with transaction.atomic():
        record_event(actor=actor, action=AuditAction.UNLINK_RELATIVE, obj=link.dossier, summary=link.person.full_name,
                     before=snapshot(link))
        link.delete()
        _notify([link.dossier_id])


def set_martyr_facts(*, actor: User | None, dossier: Dossier, **facts: Any) -> MartyrRecord:
    """Create or update the martyr facts of a dossier (nơi hy sinh, đơn vị, Bằng TQGC, mộ)."""
    _check_fields(facts, MARTYR_FIELDS, "set_martyr_facts")
    check_dossier_reachable(actor, dossier)
    with transaction.atomic():
        record = MartyrRecord.objects.filter(dossier=dossier).first() or MartyrRecord(dossier=dossier)
        before = snapshot(record) if record.pk else {}
        for key, value in _clean_text(facts).items():
            setattr(record, key, value)
        _validate(record)
        record.save()
        old, new = _changed(before, snapshot(record))
        if new:
            record_event(actor=actor, action=AuditAction.UPDATE if before else AuditAction.CREATE, obj=dossier,
                         object_type="martyrrecord", summary=dossier.number, before=old or None, after=new)
            _notify([dossier.pk])
    return record


def _add_child(model: type[models.Model], allowed: frozenset[str], *, actor: User | None, dossier: Dossier,
               fields: dict[str, Any]) -> models.Model:
    _check_fields(fields, allowed, f"add {model._meta.model_name}")
    check_dossier_reachable(actor, dossier)
    with transaction.atomic():
        obj = model(dossier=dossier, **_clean_text(fields))
        _validate(obj)
        obj.save()
        record_event(actor=actor, action=AuditAction.CREATE, obj=obj, summary=dossier.number, after=snapshot(obj))
        _notify([dossier.pk])
    return obj


def add_assessment(*, actor: User | None, dossier: Dossier, **fields: Any) -> InjuryAssessment:
    """Record a medical assessment with its tỷ lệ tổn thương cơ thể (0–100 %)."""
    return _add_child(InjuryAssessment, ASSESSMENT_FIELDS, actor=actor, dossier=dossier, fields=fields)


def add_decision(*, actor: User | None, dossier: Dossier, **fields: Any) -> BenefitDecision:
    return _add_child(BenefitDecision, DECISION_FIELDS, actor=actor, dossier=dossier, fields=fields)


def record_page_view(*, actor: User, page: Page) -> None:
    """A page image was shown to this user (the view has checked that the user may see it)."""
    record_event(actor=actor, action=AuditAction.VIEW_PAGE, obj=page.dossier,
                 summary=f"{page.dossier.number} trang {page.sequence}", after={"page": page.sequence})


def record_copy_handed_out(*, actor: User, dossier: Dossier, printed: bool, purpose: str, pages: int,
                           sha256: str) -> None:
    """A watermarked PDF of the dossier was downloaded or printed: who, why, how many pages, and the SHA-256
    of the exact file handed out (so a leaked copy can be traced)."""
    record_event(actor=actor, action=AuditAction.PRINT if printed else AuditAction.DOWNLOAD, obj=dossier,
                 summary=f"{dossier.number}: {purpose}"[:300],
                 after={"purpose": purpose, "pages": pages, "sha256": sha256})


def record_read(*, actor: User, obj: models.Model, purpose: str = AuditAction.VIEW, summary: str = "") -> None:
    """A record holding personal data (a person, a document) was read, e.g. by the API."""
    record_event(actor=actor, action=purpose, obj=obj, summary=summary or str(obj)[:300])


def record_list_read(*, actor: User, object_type: str, keys: list[str], page: int | None = None,
                     filters: dict[str, Any] | None = None) -> None:
    """One page of a list of records holding personal data was shown: one event per page, with what was on it
    (dossier numbers or ids), so an auditor can tell who saw whom."""
    if not keys:
        return
    record_event(actor=actor, action=AuditAction.VIEW_LIST, object_type=object_type,
                 summary=f"{len(keys)} dòng" + (f", trang {page}" if page else ""),
                 after={"keys": keys, "page": page, "filters": filters or None})


def record_page_text_read(*, actor: User, page: Page) -> None:
    """The OCR text of a page was shown (in the page viewer)."""
    record_event(actor=actor, action=AuditAction.VIEW_PAGE_TEXT, obj=page.dossier,
                 summary=f"{page.dossier.number} trang {page.sequence}", after={"page": page.sequence})
