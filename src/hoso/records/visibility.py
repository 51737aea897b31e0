"""The one rule of who sees and who changes what (house rule 2 of architecture.md).

Nothing else in hoso reads a user's area scope, "mật" clearance or the health permission to decide access:
lists, details, search, files, exports, packages, reports, the API and the command line ask this module
(directly or through records.selectors). A test (tests/records/test_visibility_rule.py) fails when another
module tests confidentiality or scope itself.

The rule:
- a **dossier** is visible to a user whose role holds VIEW_DOSSIER, whose scope covers the place the dossier's
  person lives in or comes from (or is the whole province), and — for a "mật" dossier — who holds a clearance;
- a **person** is visible through a dossier the user may see (as its subject or as a relative);
- a **document** of a visible dossier is visible; a "mật" document needs a clearance;
- a **page** image or thumbnail needs VIEW_FILES as well, and a clearance when its document is "mật";
- **health data** (assessments, injury rates, and the allowances that follow them) needs VIEW_HEALTH;
- a **change** is allowed only when the user may reach the object as it is *and* as it will be: nobody moves a
  dossier or a person into or out of their scope, nor makes a dossier "mật" without a clearance.

`actor=None` is the system acting internally (migrations, tasks on behalf of nobody): it reaches everything.
"""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hoso.access.models import User
from hoso.access.permissions import VIEW_DOSSIER, VIEW_FILES, VIEW_HEALTH
from hoso.access.rules import scope_unit_ids, user_can
from hoso.gazetteer.models import AdminUnit
from hoso.gazetteer.services import current_units
from hoso.vntext import fold

from .models import Confidentiality, Document, Dossier, DossierRelative, Page, Person

OUT_OF_REACH = gettext_lazy("Bạn không được thay đổi hồ sơ hoặc người này: nó nằm ngoài phạm vi (xã/phường, độ mật) "
                            "bạn được giao, trước hoặc sau khi sửa.")
SECRET_NOT_CLEARED = gettext_lazy("Bạn không có quyền với hồ sơ, tài liệu Mật nên không thể đặt độ mật này.")


# --- What a user holds ---------------------------------------------------------------------------------------

def cleared_for_secret(actor: User | None) -> bool:
    """May see "mật" dossiers, documents and their pages."""
    return actor is None or bool(actor.secret_clearance)


def sees_health(actor: User | None) -> bool:
    """May see health data: assessments, injury rates, and the allowances that follow them."""
    return actor is None or user_can(actor, VIEW_HEALTH)


def sees_page_text(actor: User | None) -> bool:
    """May read the OCR text of pages (those the actor may open at all): the roles that open page images."""
    return actor is None or user_can(actor, VIEW_FILES)


def whole_province(actor: User | None) -> bool:
    """The actor's scope is the whole province (e.g. needed to import a register, which may touch any commune)."""
    return actor is None or scope_unit_ids(actor) is None


def sees_no_area(actor: User | None) -> bool:
    """The actor's scope names no place at all (not the whole province, no commune): every list and count is empty,
    and the pages say so rather than show zeros."""
    return actor is not None and scope_unit_ids(actor) == frozenset()


def confidentiality_choices(actor: User | None) -> list[tuple[str, str]]:
    """The levels a user may give a dossier or a document (a level they could not see is not offered)."""
    if cleared_for_secret(actor):
        return list(Confidentiality.choices)
    return [(Confidentiality.NORMAL, Confidentiality.NORMAL.label)]


def check_confidentiality(actor: User | None, level: str, *, field: str = "confidentiality") -> None:
    """Only someone cleared may make something "mật" (else they would lose sight of it at once)."""
    if level == Confidentiality.SECRET and not cleared_for_secret(actor):
        raise ValidationError({field: SECRET_NOT_CLEARED})


# --- Reads --------------------------------------------------------------------------------------------------

def dossier_q(*, actor: User | None, path: str = "") -> Q | None:
    """The rule as a filter on dossiers reached through `path` (e.g. "dossier__"), or None for "nothing"."""
    return dossier_copy_q(actor=actor, confidentiality=f"{path}confidentiality",
                          residence=f"{path}subject__residence_unit_id", hometown=f"{path}subject__hometown_unit_id")


