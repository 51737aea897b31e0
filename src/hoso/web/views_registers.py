"""Possible duplicate people: the review queue, side by side with conflicts flagged, merge (confirmed, with a
reason) or dismiss, and undo."""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_POST

from hoso.access.decorators import rule
from hoso.access.permissions import EDIT_DOSSIER
from hoso.imports.models import DuplicateCandidate
from hoso.imports.services.duplicates import decide, facts, find_candidates, reasons_for_reader, undo
from hoso.records import services as records_services
from hoso.records.selectors import visible_dossiers


def _visible_candidates(user):
    """Only pairs whose two people each have a dossier the user may see."""
    seen = visible_dossiers(actor=user)
    return (DuplicateCandidate.objects.filter(status=DuplicateCandidate.Status.OPEN)
            .filter(Exists(seen.filter(subject_id=OuterRef("first_id"))),
                    Exists(seen.filter(subject_id=OuterRef("second_id"))))
            .select_related("first", "second", "first__hometown_unit", "second__hometown_unit")
            .prefetch_related("first__aliases", "second__aliases", "first__dossiers__category",
                              "second__dossiers__category"))


@rule(EDIT_DOSSIER)
def duplicate_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(_visible_candidates(request.user), 20).get_page(request.GET.get("page"))
    pairs = [(c, facts(c.first, c.second)) for c in page.object_list]
    for candidate, _facts in pairs:  # stored in Vietnamese; shown in the reader's language (not saved)
        candidate.reasons = reasons_for_reader(candidate.reasons)
    recent = list(_decided_candidates(request.user)[:10])
    records_services.record_list_read(actor=request.user, object_type="duplicate_list", page=page.number,
                                      keys=[f"{c.first_id}+{c.second_id}" for c in [*page.object_list, *recent]])
    return render(request, "registers/duplicates.html", {"page": page, "pairs": pairs, "recent": recent})


def _decided_candidates(user):
    """Pairs decided in the last 30 days that the user may still see (the kept record's dossiers), newest first:
    the decisions that can be undone."""
    seen = visible_dossiers(actor=user)
    since = timezone.now() - timedelta(days=30)
    return (DuplicateCandidate.objects.exclude(status=DuplicateCandidate.Status.OPEN).filter(decided_at__gte=since)
            .filter(Exists(seen.filter(subject_id=OuterRef("first_id")))
                    | Exists(seen.filter(subject_id=OuterRef("second_id"))))
            .select_related("first", "second", "decided_by").order_by("-decided_at"))


@rule(EDIT_DOSSIER)
@require_POST
def duplicate_scan(request: HttpRequest) -> HttpResponse:
    count = find_candidates(actor=request.user)
    messages.success(request, ngettext("Đã tìm thấy %(count)s cặp có thể trùng mới.",
                                                "Đã tìm thấy %(count)s cặp có thể trùng mới.", count) % {
                                                "count": count} if count
                     else gettext("Không có cặp trùng mới."))
    return redirect("duplicate_list")


@rule(EDIT_DOSSIER)
@require_POST
def duplicate_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """«Không phải một người» at once; «Gộp» after a confirmation page that shows what moves and asks why."""
    candidate = _visible_candidates(request.user).filter(pk=pk).first()
    if candidate is None:
        raise Http404(gettext("Không có cặp này, hoặc đã được xử lý."))
    action = request.POST.get("action")
    reason = request.POST.get("reason", "").strip()
    if action in {"keep_first", "keep_second"} and not request.POST.get("confirm"):
        keep, other = ((candidate.first, candidate.second) if action == "keep_first"
                       else (candidate.second, candidate.first))
        return render(request, "registers/duplicate_confirm.html", {
            "candidate": candidate, "facts": facts(candidate.first, candidate.second), "keep": keep, "other": other,
            "action": action, "reason": reason})
    try:
        if action in {"keep_first", "keep_second"}:
            decide(actor=request.user, candidate=candidate, merge=True, keep_first=action == "keep_first",
                   reason=reason)
            messages.success(request, gettext("Đã gộp hai bản ghi; bản bị gộp vẫn được giữ để tra lịch sử. Có "
                                              "thể hoàn tác ở mục «Quyết định gần đây»."))
        elif action == "dismiss":
            decide(actor=request.user, candidate=candidate, merge=False, reason=reason)
            messages.success(request, gettext("Đã ghi nhận: hai người khác nhau."))
        else:
            messages.error(request, gettext("Không rõ thao tác."))
    except (ValidationError, PermissionDenied) as exc:
        for message in getattr(exc, "messages", [str(exc)]):
            messages.error(request, message)
    return redirect("duplicate_list")


@rule(EDIT_DOSSIER)
@require_POST
def duplicate_undo(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = _decided_candidates(request.user).filter(pk=pk).first()
    if candidate is None:
        raise Http404(gettext("Không có quyết định này, hoặc đã quá 30 ngày."))
    try:
        undo(actor=request.user, candidate=candidate, reason=request.POST.get("reason", ""))
    except (ValidationError, PermissionDenied) as exc:
        for message in getattr(exc, "messages", [str(exc)]):
            messages.error(request, message)
    else:
        messages.success(request, gettext("Đã hoàn tác: cặp %(full_name)s / %(full_name2)s lại chờ xem xét.") % {
                                          "full_name": candidate.first.full_name,
                                          "full_name2": candidate.second.full_name})
    return redirect("duplicate_list")
