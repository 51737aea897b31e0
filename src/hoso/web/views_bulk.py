"""Bulk actions on the dossiers ticked in the list (thao tác hàng loạt) and the user's saved list views.

Every action goes through the service that does it for one dossier, once per dossier, so each one is checked
(scope, clearance, permission, workflow) and audited there. Ticked numbers are looked up through the access rule: a
dossier the user may see but the service refuses is named with the reason; one they may not see is only counted.
Changes show a confirmation page first; exporting the ticked dossiers answers with the file at once."""

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext, gettext_lazy, ngettext, npgettext
from django.views.decorators.http import require_POST

from hoso.access.decorators import rule
from hoso.access.permissions import VIEW_DOSSIER
from hoso.archive import services as archive_services
from hoso.archive.selectors import box_choices
from hoso.records import selectors
from hoso.records import services as records_services
from hoso.records.models import Dossier
from hoso.reports import exports
from hoso.reports import services as reports_services

from . import services
from .forms_bulk import DETAILS, EXPORT_ACTION, LOAN_ACTION, MOVE_ACTION, BulkForm, SavedViewForm
from .lists import Column, Sorting, saved_query, status_rank
from .models import SavedView

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHOWN_REFUSALS = 30  # reasons listed by name in the message; the rest are counted


def list_url(query: str) -> str:
    """The dossier list with `query` (a query string the user's page sent back), re-encoded so that nothing but
    parameters of the list's own address comes out of it."""
    cleaned = QueryDict(query or "").urlencode()
    return reverse("dossier_list") + (f"?{cleaned}" if cleaned else "")


def _selected(request: HttpRequest, numbers: list[str]) -> tuple[list[Dossier], int]:
    """The ticked dossiers the user may see (in the list's name order) and how many ticked numbers are not among
    them (unknown, or out of reach: not told apart, not named)."""
    found = list(selectors.visible_dossiers(actor=request.user).filter(number__in=numbers)
                 .select_related("subject", "category").order_by("subject__sort_key", "number"))
    return found, len(numbers) - len(found)


