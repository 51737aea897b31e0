"""Possible duplicate people: the review queue, side by side, with merge or dismiss."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from hoso.access.decorators import rule
from hoso.access.permissions import EDIT_DOSSIER
from hoso.imports.models import DuplicateCandidate
from hoso.imports.services.duplicates import decide, find_candidates
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
    records_services.record_list_read(actor=request.user, object_type="duplicate_list", page=page.number,
                                      keys=[f"{c.first_id}+{c.second_id}" for c in page.object_list])
    return render(request, "registers/duplicates.html", {"page": page})


@rule(EDIT_DOSSIER)
@require_POST
def duplicate_scan(request: HttpRequest) -> HttpResponse:
    count = find_candidates(actor=request.user)
    messages.success(request, f"Đã tìm thấy {count} cặp có thể trùng mới." if count else "Không có cặp trùng mới.")
    return redirect("duplicate_list")


@rule(EDIT_DOSSIER)
@require_POST
def duplicate_decide(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = _visible_candidates(request.user).filter(pk=pk).first()
    if candidate is None:
        raise Http404("Không có cặp này, hoặc đã được xử lý.")
    action = request.POST.get("action")
    try:
        if action in {"keep_first", "keep_second"}:
            decide(actor=request.user, candidate=candidate, merge=True, keep_first=action == "keep_first")
            messages.success(request, "Đã gộp hai bản ghi; bản bị gộp vẫn được giữ để tra lịch sử.")
        elif action == "dismiss":
            decide(actor=request.user, candidate=candidate, merge=False)
            messages.success(request, "Đã ghi nhận: hai người khác nhau.")
        else:
            messages.error(request, "Không rõ thao tác.")
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
    return redirect("duplicate_list")
