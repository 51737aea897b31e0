"""The one-stop desk (thủ tục một cửa): intake and its receipt, the case page with the moves the state and the user's
permissions allow, the papers produced, and the queue «Việc của tôi».

Thin views: a case is opened through `procedures.cases.view_case` (audited), a page of the queue is recorded with
`record_list_read`, a paper is read back through `cases.document_bytes` (audited as a download); every change is a
move of `procedures.cases`, whose refusal is shown as it is worded there. Pages any case permission may open
(the queue, a case, its papers) declare SIGNED_IN and ask `cases.may_work_on_cases`, since a single permission
cannot say «receive, process or decide»."""

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_POST

from hoso.access.decorators import rule
from hoso.access.permissions import DECIDE_CASE, EDIT_DOSSIER, PROCESS_CASE, RECEIVE_CASE, SIGNED_IN
from hoso.access.rules import user_can
from hoso.archive import selectors as archive_selectors
from hoso.procedures import cases, changes, links
from hoso.procedures import queue as work
from hoso.procedures import selectors as procedure_selectors
from hoso.procedures.models import Case, CaseDocument
from hoso.records import services as records_services
from hoso.search import services as search_services

from .forms_procedures import (
    RELATIONSHIPS,
    ChangeForm,
    DecideForm,
    DocumentForm,
    IntakeForm,
    MoveForm,
    QueueFilterForm,
    RefuseForm,
    RequestPapersForm,
    SendForm,
    TickPapersForm,
    WithdrawForm,
    describe_errors,
)
from .forms_procedures_links import CaseFileForm, OriginalForm, RegisterForm, TransferForm
from .helpers import query_without_page

QUEUE_PAGE_SIZE = 25
PICKS = 8  # dossiers offered under the intake's dossier box
ERROR_FIELDS = {"dossiers": "dossier"}  # the service's names → the intake form's


def _require_case_work(request: HttpRequest) -> None:
    if not cases.may_work_on_cases(request.user):
        raise PermissionDenied(gettext("Bạn không có quyền làm việc với hồ sơ thủ tục."))


# --- the queue ----------------------------------------------------------------------------------------------