def dossier_copy_q(*, actor: User | None, confidentiality: str, residence: str, hometown: str) -> Q | None:
    """The same rule on a table that keeps a copy of a dossier's confidentiality and of its person's places under
    these field names, written with the rest of its row by every records write (the statistics' facts,
    reports/models.py: counted without joining every dossier to its person; the search index's entries,
    search/models.py), or None for "nothing"."""
    if actor is None:
        return Q()
    if not user_can(actor, VIEW_DOSSIER):
        return None
    q = Q()
    if not actor.secret_clearance:
        q &= ~Q(**{confidentiality: Confidentiality.SECRET})
    units = scope_unit_ids(actor)
    if units is not None:
        q &= Q(**{f"{residence}__in": units}) | Q(**{f"{hometown}__in": units})
    return q


def place_choices(*, actor: User | None) -> QuerySet[AdminUnit]:
    """The places a list can be filtered by for this user: today's communes (and districts, if any are in force)
    in their scope — each covers the units it replaced (gazetteer.services.expand_units)."""
    units = current_units().exclude(level=AdminUnit.Level.PROVINCE).select_related("parent")
    scope = scope_unit_ids(actor) if actor is not None else None
    if scope is not None:
        units = units.filter(pk__in=scope)
    return units.order_by("level", "name_folded")


def visible_dossiers(*, actor: User | None) -> QuerySet[Dossier]:
    q = dossier_q(actor=actor)
    return Dossier.objects.none() if q is None else Dossier.objects.filter(q)


def visible_people(*, actor: User | None) -> QuerySet[Person]:
    """People linked, as subject or as relative, to a dossier the actor may see."""
    dossiers = visible_dossiers(actor=actor)
    linked = DossierRelative.objects.filter(dossier__in=dossiers).values("person_id")
    return Person.objects.filter(Q(pk__in=dossiers.values("subject_id")) | Q(pk__in=linked))


def visible_documents(*, actor: User | None) -> QuerySet[Document]:
    """Documents of visible dossiers; "mật" documents only with a clearance."""
    q = dossier_q(actor=actor, path="dossier__")
    if q is None:
        return Document.objects.none()
    documents = Document.objects.filter(q)
    if not cleared_for_secret(actor):
        documents = documents.exclude(confidentiality=Confidentiality.SECRET)
    return documents


def visible_pages(*, actor: User | None) -> QuerySet[Page]:
    """Page images, thumbnails and page text the actor may open: VIEW_FILES, a visible dossier, and for a page of a
    "mật" document a clearance."""
    q = dossier_q(actor=actor, path="dossier__")
    if q is None or (actor is not None and not user_can(actor, VIEW_FILES)):
        return Page.objects.none()
    pages = Page.objects.filter(q)
    if not cleared_for_secret(actor):
        pages = pages.exclude(document__confidentiality=Confidentiality.SECRET)
    return pages


def needs_clearance(document: Document | None) -> bool:
    """A document (or a page's document) whose content only a cleared user may read: a "mật" one."""
    return document is not None and document.confidentiality == Confidentiality.SECRET


def document_visible(actor: User | None, document: Document | None) -> bool:
    """A document (or a page's document, None when unassigned) of a dossier the actor already sees: "mật" ones
    need a clearance."""
    return document is None or document.confidentiality != Confidentiality.SECRET or cleared_for_secret(actor)


# Document types whose text is health data (medical assessments, injury certificates, medical records): folded
# words looked for in the document's type (tên loại văn bản), which registers and forms write freely.
HEALTH_DOCUMENT_WORDS = ("giam dinh", "y khoa", "benh an", "suc khoe", "thuong tat", "ton thuong", "benh tat",
                         "chat doc")


def is_health_document(document: Document | None) -> bool:
    """A document whose text is health data (biên bản giám định y khoa, giấy chứng nhận bị thương, bệnh án …)."""
    return document is not None and any(word in fold(document.doc_type) for word in HEALTH_DOCUMENT_WORDS)


def page_text_visible(actor: User | None, page: Page) -> bool:
    """May the actor read this page's OCR text? The page's document visible to them, the roles that open pages
    (the leader reads no page text), and for a health document the health permission."""
    document = page.document if page.document_id else None
    return (sees_page_text(actor) and document_visible(actor, document)
            and (not is_health_document(document) or sees_health(actor)))


