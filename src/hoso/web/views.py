"""Views of the web UI: thin — they read through selectors and write through services."""

from dataclasses import dataclass, replace

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from hoso.access.decorators import rule
from hoso.access.permissions import (
    EDIT_DOSSIER,
    EXPORT,
    MANAGE_ARCHIVE,
    RECEIVE_CASE,
    SIGNED_IN,
    VIEW_DOSSIER,
    VIEW_FILES,
    Role,
)
from hoso.access.rules import user_can
from hoso.archive import selectors as archive_selectors
from hoso.core.counts import KeptCountPaginator
from hoso.core.events import AuditAction
from hoso.gazetteer.services import present_names
from hoso.preservation.selectors import integrity
from hoso.procedures import cases as procedure_cases
from hoso.procedures.selectors import dossier_cases, transfer_panel
from hoso.records import selectors, services
from hoso.records.models import Dossier
from hoso.records.visibility import document_visible, sees_health
from hoso.reports import exports, statistics
from hoso.reports import services as reports_services
from hoso.reports.places import Places
from hoso.search import selectors as search_selectors
from hoso.search import services as search_services
from hoso.search._query import i_y_variants, parse_query

from .forms import DossierFilterForm, DossierForm, RelativeForm
from .forms_reports import DossierSliceForm
from .helpers import form_errors, query_without_page
from .views_bulk import list_tools, sorted_dossiers
from .work_list import work_list

INTEGRITY_SHOWN_TO = {Role.ADMIN, Role.ARCHIVIST, Role.SYSTEM}
SETTLED = {Dossier.Status.VERIFIED, Dossier.Status.ARCHIVED}  # editing these sends them back to be verified


@rule(SIGNED_IN)
def home(request: HttpRequest) -> HttpResponse:
    """The user's work list, counts per category, the loans to remind (names of people: an audited read) and,
    for those who keep the files, the last fixity check and backup."""
    actor = request.user
    counts = selectors.category_counts(actor=actor)
    reminders = archive_selectors.reminders(actor=actor)
    shown = [*reminders.overdue, *reminders.due_soon, *reminders.mine]
    if shown:
        services.record_list_read(actor=actor, object_type="loan_reminders",
                                  keys=sorted({loan.dossier.number for loan in shown}))
    return render(request, "web/home.html", {
        "counts": counts, "total": sum(n for _, n in counts), "reminders": reminders, "work": work_list(actor),
        "today": archive_selectors.today(),
        "integrity": integrity() if actor.role in INTEGRITY_SHOWN_TO else None})


def _loans(actor, numbers) -> dict:
    """Dossier number → its checked-out loan, for the "đang mượn" badges of a page of rows (one query)."""
    return archive_selectors.checked_out_by_number(actor=actor, numbers=numbers) if numbers else {}


def _page_number(request: HttpRequest) -> int:
    try:
        return max(1, int(request.GET.get("page", 1)))
    except ValueError:
        return 1


def _list_filters(request: HttpRequest) -> tuple[DossierFilterForm, dict, selectors.DossierFilters]:
    form = DossierFilterForm(request.GET or None, user=request.user)
    data = form.cleaned_data if form.is_valid() else {}
    category = data.get("category")
    unit = data.get("unit")
    filters = selectors.DossierFilters(category=category.code if category else "", unit_id=unit.pk if unit else None,
                                       status=data.get("status", ""))
    return form, data, filters


@dataclass(frozen=True)
class _Drill:
    """What a figure of the statistics adds to the list's filters (web/forms_reports.py): the filter, in words,
    and as hidden fields the filter form keeps."""

    q: Q | None = None
    words: tuple[str, ...] = ()
    hidden: tuple[tuple[str, str], ...] = ()
    without: str = ""