def _export(request: HttpRequest, dossiers: list[Dossier]) -> HttpResponse:
    rows = list(exports.dossier_rows(selectors.visible_dossiers(actor=request.user)
                                     .filter(pk__in=[d.pk for d in dossiers])
                                     .select_related("subject", "category").prefetch_related("subject__aliases")
                                     .order_by("subject__sort_key", "number")))
    reports_services.record_list_export(actor=request.user, count=len(rows), fmt="xlsx",
                                        filters={"selected": [d.number for d in dossiers]})
    response = HttpResponse(exports.to_xlsx(rows, "Hồ sơ đã chọn"), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="ho-so-da-chon.xlsx"'
    return response


def _one_by_one(request: HttpRequest, action: str, data: dict) -> Callable[[Dossier], object]:
    """The service call of `action` for one dossier."""
    actor = request.user
    if action == MOVE_ACTION:
        return lambda d: archive_services.move_dossiers(actor=actor, dossiers=[d], box=data["box"])
    if action == LOAN_ACTION:
        return lambda d: archive_services.request_loan(actor=actor, dossier=d, purpose=data["purpose"],
                                                       procedure=data["procedure"], paper_reason=data["paper_reason"])
    return lambda d: records_services.set_dossier_status(actor=actor, dossier=d, status=data["status"],
                                                         note=data["note"])


def _reason(exc: ValidationError | PermissionDenied) -> str:
    if isinstance(exc, ValidationError):
        return "; ".join(exc.messages)
    return str(exc) or gettext("Bạn không có quyền.")


def _report(request: HttpRequest, done: int, refused: list[str], hidden: int) -> None:
    """«Đã xử lý 12 hồ sơ; 2 hồ sơ không thực hiện được: …» — refusals of visible dossiers by number and name,
    the others only counted."""
    failed = len(refused) + hidden
    if done:
        messages.success(request, _done_message(done, failed))
    if refused:
        shown = refused[:SHOWN_REFUSALS]
        values = {"count": len(refused), "reasons": "; ".join(shown), "more": len(refused) - len(shown)}
        if values["more"]:  # the first count is then past SHOWN_REFUSALS, always plural: the tail's count decides
            said = ngettext("%(count)s hồ sơ không thực hiện được: %(reasons)s; và %(more)s hồ sơ khác.",
                            "%(count)s hồ sơ không thực hiện được: %(reasons)s; và %(more)s hồ sơ khác.",
                            values["more"])
        else:
            said = ngettext("%(count)s hồ sơ không thực hiện được: %(reasons)s.",
                            "%(count)s hồ sơ không thực hiện được: %(reasons)s.", len(refused))
        messages.error(request, said % values)
    if hidden:
        messages.error(request, ngettext("%(hidden)s hồ sơ không thực hiện được: không tìm thấy hoặc nằm ngoài "
                                         "phạm vi bạn được giao.",
                                         "%(hidden)s hồ sơ không thực hiện được: không tìm thấy hoặc nằm ngoài "
                                         "phạm vi bạn được giao.", hidden) % {
                                         "hidden": hidden})


def _done_message(done: int, failed: int) -> str:
    """One whole sentence per case; Vietnamese reads the same, the context tells English "1 was" from "3 were"."""
    values = {"done": done, "failed": failed}
    if not failed:
        return ngettext("Đã xử lý %(done)s hồ sơ.", "Đã xử lý %(done)s hồ sơ.", done) % values
    if failed == 1:
        return npgettext("one failed", "Đã xử lý %(done)s hồ sơ; %(failed)s hồ sơ không thực hiện được (xem bên dưới).",
                         "Đã xử lý %(done)s hồ sơ; %(failed)s hồ sơ không thực hiện được (xem bên dưới).",
                         done) % values
    return npgettext("several failed", "Đã xử lý %(done)s hồ sơ; %(failed)s hồ sơ không thực hiện được (xem bên dưới).",
                     "Đã xử lý %(done)s hồ sơ; %(failed)s hồ sơ không thực hiện được (xem bên dưới).", done) % values


@rule(VIEW_DOSSIER)
@require_POST
def dossier_bulk(request: HttpRequest) -> HttpResponse:
    """One action on the ticked dossiers: export at once; move to a box, request loans or change the digitisation
    status after a confirmation page (which asks what the action needs: the box, the purpose, the status)."""
    form = BulkForm(request.POST, user=request.user)
    back = list_url(request.POST.get("tro_ve", ""))
    numbers = form.numbers()
    if not form.is_valid():
        messages.error(request, gettext("Hãy chọn một thao tác bạn được phép làm."))
        return redirect(back)
    if not numbers:
        messages.error(request, gettext("Chưa chọn hồ sơ nào: hãy đánh dấu các hồ sơ trong danh sách trước."))
        return redirect(back)
    action = form.cleaned_data["action"]
    dossiers, hidden = _selected(request, numbers)
    if not dossiers:
        _report(request, 0, [], hidden)
        return redirect(back)
    if action == EXPORT_ACTION:
        return _export(request, dossiers)
    details = DETAILS[action](request.POST if request.POST.get("xac_nhan") == "1" else None)
    if not details.is_bound or not details.is_valid():
        records_services.record_list_read(actor=request.user, object_type="dossier_bulk",
                                          keys=[d.number for d in dossiers], filters={"action": action})
        return render(request, "web/bulk_confirm.html", {
            "action": action, "action_label": dict(form.fields["action"].choices)[action], "dossiers": dossiers,
            "hidden": hidden, "details": details, "back": back, "tro_ve": request.POST.get("tro_ve", ""),
            "boxes": box_choices() if action == MOVE_ACTION else None})
    act = _one_by_one(request, action, details.cleaned_data)
    done, refused = 0, []
    for dossier in dossiers:
        try:
            act(dossier)
        except (ValidationError, PermissionDenied) as exc:
            refused.append(f"{dossier.number} ({dossier.subject.full_name}): {_reason(exc)}")
        else:
            done += 1
    _report(request, done, refused, hidden)
    return redirect(back)


# --- saved views ---------------------------------------------------------------------------------------------

SAVED_PARAMETERS = ("q", "category", "unit", "status", "sap_xep", "commune", "sex", "decade", "alive", "at")
"""What a saved view of the dossier list keeps: its filters (web/forms.py DossierFilterForm), those a figure of the
statistics adds (web/forms_reports.py DossierSliceForm) and the sort."""


def saved_views_of(user) -> list[SavedView]:
    return list(SavedView.objects.filter(owner=user, list_name=SavedView.ListName.DOSSIERS))


@rule(VIEW_DOSSIER)
@require_POST
def saved_view_create(request: HttpRequest) -> HttpResponse:
    """Save the list as shown (filters and sort) under a name, for this user only."""
    form = SavedViewForm(request.POST)
    query = saved_query(QueryDict(request.POST.get("query", "")), SAVED_PARAMETERS)
    if not form.is_valid():
        messages.error(request, gettext("Hãy đặt tên cho bộ lọc (tối đa 80 ký tự)."))
        return redirect(list_url(query))
    try:
        view = services.save_list_view(actor=request.user, name=form.cleaned_data["name"], query=query)
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
    else:
        messages.success(request, gettext("Đã lưu bộ lọc «%(name)s».") % {"name": view.name})
    return redirect(list_url(query))


@rule(VIEW_DOSSIER)
@require_POST
def saved_view_delete(request: HttpRequest, pk: int) -> HttpResponse:
    view = SavedView.objects.filter(pk=pk, owner=request.user).first()
    if view is None:
        raise Http404(gettext("Không có bộ lọc này trong các bộ lọc bạn đã lưu."))
    name = view.name
    services.delete_list_view(actor=request.user, view=view)
    messages.success(request, gettext("Đã xóa bộ lọc «%(name)s».") % {"name": name})
    return redirect(list_url(request.POST.get("tro_ve", "")))


# --- the list's tools: sortable headers, bulk actions, saved views -------------------------------------------

DOSSIER_SORTING = Sorting(default="ten", columns={
    "ten": Column(gettext_lazy("Họ và tên"), ("subject__sort_key", "number")),  # Vietnamese order: tên, họ, đệm
    "so": Column(gettext_lazy("Số hồ sơ"), ("number",)),
    "dien": Column(gettext_lazy("Diện"), ("category__sort_order", "subject__sort_key", "number")),
    "sinh": Column(gettext_lazy("Ngày sinh"), ("subject__birth_date", "subject__sort_key", "number")),
    "tinh_trang": Column(gettext_lazy("Tình trạng"), ("status_rank", "subject__sort_key", "number"),
                         annotate={"status_rank": status_rank(records_services.WORKFLOW)}),
})
DOSSIER_COLUMNS = ((gettext_lazy("Họ và tên"), "ten"), (gettext_lazy("Số hồ sơ"), "so"), (gettext_lazy("Diện"), "dien"),
                   (gettext_lazy("Ngày sinh"), "sinh"), (gettext_lazy("Nguyên quán"), None),
                   (gettext_lazy("Tình trạng"), "tinh_trang"))


def sorted_dossiers(queryset, request: HttpRequest):
    """The list's dossiers in the order its headers ask for (the name order by default)."""
    return DOSSIER_SORTING.apply(queryset, request.GET)


def list_tools(request: HttpRequest, *, ranked: bool) -> dict:
    """What the dossier list shows around its rows: the header cells (sort links, unless the rows are a search's,
    ranked by how well they match), the bulk actions this user may take, their saved views and the form that saves
    the list as shown."""
    query = saved_query(request.GET, SAVED_PARAMETERS)
    headers = (DOSSIER_SORTING.headers(request.GET, [(label, None) for label, _ in DOSSIER_COLUMNS]) if ranked
               else DOSSIER_SORTING.headers(request.GET, DOSSIER_COLUMNS))
    return {"headers": headers, "bulk_actions": BulkForm(user=request.user).fields["action"].choices,
            "saved_views": saved_views_of(request.user), "save_form": SavedViewForm(initial={"query": query}),
            "list_query": request.GET.urlencode(), "current_query": query}