@rule(SIGNED_IN)
def case_queue(request: HttpRequest) -> HttpResponse:
    """Việc của tôi: the lists of the queue with their counts, one of them paged, filtered by procedure and state."""
    _require_case_work(request)
    actor = request.user
    versions = procedure_selectors.desk_catalogue()
    form = QueueFilterForm(request.GET or None, versions=versions)
    data = form.cleaned_data if form.is_valid() else {}
    soon = data.get("n") or 3
    buckets = work.queue_buckets(actor=actor, soon_days=soon)
    bucket = request.GET.get("hang", "")
    if bucket not in work.BUCKETS:
        bucket = "open"
    chosen = buckets[bucket]
    if data.get("kind"):
        chosen = chosen.filter(kind__code=data["kind"])
    if data.get("state"):
        chosen = chosen.filter(state=data["state"])
    page = Paginator(chosen.select_related("assignee").prefetch_related("dossiers__subject"),
                     QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    records_services.record_list_read(actor=actor, object_type="case_queue", page=page.number,
                                      keys=[case.number for case in page.object_list], filters=request.GET.dict())
    tabs_query = request.GET.copy()
    for name in ("hang", "page"):
        tabs_query.pop(name, None)
    return render(request, "procedures/queue.html", {
        "form": form, "page": page, "bucket": bucket, "bucket_label": work.BUCKETS[bucket], "soon": soon,
        "tabs": [(name, label, buckets[name].count()) for name, label in work.BUCKETS.items()],
        "tabs_query": tabs_query.urlencode(), "query": query_without_page(request), "today": cases.today(),
        "running_states": list(Case.RUNNING), "urgent": ("overdue", "escalated"),
        "can_receive": user_can(actor, RECEIVE_CASE)})


# --- intake -------------------------------------------------------------------------------------------------


def _find_dossier(request: HttpRequest, form: IntakeForm):
    """The dossier the intake names: an exact number or a scanned label, else the one dossier a desk search finds
    (audited as a search). Returns (dossier or None, the search hits to choose from when there are several)."""
    text = form.cleaned_data["dossier"].strip()
    if not text:
        return None, []
    found = archive_selectors.scanned_dossier(actor=request.user, text=text)
    if found is not None:
        return found, []
    result = search_services.search(actor=request.user, text=text, limit=PICKS)
    # One hit is taken at once only when it matched as typed, on the person's own name: a typo correction or a
    # relative's name may be someone else, so it is offered to be picked.
    if len(result.hits) == 1 and result.total == 1 and not result.hits[0].approximate and not result.hits[0].relative:
        number = result.hits[0].dossier_number
        found = archive_selectors.scanned_dossier(actor=request.user, text=number)
        if found is not None:
            form.data = form.data.copy()
            form.data["dossier"] = number  # shown again as the number, should another field be wrong
            return found, []
    if not result.hits:
        form.add_error("dossier", gettext("Không tìm thấy hồ sơ «%(text)s» trong phạm vi của bạn: gõ số hồ sơ "
                                          "hoặc họ tên, năm sinh.") % {
                                          "text": text})
        return None, []
    if result.total == 1:
        form.add_error("dossier", gettext("Chỉ tìm thấy một hồ sơ khớp gần đúng «%(text)s»: kiểm tra rồi chọn hồ "
                                          "sơ đó trong danh sách (phím ↓) hoặc gõ số hồ sơ.") % {
                                          "text": text})
        return None, result.hits
    form.add_error("dossier", ngettext("Có %(total)s hồ sơ khớp «%(text)s»: chọn một hồ sơ trong danh sách (phím "
                                       "↓) hoặc gõ số hồ sơ.",
                                       "Có %(total)s hồ sơ khớp «%(text)s»: chọn một hồ sơ trong danh sách (phím "
                                       "↓) hoặc gõ số hồ sơ.", result.total) % {
                                      "total": result.total,
                                      "text": text})
    return None, result.hits


def _service_errors(form: IntakeForm, exc: ValidationError | PermissionDenied) -> None:
    if isinstance(exc, PermissionDenied):
        form.add_error("dossier", str(exc))
    elif hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            field = ERROR_FIELDS.get(field, field)
            for error in errors:
                form.add_error(field if field in form.fields else None, error.messages[0])
    else:
        for message in exc.messages:
            form.add_error(None, message)


@rule(RECEIVE_CASE)
def case_intake(request: HttpRequest) -> HttpResponse:
    """Tiếp nhận: find the dossier, pick the procedure, write down the applicant, tick the papers; the case is
    received and its receipt (Phiếu tiếp nhận và hẹn trả kết quả) made, then shown on the case page to print."""
    versions = procedure_selectors.desk_catalogue()
    initial = {"kind": request.GET.get("kind", ""), "dossier": request.GET.get("dossier", "")[:300]}
    form = IntakeForm(request.POST or None, initial=initial, versions=versions)
    picks = []
    if request.method == "POST" and form.is_valid():
        dossier, picks = _find_dossier(request, form)
        if not form.errors:
            data = form.cleaned_data
            try:
                case = cases.receive_case(
                    actor=request.user, kind=form.chosen_version().kind, dossiers=[dossier] if dossier else [],
                    received_on=data["received_on"], papers_received=data["papers"],
                    external_ref=data["external_ref"],
                    applicant=cases.Applicant(name=data["applicant_name"],
                                              relationship=data["applicant_relationship"],
                                              id_number=data["applicant_id_number"],
                                              address=data["applicant_address"], phone=data["applicant_phone"]))
            except (ValidationError, PermissionDenied) as exc:
                _service_errors(form, exc)
            else:
                return _received(request, case)
    if form.is_bound:
        describe_errors(form)
    elif initial["dossier"]:
        form.fields["dossier"].widget.attrs.pop("autofocus", None)
        form.fields["kind"].widget.attrs["autofocus"] = True
    return render(request, "procedures/intake.html", {"form": form, "picks": picks, "relationships": RELATIONSHIPS})


def _received(request: HttpRequest, case: Case) -> HttpResponse:
    url = reverse("case_detail", args=[case.number])
    try:
        receipt = cases.make_document(actor=request.user, case=case, kind=CaseDocument.Kind.RECEIPT)
    except (ValidationError, PermissionDenied, OSError) as exc:
        messages.error(request, gettext("Đã tiếp nhận nhưng chưa lập được phiếu tiếp nhận: ") + "; ".join(
            getattr(exc, "messages", [str(exc)])) + gettext(" Hãy lập lại ở mục Giấy tờ."))
    else:
        url += f"?phieu={receipt.pk}"
    messages.success(request, gettext("Đã tiếp nhận hồ sơ %(number)s (mã tra cứu %(tracking_code)s). Hẹn trả kết "
                                      "quả ngày %(due_on)s.") % {
                                      "number": case.number,
                                      "tracking_code": case.tracking_code,
                                      "due_on": f'{case.due_on:%d/%m/%Y}'})
    return redirect(url)


@rule(RECEIVE_CASE)
def case_intake_papers(request: HttpRequest) -> HttpResponse:
    """The checklist of the chosen procedure (htmx, when the procedure changes on the intake form)."""
    form = IntakeForm(initial={"kind": request.GET.get("kind", "")}, versions=procedure_selectors.desk_catalogue())
    return render(request, "procedures/_intake_papers.html", {"form": form})


@rule(RECEIVE_CASE)
def case_dossier_lookup(request: HttpRequest) -> HttpResponse:
    """Dossiers offered as the desk types a name or number (htmx); each search is audited, as the desk search is."""
    text = request.GET.get("dossier", "").strip()[:300]
    hits = []
    if text:
        found = archive_selectors.scanned_dossier(actor=request.user, text=text)
        result = search_services.search(actor=request.user, text=found.number if found else text, limit=PICKS,
                                         prefix_last=True)
        hits = result.hits
    return render(request, "procedures/_dossier_picks.html", {"picks": hits, "text": text})


# --- a case -------------------------------------------------------------------------------------------------


def _opened(request: HttpRequest, number: str) -> Case:
    _require_case_work(request)
    case = cases.view_case(actor=request.user, number=number)
    if case is None:
        raise Http404(gettext("Không có hồ sơ thủ tục này hoặc bạn không có quyền xem."))
    return case


@rule(SIGNED_IN)
def case_detail(request: HttpRequest, number: str) -> HttpResponse:
    case = _opened(request, number)
    actor = request.user
    page = procedure_selectors.case_page(actor=actor, case=case)
    fresh = request.GET.get("phieu", "")
    return render(request, "procedures/detail.html", {
        "case": case, "p": page, "today": cases.today(), "fresh": int(fresh) if fresh.isdigit() else None,
        "can_receive": user_can(actor, RECEIVE_CASE), "can_process": user_can(actor, PROCESS_CASE),
        "can_decide": user_can(actor, DECIDE_CASE),
        "forms": _move_forms(page), "document_kinds": _document_kinds(case),
        "can_register": page.opens_dossier and page.open and user_can(actor, EDIT_DOSSIER),
        "link_forms": {"original": OriginalForm(auto_id="original-%s"),
                       "file": CaseFileForm(auto_id="file-%s", papers=page.papers),
                       "register": RegisterForm(auto_id="register-%s", initial=links.register_defaults(case)),
                       "transfer": TransferForm(auto_id="transfer-%s", initial=case.change.get("transfer"))}})


def _original_messages(request: HttpRequest, case: Case) -> None:
    """What the step reached asked of the archive (cases._ask_for_originals), said on the case page."""
    for outcome in getattr(case, "original_requests", []):
        (messages.info if outcome.ok else messages.warning)(request, outcome.message)


def _move_forms(page: procedure_selectors.CasePage) -> dict:
    """One form per move shown on the case page, each with ids of its own (several have a date and a note)."""
    return {"start": MoveForm(auto_id="start-%s"), "advance": MoveForm(auto_id="advance-%s"),
            "send": SendForm(auto_id="send-%s", initial={"to_body": page.next_actor}),
            "request_papers": RequestPapersForm(auto_id="ask-%s", initial={"missing": "\n".join(page.missing)}),
            "papers_complete": MoveForm(auto_id="complete-%s"),
            "tick": TickPapersForm(auto_id="tick-%s", missing=page.missing), "decide": DecideForm(auto_id="decide-%s"),
            "refuse": RefuseForm(auto_id="refuse-%s"), "return": MoveForm(auto_id="return-%s"),
            "withdraw": WithdrawForm(auto_id="withdraw-%s"),
            "change": ChangeForm(auto_id="change-%s", relatives=page.relatives)}


def _document_kinds(case: Case) -> list[tuple[str, str]]:
    """The papers worth offering in the case's state (the service refuses the others with its reason anyway)."""
    kinds = [CaseDocument.Kind.RECEIPT, CaseDocument.Kind.EXTRACT]
    if case.state == Case.State.WAITING_PAPERS or case.papers.filter(received_on=None).exists():
        kinds.append(CaseDocument.Kind.SUPPLEMENT)
    if case.state in (Case.State.PROCESSING, Case.State.SENT):
        kinds.append(CaseDocument.Kind.HANDOVER)
    if case.state == Case.State.REFUSED:
        kinds.append(CaseDocument.Kind.REFUSAL)
    return [(k.value, k.label) for k in kinds]


def _for_write(request: HttpRequest, number: str) -> Case:
    """The case a move is about, seen through the visibility rule (the move writes the audit event)."""
    case = cases.visible_cases(actor=request.user).filter(number=number.strip().upper()).first()
    if case is None:
        raise Http404(gettext("Không có hồ sơ thủ tục này hoặc bạn không có quyền xem."))
    return case


def _act(request: HttpRequest, number: str, form: type, perform: Callable[[Case, dict], str], **form_kwargs):
    case = _for_write(request, number)
    bound = form(request.POST, **form_kwargs)
    if not bound.is_valid():
        for name, errors in bound.errors.items():
            for error in errors:
                messages.error(request, error if name == "__all__" else f"{bound.fields[name].label}: {error}")
        return redirect("case_detail", number=case.number)
    try:
        done = perform(case, bound.cleaned_data)
    except (ValidationError, PermissionDenied) as exc:
        for message in getattr(exc, "messages", None) or [str(exc)]:
            messages.error(request, message)
    else:
        messages.success(request, done)
    return redirect("case_detail", number=case.number)


def _due(case: Case) -> str:
    return f"{case.due_on:%d/%m/%Y}"


@require_POST
@rule(PROCESS_CASE)
def case_start(request: HttpRequest, number: str) -> HttpResponse:
    def start(case, data):
        case = cases.start_processing(actor=request.user, case=case, on=data["on"], note=data["note"])
        _original_messages(request, case)
        return gettext("Đã thụ lý hồ sơ %(number)s: bước 1, hẹn trả kết quả ngày %(due_on)s.") % {
            "number": case.number, "due_on": _due(case)}
    return _act(request, number, MoveForm, start)


@require_POST
@rule(PROCESS_CASE)
def case_advance(request: HttpRequest, number: str) -> HttpResponse:
    def advance(case, data):
        case = cases.advance(actor=request.user, case=case, on=data["on"], note=data["note"])
        _original_messages(request, case)
        return gettext("Hồ sơ %(number)s chuyển sang bước %(step)s; hẹn trả kết quả ngày %(due_on)s.") % {
            "number": case.number, "step": case.step, "due_on": _due(case)}
    return _act(request, number, MoveForm, advance)


@require_POST
@rule(PROCESS_CASE)
def case_send(request: HttpRequest, number: str) -> HttpResponse:
    def send(case, data):
        case = cases.send(actor=request.user, case=case, to_body=data["to_body"], on=data["on"], note=data["note"])
        return gettext("Đã chuyển hồ sơ %(number)s đến %(body)s. In phiếu chuyển hồ sơ ở mục Giấy tờ.") % {
            "number": case.number, "body": case.sent_to}
    return _act(request, number, SendForm, send)


@require_POST
@rule(PROCESS_CASE)
def case_request_papers(request: HttpRequest, number: str) -> HttpResponse:
    def ask(case, data):
        case = cases.request_papers(actor=request.user, case=case, missing=data["missing"].splitlines(),
                                    on=data["on"], note=data["note"])
        return gettext("Đã yêu cầu bổ sung giấy tờ cho hồ sơ %(number)s: thời hạn tạm dừng đến khi nhận đủ. In "
                       "phiếu yêu cầu bổ sung ở mục Giấy tờ.") % {"number": case.number}
    return _act(request, number, RequestPapersForm, ask)


@require_POST
@rule(PROCESS_CASE)
def case_papers_complete(request: HttpRequest, number: str) -> HttpResponse:
    def complete(case, data):
        case = cases.papers_complete(actor=request.user, case=case, on=data["on"], note=data["note"])
        return gettext("Đã nhận đủ giấy tờ bổ sung của hồ sơ %(number)s; thời hạn tính tiếp, hẹn trả kết quả "
                       "ngày %(due_on)s.") % {"number": case.number, "due_on": _due(case)}
    return _act(request, number, MoveForm, complete)


@require_POST
@rule(PROCESS_CASE)
def case_tick_papers(request: HttpRequest, number: str) -> HttpResponse:
    case = _for_write(request, number)
    missing = list(case.papers.filter(received_on=None).values_list("name", flat=True))

    def tick(case, data):
        cases.tick_papers(actor=request.user, case=case, names=data["names"])
        return ngettext("Đã ghi nhận %(count)s giấy tờ đã nhận.", "Đã ghi nhận %(count)s giấy tờ đã nhận.",
                        len(data["names"])) % {"count": len(data["names"])}
    return _act(request, number, TickPapersForm, tick, missing=missing)


@require_POST
@rule(DECIDE_CASE)
def case_decide(request: HttpRequest, number: str) -> HttpResponse:
    def approve(case, data):
        case = cases.decide(actor=request.user, case=case, decision_number=data["decision_number"], on=data["on"],
                            note=data["note"])
        return gettext("Đã duyệt kết quả hồ sơ %(number)s; bộ phận một cửa trả kết quả cho người nộp.") % {
            "number": case.number}
    return _act(request, number, DecideForm, approve)


@require_POST
@rule(DECIDE_CASE)
def case_refuse(request: HttpRequest, number: str) -> HttpResponse:
    def refuse(case, data):
        case = cases.refuse(actor=request.user, case=case, reasons=data["reasons"], on=data["on"])
        return gettext("Đã từ chối giải quyết hồ sơ %(number)s. In phiếu từ chối (có lý do) ở mục Giấy tờ.") % {
            "number": case.number}
    return _act(request, number, RefuseForm, refuse)


@require_POST
@rule(RECEIVE_CASE)
def case_return(request: HttpRequest, number: str) -> HttpResponse:
    def give_back(case, data):
        case = cases.return_result(actor=request.user, case=case, on=data["on"], note=data["note"])
        return gettext("Đã trả kết quả hồ sơ %(number)s ngày %(date)s.") % {
            "number": case.number, "date": f"{case.closed_on:%d/%m/%Y}"}
    return _act(request, number, MoveForm, give_back)


@require_POST
@rule(RECEIVE_CASE)
def case_withdraw(request: HttpRequest, number: str) -> HttpResponse:
    def withdraw(case, data):
        case = cases.withdraw(actor=request.user, case=case, reason=data["reason"], on=data["on"])
        return gettext("Đã ghi nhận người nộp rút hồ sơ %(number)s.") % {"number": case.number}
    return _act(request, number, WithdrawForm, withdraw)


@require_POST
@rule(PROCESS_CASE)
def case_change(request: HttpRequest, number: str) -> HttpResponse:
    """Đề xuất thay đổi hồ sơ: one more part of what the decision will change (or «Bỏ đề xuất»: none)."""
    case = _for_write(request, number)
    if changes.kind_for(case) == changes.TRANSFER:
        def where(case, data):
            cases.propose_change(actor=request.user, case=case, item=None if "drop" in request.POST else data)
            return (gettext("Đã bỏ thông tin di chuyển.") if "drop" in request.POST
                    else gettext("Đã ghi nơi chuyển hồ sơ đến; khi lãnh đạo duyệt, phiếu báo di chuyển (Mẫu 93) được "
                                 "lập để bộ phận lưu trữ gửi đi."))
        return _act(request, number, MoveForm if "drop" in request.POST else TransferForm, where)
    first = case.dossiers.order_by("number").first()
    relatives = list(first.relative_links.select_related("person")) if first is not None else []

    def propose(case, data):
        item = None if "drop" in request.POST else {k: v for k, v in data.items() if v not in ("", None)}
        cases.propose_change(actor=request.user, case=case, item=item)
        return (gettext("Đã bỏ đề xuất thay đổi hồ sơ.") if item is None
                else gettext("Đã ghi đề xuất thay đổi hồ sơ; hồ sơ được cập nhật khi lãnh đạo duyệt và ghi số quyết "
                             "định."))
    return _act(request, number, ChangeForm, propose, relatives=relatives)


# --- papers produced ----------------------------------------------------------------------------------------


@require_POST
@rule(PROCESS_CASE)
def case_document_make(request: HttpRequest, number: str) -> HttpResponse:
    """Lập giấy tờ: the paper is drawn, kept with the case, and its link takes the focus on the case page."""
    case = _for_write(request, number)
    form = DocumentForm(request.POST)
    if not form.is_valid():
        messages.error(request, gettext("Chọn loại giấy tờ và định dạng."))
        return redirect("case_detail", number=case.number)
    try:
        document = cases.make_document(actor=request.user, case=case, kind=form.cleaned_data["kind"],
                                       format=form.cleaned_data["format"])
    except (ValidationError, PermissionDenied) as exc:
        for message in getattr(exc, "messages", None) or [str(exc)]:
            messages.error(request, message)
        return redirect("case_detail", number=case.number)
    messages.success(request, gettext("Đã lập %(lower)s (%(upper)s).") % {
                                      "lower": document.get_kind_display().lower(),
                                      "upper": document.format.upper()})
    return redirect(f"{reverse('case_detail', args=[case.number])}?phieu={document.pk}")


@rule(SIGNED_IN)
def case_document(request: HttpRequest, pk: int) -> HttpResponse:
    """A paper of a case, read back from the file store (audited as a download): a PDF opens to be printed, a DOCX
    downloads to be edited before signing."""
    _require_case_work(request)
    document = procedure_selectors.case_document_for(actor=request.user, pk=pk)
    if document is None:
        raise Http404(gettext("Không có giấy tờ này hoặc bạn không có quyền xem."))
    data = cases.document_bytes(actor=request.user, document=document)
    pdf = document.format == CaseDocument.Format.PDF
    response = HttpResponse(data, content_type="application/pdf" if pdf else (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"))
    response["Content-Disposition"] = f'{"inline" if pdf else "attachment"}; filename="{document.filename}"'
    response["Cache-Control"] = "private, no-store"
    return response

