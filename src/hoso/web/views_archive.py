"""The paper archive pages for archivists: locations, moves, inventory checks and label sheets.
Thin: reads through archive.selectors, writes through archive.services (all need MANAGE_ARCHIVE)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext, ngettext, npgettext
from django.views.decorators.http import require_POST

from hoso.access.decorators import rule
from hoso.access.permissions import MANAGE_ARCHIVE
from hoso.archive import labels, selectors, services
from hoso.archive.inventory import KEYS, TITLES
from hoso.archive.models import CHILD_KIND, InventoryCheck, Location
from hoso.archive.scan import split_scans
from hoso.core.i18n import in_vietnamese
from hoso.records import services as records_services

from .forms_archive import InventoryForm, LabelForm, LocationForm, MoveForm


def _errors(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _location(pk: int) -> Location:
    location = Location.objects.filter(pk=pk).first()
    if location is None:
        raise Http404(gettext("Không có vị trí này."))
    return location


@rule(MANAGE_ARCHIVE)
def archive_home(request: HttpRequest) -> HttpResponse:
    """The store as a tree with what each place holds, and the archivist's tools."""
    return render(request, "archive/home.html", {
        "tree": selectors.location_tree(), "form": LocationForm(),
        "overdue": selectors.overdue_loans(actor=request.user).count(),
        "checks": selectors.inventory_checks(limit=5)})


@rule(MANAGE_ARCHIVE)
@require_POST
def location_create(request: HttpRequest) -> HttpResponse:
    """Add a store (no parent) or the next level under a location."""
    raw = request.POST.get("parent", "")
    if raw and not raw.isdigit():
        raise Http404(gettext("Không có vị trí này."))
    parent = _location(int(raw)) if raw else None
    kind = CHILD_KIND.get(parent.kind, "") if parent else Location.Kind.STORE
    form = LocationForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            messages.error(request, f"{form.fields[field].label}: {errors[0]}")
        return redirect("archive_location", pk=parent.pk) if parent else redirect("archive_home")
    data = form.cleaned_data
    try:
        if data["count"] == [1]:
            made = [services.create_location(actor=request.user, kind=kind, parent=parent, name=data["name"],
                                             capacity=data["capacity"])]
        else:
            made = services.create_location_run(actor=request.user, kind=kind, parent=parent, counts=data["count"],
                                                capacity=data["capacity"])
    except ValidationError as exc:
        _errors(request, exc)
        return redirect("archive_location", pk=parent.pk) if parent else redirect("archive_home")
    if len(made) == 1:
        messages.success(request, gettext("Đã thêm %(label)s (%(code)s).") % {
                                          "label": made[0].label,
                                          "code": made[0].code})
        return redirect("archive_location", pk=made[0].pk)
    messages.success(request, ngettext("Đã thêm %(count)s vị trí: %(first)s … %(last)s.",
                                       "Đã thêm %(count)s vị trí: %(first)s … %(last)s.", len(made)) % {
        "count": f"{len(made):,}".replace(",", "."), "first": made[0].code, "last": made[-1].code})
    return redirect("archive_location", pk=parent.pk) if parent else redirect("archive_home")