def withheld_page_count(*, actor: User | None, dossier: Dossier) -> int:
    """Pages of a visible dossier the actor may not open (those of "mật" documents), to say "N trang không hiển
    thị" without naming what they are."""
    if cleared_for_secret(actor):
        return 0
    return dossier.pages.filter(document__confidentiality=Confidentiality.SECRET).count()


# --- Changes: the object as it is and as it will be ----------------------------------------------------------

def reaches(actor: User | None, *, confidentiality: str, residence_unit_id: int | None,
            hometown_unit_id: int | None) -> bool:
    """Would a dossier with this confidentiality, whose person lives in / comes from these units, be inside the
    actor's reach (scope and clearance)? The same rule as `dossier_q`, on values not yet saved."""
    if actor is None:
        return True
    if confidentiality == Confidentiality.SECRET and not actor.secret_clearance:
        return False
    units = scope_unit_ids(actor)
    return units is None or residence_unit_id in units or hometown_unit_id in units


def check_dossier_change(actor: User | None, *, confidentiality: str, subject: Person,
                         before: tuple[str, Person] | None = None) -> None:
    """A dossier may be written only when it is reachable before (`before`: its saved confidentiality and
    subject) and after (`confidentiality`, `subject`) the change. Raises PermissionDenied."""
    states = [(confidentiality, subject)] + ([before] if before is not None else [])
    for level, person in states:
        if not reaches(actor, confidentiality=level, residence_unit_id=person.residence_unit_id,
                       hometown_unit_id=person.hometown_unit_id):
            raise PermissionDenied(OUT_OF_REACH)


def check_dossier_reachable(actor: User | None, dossier: Dossier) -> None:
    """For changes inside a dossier (relatives, documents, category facts): the dossier as saved is reachable."""
    saved = Dossier.objects.select_related("subject").filter(pk=dossier.pk).first() if dossier.pk else None
    target = saved or dossier
    check_dossier_change(actor, confidentiality=target.confidentiality, subject=target.subject)


def check_person_change(actor: User | None, *, person: Person, residence_unit_id: int | None,
                        hometown_unit_id: int | None) -> None:
    """A person may be changed only when every dossier they are the subject of stays reachable, with their places
    as saved and as they will be (so nobody pulls another commune's dossier into scope, or pushes one out)."""
    if actor is None or not person.pk:
        return
    saved = Person.objects.filter(pk=person.pk).values("residence_unit_id", "hometown_unit_id").first() or {}
    for level in set(Dossier.objects.filter(subject_id=person.pk).values_list("confidentiality", flat=True)):
        for residence, hometown in ((saved.get("residence_unit_id"), saved.get("hometown_unit_id")),
                                    (residence_unit_id, hometown_unit_id)):
            if not reaches(actor, confidentiality=level, residence_unit_id=residence, hometown_unit_id=hometown):
                raise PermissionDenied(OUT_OF_REACH)


# What an import row or a package gets (written down: stays Vietnamese); number_taken_message words it for screens.
NUMBER_UNAVAILABLE = ("Số hồ sơ {number} không dùng được: không có hồ sơ nào mang số này trong phạm vi bạn được xem và "
                      "sửa. Hãy kiểm tra lại số, hoặc hỏi bộ phận lưu trữ.")


def number_taken_message(actor: User | None, number: str) -> str:
    """What registering (or renumbering, or importing) under a number already given says. For a dossier the actor
    can see, that it exists; for one beyond their reach, words that name neither the dossier, its level nor its
    commune — the same words an import row gets for it."""
    if number in reachable_numbers(actor, [number]) or actor is None:
        return _("Số hồ sơ %(number)s đã có trong hệ thống.") % {"number": number}
    return _("Số hồ sơ %(number)s không dùng được: không có hồ sơ nào mang số này trong phạm vi bạn được xem và "
             "sửa. Hãy kiểm tra lại số, hoặc hỏi bộ phận lưu trữ.") % {"number": number}


def reachable_numbers(actor: User | None, numbers: Iterable[str]) -> set[str]:
    """Of these dossier numbers, those the actor may see and change (scope and clearance)."""
    q = dossier_q(actor=actor)
    if q is None:
        return set()
    return set(Dossier.objects.filter(q, number__in=list(numbers)).values_list("number", flat=True))