def _drill(request: HttpRequest) -> _Drill:
    form = DossierSliceForm(request.GET or None)
    if not form.given():
        return _Drill()
    if not form.is_valid():
        messages.error(request, gettext("Điều kiện lọc theo số liệu thống kê không hợp lệ, đã bỏ qua: ") + "; ".join(
            e for errors in form.errors.values() for e in errors))
        return _Drill()
    where, at = form.slice()
    rest = request.GET.copy()
    for name in (*DossierSliceForm.FIELDS, "page"):
        rest.pop(name, None)
    return _Drill(q=statistics.slice_q(actor=request.user, where=where, at=at),
                  words=tuple(form.describe(statistics.Labels(Places(request.user)))),
                  hidden=tuple((n, request.GET[n]) for n in DossierSliceForm.FIELDS if request.GET.get(n)),
                  without=rest.urlencode())


@rule(EXPORT)
def dossier_export(request: HttpRequest) -> HttpResponse:
    """The list as shown (filters and search included) to .xlsx or .csv, through the same access rule; audited."""
    form, data, filters = _list_filters(request)
    drill = _drill(request)
    if data.get("q") and drill.q is None:
        result = search_services.search(
            actor=request.user, text=data["q"], limit=200, audit=False,
            filters=search_selectors.Filters(category=filters.category, unit_id=filters.unit_id, status=filters.status))
        order = [h.dossier_number for h in result.hits]
        found = {d.number: d for d in selectors.visible_dossiers(actor=request.user).filter(number__in=order)
                 .select_related("subject", "category").prefetch_related("subject__aliases")}
        dossiers = [found[n] for n in order if n in found]
    else:
        dossiers = (_listed(request, filters, data, drill)
                    .prefetch_related("subject__aliases").iterator(chunk_size=2000))
    rows = list(exports.dossier_rows(dossiers))
    kind = "csv" if request.GET.get("format") == "csv" else "xlsx"
    reports_services.record_list_export(actor=request.user, count=len(rows), fmt=kind,
                                        filters={k: v for k, v in request.GET.items()})
    if kind == "csv":
        response = HttpResponse(exports.to_csv(rows), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(exports.to_xlsx(rows, "Danh sách hồ sơ"), content_type=(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
    response["Content-Disposition"] = f'attachment; filename="danh-sach-ho-so.{kind}"'
    return response


def _listed(request: HttpRequest, filters: selectors.DossierFilters, data: dict, drill: _Drill):
    """The list without a search: the list's filters, and those of a figure of the statistics (its dossiers exactly;
    a typed name then narrows it by name instead of searching)."""
    if drill.q is None:
        return sorted_dossiers(selectors.dossier_list(actor=request.user, filters=filters), request)
    return sorted_dossiers(selectors.dossier_list(actor=request.user, filters=replace(filters, q=data.get("q", "")))
                           .filter(drill.q), request)


@rule(VIEW_DOSSIER)
def dossier_list(request: HttpRequest) -> HttpResponse:
    """All visible dossiers in Vietnamese name order, with filters; a typed name or number is searched."""
    form, data, filters = _list_filters(request)
    if form.is_bound and not form.is_valid():
        messages.error(request, gettext("Điều kiện lọc không hợp lệ, đã bỏ qua: ") + "; ".join(
            f"{form.fields[f].label}: {e[0]}" for f, e in form.errors.items()))
    drill = _drill(request)
    context = {"form": form, "query": query_without_page(request), "drill": drill,
               "filtered": bool(request.GET.get("q") or filters.category or filters.unit_id or filters.status
                                or drill.q is not None)}
    if data.get("q") and drill.q is None:
        size, number = settings.HOSO_PAGE_SIZE, _page_number(request)
        result = search_services.search(
            actor=request.user, text=data["q"], limit=size, offset=(number - 1) * size,
            filters=search_selectors.Filters(category=filters.category, unit_id=filters.unit_id, status=filters.status))
        context.update(result=result, page=_result_page(result, number, size), words=_highlight_words(data["q"]),
                       loans=_loans(request.user, [h.dossier_number for h in result.hits]),
                       **list_tools(request, ranked=True))
        return render(request, "web/dossier_list.html", context)
    page = KeptCountPaginator(_listed(request, filters, data, drill), settings.HOSO_PAGE_SIZE).get_page(
        request.GET.get("page"))
    services.record_list_read(actor=request.user, object_type="dossier_list", page=page.number,
                              keys=[d.number for d in page.object_list], filters=request.GET.dict())
    context.update(page=page, loans=_loans(request.user, [d.number for d in page.object_list]),
                   **list_tools(request, ranked=False))
    return render(request, "web/dossier_list.html", context)


class _SearchWindow:
    """Looks like a list of `total` items to Django's Paginator; its slice is the page already fetched."""

    def __init__(self, result: search_selectors.SearchResult) -> None:
        self.result = result

    def count(self) -> int:
        return self.result.total

    def __len__(self) -> int:
        return self.result.total

    def __getitem__(self, _slice):
        return self.result.hits


def _result_page(result: search_selectors.SearchResult, number: int, size: int):
    paginator = Paginator(_SearchWindow(result), size)
    return paginator.page(min(number, paginator.num_pages))


def _highlight_words(text: str) -> frozenset[str]:
    words: set[str] = set()
    for term in parse_query(text).terms:
        words |= i_y_variants(term.folded)
    return frozenset(words)


@rule(VIEW_DOSSIER)
def search_page(request: HttpRequest) -> HttpResponse:
    """The desk search: one box, results as you type (htmx swaps the results block), facets, pagination.
    A scanned label (dossier number or hoso link) or an exact number, submitted, opens that dossier."""
    text = request.GET.get("q", "")
    scanned = archive_selectors.scanned_dossier(actor=request.user, text=text)
    if scanned is not None:
        if request.headers.get("HX-Request") != "true":
            return redirect("dossier_detail", number=scanned.number)
        text = scanned.number  # as you type: a pasted link shows its dossier
    size, number = settings.HOSO_PAGE_SIZE, _page_number(request)
    filters = search_selectors.Filters(
        category=request.GET.get("category", "")[:3],
        unit_id=_int(request.GET.get("unit")), decade=_int(request.GET.get("decade")))
    result = None
    if text.strip():
        result = search_services.search(actor=request.user, text=text, limit=size, offset=(number - 1) * size,
                                         filters=filters, prefix_last=request.headers.get("HX-Request") == "true")
    context = {"q": text, "result": result, "page": _result_page(result, number, size) if result else None,
               "words": _highlight_words(text), "filters": filters, "query": query_without_page(request),
               "loans": _loans(request.user, [h.dossier_number for h in result.hits] if result else [])}
    template = "web/_search_results.html" if request.headers.get("HX-Request") == "true" else "web/search.html"
    return render(request, template, context)


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def _get_visible(request: HttpRequest, number: str, purpose: str = AuditAction.VIEW) -> Dossier:
    dossier = services.open_dossier(actor=request.user, number=number, purpose=purpose)
    if dossier is None:
        raise Http404(gettext("Không tìm thấy hồ sơ hoặc bạn không có quyền xem."))
    return dossier


@rule(VIEW_DOSSIER)
def dossier_detail(request: HttpRequest, number: str) -> HttpResponse:
    dossier = _get_visible(request, number)
    martyr = getattr(dossier, "martyr", None) if dossier.category.code == "LS" else None
    # thumbnails only of the pages this user may see (the pages of a «mật» document are counted, not shown)
    thumbs = (list(selectors.visible_pages(actor=request.user).filter(dossier=dossier).order_by("sequence"))
              if user_can(request.user, VIEW_FILES) else [])
    return render(request, "web/dossier_detail.html",
                  {"dossier": dossier, "person": dossier.subject, "martyr": martyr, "relative_form": RelativeForm(),
                   "documents": [(d, document_visible(request.user, d)) for d in dossier.documents.all()],
                   "archive": archive_selectors.dossier_archive(dossier=dossier),
                   "transfers": (transfer_panel(dossier=dossier) if user_can(request.user, MANAGE_ARCHIVE)
                                 else None),
                   "cases": (dossier_cases(actor=request.user, dossier=dossier)
                             if procedure_cases.may_work_on_cases(request.user) else None),
                   "can_receive_case": user_can(request.user, RECEIVE_CASE),
                   "show_health": sees_health(request.user),
                   "hometown_now": present_names(dossier.subject.hometown_unit),
                   "residence_now": present_names(dossier.subject.residence_unit),
                   "can_edit": user_can(request.user, EDIT_DOSSIER),
                   "can_files": user_can(request.user, VIEW_FILES),
                   "thumbs": thumbs, "thumbs_hidden": len(dossier.pages.all()) - len(thumbs) if thumbs else 0})


def _save_dossier(request: HttpRequest, form: DossierForm, dossier: Dossier | None) -> Dossier:
    data = form.cleaned_data
    actor = request.user
    with transaction.atomic():
        if dossier is None:
            person = services.create_person(actor=actor, aliases=form.alias_list(),
                                            **form.part(DossierForm.PERSON_FIELDS))
            number = services.next_free_number(data["number"]) or data["number"]
            dossier = services.register_dossier(actor=actor, number=number, category_code=data["category"].code,
                                                subject=person, **form.part(DossierForm.DOSSIER_FIELDS))
        else:
            services.update_person(actor=actor, person=dossier.subject, aliases=form.alias_list(),
                                   **form.part(DossierForm.PERSON_FIELDS))
            dossier = services.update_dossier(actor=actor, dossier=dossier, number=data["number"],
                                              category_code=data["category"].code,
                                              **form.part(DossierForm.DOSSIER_FIELDS))
        if dossier.category.code == "LS":
            facts = form.part(DossierForm.MARTYR_FIELDS)
            if any(facts.values()) or hasattr(dossier, "martyr"):
                services.set_martyr_facts(actor=actor, dossier=dossier, **facts)
    return dossier


@rule(EDIT_DOSSIER)
def dossier_create(request: HttpRequest) -> HttpResponse:
    form = DossierForm(request.POST or None, initial={"status": Dossier.Status.NOT_STARTED}, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            dossier = _save_dossier(request, form, None)
        except (ValidationError, PermissionDenied) as exc:
            form_errors(form, exc)
        else:
            given = services.NUMBER_WITHOUT_SERIAL.match(form.cleaned_data["number"]) is not None
            done = (gettext("Đã đăng ký hồ sơ %(number)s — số thứ tự do hệ thống cấp tiếp theo.") if given
                    else gettext("Đã đăng ký hồ sơ %(number)s."))
            messages.success(request, done % {"number": dossier.number})
            return redirect("dossier_detail", number=dossier.number)
    return render(request, "web/dossier_form.html", {"form": form, "creating": True})


@rule(EDIT_DOSSIER)
def dossier_edit(request: HttpRequest, number: str) -> HttpResponse:
    dossier = _get_visible(request, number, purpose=AuditAction.VIEW_FOR_EDIT)
    person = dossier.subject
    martyr = getattr(dossier, "martyr", None)
    initial = {
        "number": dossier.number, "category": dossier.category.code,
        "aliases": "; ".join(a.name for a in person.aliases.all()),
        **{f: getattr(person, f) for f in DossierForm.PERSON_FIELDS},
        **{f: getattr(dossier, f) for f in DossierForm.DOSSIER_FIELDS},
        **({f: getattr(martyr, f) for f in DossierForm.MARTYR_FIELDS} if martyr else {}),
    }
    form = DossierForm(request.POST or None, initial=initial, user=request.user)
    settled = dossier.status in SETTLED
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                if settled and not form.cleaned_data["edit_reason"].strip():
                    raise ValidationError({"edit_reason": gettext(
                        "Hồ sơ «%(status)s»: hãy ghi lý do sửa; hồ sơ sẽ trở về «Đã nhập liệu» để kiểm tra "
                        "lại.") % {"status": dossier.get_status_display()}})
                dossier = _save_dossier(request, form, dossier)
                if settled:
                    dossier = services.reopen_after_edit(actor=request.user, dossier=dossier,
                                                         reason=form.cleaned_data["edit_reason"])
        except (ValidationError, PermissionDenied) as exc:
            form_errors(form, exc)
        else:
            done = (gettext("Đã lưu hồ sơ %(number)s. Hồ sơ trở về «Đã nhập liệu», chờ người khác kiểm tra lại.")
                    if settled else gettext("Đã lưu hồ sơ %(number)s."))
            messages.success(request, done % {"number": dossier.number})
            return redirect("dossier_detail", number=dossier.number)
    return render(request, "web/dossier_form.html", {"form": form, "creating": False, "dossier": dossier,
                                                     "settled": settled})


@rule(EDIT_DOSSIER)
@require_POST
def relative_add(request: HttpRequest, number: str) -> HttpResponse:
    dossier = _get_visible(request, number, purpose=AuditAction.VIEW_FOR_EDIT)
    form = RelativeForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                person = services.create_person(actor=request.user, full_name=data["full_name"],
                                                birth_date=data["birth_date"])
                services.link_relative(actor=request.user, dossier=dossier, person=person,
                                       relationship=data["relationship"], receives_benefit=data["receives_benefit"],
                                       keeps_worship=data["keeps_worship"])
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, gettext("Đã thêm thân nhân %(full_name)s.") % {"full_name": person.full_name})
    else:
        for field, errors in form.errors.items():
            for message in errors:
                messages.error(request, f"{form.fields[field].label}: {message}")
    return redirect("dossier_detail", number=dossier.number)


def _relative_link(request: HttpRequest, number: str, link_id: int):
    dossier = _get_visible(request, number, purpose=AuditAction.VIEW_FOR_EDIT)
    link = dossier.relative_links.select_related("person").filter(pk=link_id).first()
    if link is None:
        raise Http404(gettext("Không có thân nhân này trong hồ sơ."))
    return dossier, link


@rule(EDIT_DOSSIER)
def relative_edit(request: HttpRequest, number: str, link_id: int) -> HttpResponse:
    """Correct a relative: the person's name and birth date, and how they belong to the dossier."""
    dossier, link = _relative_link(request, number, link_id)
    person = link.person
    form = RelativeForm(request.POST or None, initial={
        "full_name": person.full_name, "birth_date": person.birth_date, "relationship": link.relationship,
        "receives_benefit": link.receives_benefit, "keeps_worship": link.keeps_worship})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                services.update_person(actor=request.user, person=person, full_name=data["full_name"],
                                       birth_date=data["birth_date"])
                services.update_relative(actor=request.user, link=link, relationship=data["relationship"],
                                         receives_benefit=data["receives_benefit"],
                                         keeps_worship=data["keeps_worship"])
        except (ValidationError, PermissionDenied) as exc:
            form_errors(form, exc)
        else:
            messages.success(request, gettext("Đã lưu thân nhân %(full_name)s.") % {"full_name": person.full_name})
            return redirect("dossier_detail", number=dossier.number)
    return render(request, "web/relative_form.html", {"form": form, "dossier": dossier, "link": link})


@rule(EDIT_DOSSIER)
def relative_remove(request: HttpRequest, number: str, link_id: int) -> HttpResponse:
    """Take a relative out of the dossier (the person stays, with the other dossiers they belong to), after a
    confirmation page."""
    dossier, link = _relative_link(request, number, link_id)
    if request.method == "POST":
        try:
            services.unlink_relative(actor=request.user, link=link)
        except (ValidationError, PermissionDenied) as exc:
            for message in getattr(exc, "messages", [str(exc)]):
                messages.error(request, message)
        else:
            messages.success(request, gettext("Đã bỏ %(full_name)s khỏi danh sách thân nhân của hồ sơ.") % {
                                              "full_name": link.person.full_name})
        return redirect("dossier_detail", number=dossier.number)
    return render(request, "web/relative_remove.html", {"dossier": dossier, "link": link})