@rule(MANAGE_ARCHIVE)
def location_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One place: its path, what is under it (child places, or the dossiers of a box) and its checks."""
    location = _location(pk)
    if request.method == "POST":
        form = LocationForm(request.POST, prefix="edit")
        if form.is_valid():
            try:
                services.update_location(actor=request.user, location=location, **form.cleaned_data)
            except ValidationError as exc:
                _errors(request, exc)
            else:
                messages.success(request, gettext("Đã lưu %(code)s.") % {"code": location.code})
                return redirect("archive_location", pk=location.pk)
    edit = LocationForm(prefix="edit", initial={"name": location.name, "capacity": location.capacity})
    children = location.children.annotate(n_children=Count("children"), n_placed=Count("placements"))
    dossiers = list(selectors.placed_dossiers(actor=request.user, location=location)[:500])
    records_services.record_list_read(actor=request.user, object_type="location", keys=[d.number for d in dossiers],
                                      filters={"location": location.code})
    return render(request, "archive/location.html", {
        "location": location, "ancestors": selectors.ancestors(location), "children": children,
        "child_kind": CHILD_KIND.get(location.kind), "form": LocationForm(), "edit": edit,
        "dossiers": dossiers, "loans": selectors.checked_out_by_number(actor=request.user, numbers=[
            d.number for d in dossiers]), "hidden": selectors.hidden_count(actor=request.user, location=location),
        "checks": selectors.inventory_checks(location=location, limit=10)})


def _dossiers_from_scans(request: HttpRequest, text: str):
    """Visible dossiers named by the scans, in scan order, and the scans that named none."""
    scans = selectors.read_scans(split_scans(text))
    found = selectors.match_numbers(actor=request.user, numbers=[s.value for s in scans if s.kind == "dossier"])
    dossiers = list({found[s.value].pk: found[s.value] for s in scans if s.value in found}.values())
    unknown = [s.raw for s in scans if s.value not in found]
    return dossiers, unknown


@rule(MANAGE_ARCHIVE)
def move(request: HttpRequest) -> HttpResponse:
    """Chuyển hồ sơ: scan a box label, then the dossiers; one action moves them all."""
    form = MoveForm(request.POST or None, initial={"box": request.GET.get("box", ""),
                                                  "scans": request.GET.get("numbers", "")})
    if request.method == "POST" and form.is_valid():
        dossiers, unknown = _dossiers_from_scans(request, form.cleaned_data["scans"])
        box = form.cleaned_data["box"]
        if unknown:
            form.add_error("scans", gettext("Không nhận ra hoặc không được xem: %(numbers)s") % {
                "numbers": ", ".join(unknown[:20])})
        elif not dossiers:
            form.add_error("scans", gettext("Chưa quét hồ sơ nào."))
        else:
            try:
                result = services.move_dossiers(actor=request.user, dossiers=dossiers, box=box)
            except ValidationError as exc:
                form.add_error(None, exc.messages[0])
            else:
                messages.success(request, _moved_message(box, moved=len(result.moved),
                                                         unchanged=len(result.unchanged)))
                if result.lent:
                    messages.warning(request, gettext("Đang cho mượn (đã đổi hộp nơi trả về): %(numbers)s") % {
                        "numbers": ", ".join(result.lent)})
                return redirect("archive_location", pk=box.pk)
    return render(request, "archive/move.html", {"form": form, "boxes": selectors.box_choices()})


def _moved_message(box: Location, *, moved: int, unchanged: int) -> str:
    """One whole sentence per case: English needs "1 dossier" / "2 dossiers" in both halves."""
    values = {"count": moved, "unchanged": unchanged, "label": box.label, "code": box.code}
    if not unchanged:
        return ngettext("Đã chuyển %(count)s hồ sơ vào %(label)s (%(code)s).",
                        "Đã chuyển %(count)s hồ sơ vào %(label)s (%(code)s).", moved) % values
    # Vietnamese reads the same whatever the second count; the context tells English "1 was" from "3 were".
    if unchanged == 1:
        return npgettext("one already in the box",
                         "Đã chuyển %(count)s hồ sơ vào %(label)s (%(code)s). %(unchanged)s hồ sơ đã ở sẵn trong hộp.",
                         "Đã chuyển %(count)s hồ sơ vào %(label)s (%(code)s). %(unchanged)s hồ sơ đã ở sẵn trong hộp.",
                         moved) % values
    return npgettext("several already in the box",
                     "Đã chuyển %(count)s hồ sơ vào %(label)s (%(code)s). %(unchanged)s hồ sơ đã ở sẵn trong hộp.",
                     "Đã chuyển %(count)s hồ sơ vào %(label)s (%(code)s). %(unchanged)s hồ sơ đã ở sẵn trong hộp.",
                     moved) % values


@rule(MANAGE_ARCHIVE)
def inventory_new(request: HttpRequest) -> HttpResponse:
    """Kiểm kê: choose the place, walk it with the scanner, submit; the result page lists the differences."""
    form = InventoryForm(request.POST or None, initial={"location": request.GET.get("location", "")})
    if request.method == "POST" and form.is_valid():
        try:
            check = services.record_inventory(actor=request.user, location=form.cleaned_data["location"],
                                              scans=split_scans(form.cleaned_data["scans"]),
                                              note=form.cleaned_data["note"])
        except ValidationError as exc:
            form.add_error(None, exc.messages[0])
        else:
            return redirect("archive_inventory", pk=check.pk)
    return render(request, "archive/inventory_form.html", {"form": form, "locations": Location.objects.all()})


@rule(MANAGE_ARCHIVE)
def inventory_detail(request: HttpRequest, pk: int) -> HttpResponse:
    check = InventoryCheck.objects.select_related("location", "checked_by", "applied_by").filter(pk=pk).first()
    if check is None:
        raise Http404(gettext("Không có đợt kiểm kê này."))
    groups = [(key, TITLES[key], check.results.get(key, [])) for key in KEYS]
    return render(request, "archive/inventory.html", {
        "check": check, "groups": groups, "path": selectors.path_label(check.location)})


@rule(MANAGE_ARCHIVE)
@require_POST
def inventory_apply(request: HttpRequest, pk: int) -> HttpResponse:
    check = InventoryCheck.objects.filter(pk=pk).first()
    if check is None:
        raise Http404(gettext("Không có đợt kiểm kê này."))
    try:
        result = services.apply_inventory(actor=request.user, check=check)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, ngettext("Đã cập nhật vị trí của %(count)s hồ sơ theo kết quả kiểm kê.",
                                           "Đã cập nhật vị trí của %(count)s hồ sơ theo kết quả kiểm kê.",
                                           len(result.moved)) % {"count": len(result.moved)})
        if result.beyond_reach:
            messages.warning(request, ngettext("%(beyond_reach)s hồ sơ tìm thấy ở đây nằm ngoài phạm vi của bạn "
                                               "nên chưa được cập nhật; đợt kiểm kê vẫn mở để người có phạm vi "
                                               "phù hợp cập nhật tiếp.",
                                               "%(beyond_reach)s hồ sơ tìm thấy ở đây nằm ngoài phạm vi của bạn "
                                               "nên chưa được cập nhật; đợt kiểm kê vẫn mở để người có phạm vi "
                                               "phù hợp cập nhật tiếp.", result.beyond_reach) % {
                                               "beyond_reach": result.beyond_reach})
    return redirect("archive_inventory", pk=pk)


def _cover_labels(dossiers) -> list[labels.CoverLabel]:
    out = []
    for d in dossiers:
        birth = d.subject.birth_date
        out.append(labels.CoverLabel(number=d.number, name=d.subject.full_name, category=d.category.name,
                                     link=selectors.dossier_link(d.number),
                                     extra=f"sinh {birth.display()}" if birth else "", secret=d.is_secret))
    return out


def _box_labels(request: HttpRequest, location: Location) -> list[labels.BoxLabel]:
    """The labels stuck on the boxes are printed in Vietnamese ("Hộp 012"), whatever the language of the screen."""
    out = []
    for box in selectors.boxes_under(location).order_by("code"):
        numbers = list(selectors.placed_dossiers(actor=request.user, location=box).values_list("number", flat=True))
        contents = f"{len(numbers)} hồ sơ" + (f": {numbers[0]} … {numbers[-1]}" if numbers else "")
        with in_vietnamese():
            path = " › ".join(a.label for a in selectors.ancestors(box)[:-1])
            title = box.label
        out.append(labels.BoxLabel(code=box.code, title=title, path=path, contents=contents,
                                   link=selectors.location_link(box)))
    return out


@rule(MANAGE_ARCHIVE)
def label_sheets(request: HttpRequest) -> HttpResponse:
    """In nhãn: cover labels for scanned dossiers or everything under a place; box labels for a place."""
    form = LabelForm(request.POST or None, initial={"location": request.GET.get("location", ""),
                                                   "scans": request.GET.get("numbers", ""),
                                                   "kind": request.GET.get("kind", "cover")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["kind"] == "box":
                items = _box_labels(request, data["location"])
                pdf = labels.box_labels_pdf(items, layout=labels.BOX_LAYOUTS[data["box_layout"]],
                                            skip=data["skip"] or 0)
            else:
                dossiers, unknown = _dossiers_from_scans(request, data["scans"] or "")
                if data["location"]:
                    dossiers += [d for d in selectors.placed_dossiers(actor=request.user, location=data["location"])
                                 if d not in dossiers]
                if unknown:
                    messages.warning(request, gettext("Bỏ qua (không nhận ra hoặc không được xem): %(numbers)s") % {
                        "numbers": ", ".join(unknown[:20])})
                items = _cover_labels(dossiers)
                pdf = labels.cover_labels_pdf(items, layout=labels.COVER_LAYOUTS[data["cover_layout"]],
                                              skip=data["skip"] or 0)
        except labels.LabelFontMissing:
            form.add_error(None, gettext("Không tìm thấy phông chữ có đủ dấu tiếng Việt (Noto Sans hoặc DejaVu Sans) "
                                         "để in nhãn. Hãy cài gói fonts-noto-core: sudo apt-get install "
                                         "fonts-noto-core"))
        else:
            if not items:
                form.add_error(None, gettext("Không có nhãn nào để in."))
            else:
                services.record_labels_printed(actor=request.user, box_labels=data["kind"] == "box",
                                               codes=[getattr(i, "number", None) or i.code for i in items])
                response = HttpResponse(pdf, content_type="application/pdf")
                name = "nhan-hop" if data["kind"] == "box" else "nhan-bia-ho-so"
                response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
                return response
    return render(request, "archive/labels.html", {"form": form, "locations": Location.objects.all()})
