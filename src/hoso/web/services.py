"""The one write path of what the web UI keeps per user: saved list views. Each change is audited (the catalogue:
core/events.py); a user reaches only their own views."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext

from hoso.access.models import User
from hoso.core.audit import record_event
from hoso.core.events import AuditAction

from .models import SavedView

MAX_VIEWS_PER_LIST = 50


def save_list_view(*, actor: User, name: str, query: str,
                   list_name: str = SavedView.ListName.DOSSIERS) -> SavedView:
    """Save the list's filters and sort (`query`, already cleaned) under `name`; a view of the same name is
    replaced."""
    name = " ".join((name or "").split())[:80]
    if not name:
        raise ValidationError({"name": gettext("Hãy đặt tên cho bộ lọc.")})
    if actor is None or not actor.pk:
        raise PermissionDenied(gettext("Chỉ người dùng đã đăng nhập mới lưu được bộ lọc."))
    with transaction.atomic():
        view = SavedView.objects.select_for_update().filter(owner=actor, list_name=list_name, name=name).first()
        before = {"query": view.query} if view else None
        if view is None:
            if SavedView.objects.filter(owner=actor, list_name=list_name).count() >= MAX_VIEWS_PER_LIST:
                raise ValidationError(gettext("Mỗi danh sách lưu được tối đa %(MAX_VIEWS_PER_LIST)s bộ lọc: hãy "
                                              "xóa bớt.") % {
                                              "MAX_VIEWS_PER_LIST": MAX_VIEWS_PER_LIST})
            view = SavedView.objects.create(owner=actor, list_name=list_name, name=name, query=query[:2000])
        else:
            view.query = query[:2000]
            view.save(update_fields=["query", "updated_at"])
        record_event(actor=actor, action=AuditAction.SAVE_LIST_VIEW, obj=view, summary=f"{list_name}: {name}",
                     before=before, after={"name": name, "query": view.query})
    return view


def delete_list_view(*, actor: User, view: SavedView) -> None:
    """Delete one of the actor's own saved views."""
    if actor is None or view.owner_id != actor.pk:
        raise PermissionDenied(gettext("Bộ lọc này không phải của bạn."))
    with transaction.atomic():
        record_event(actor=actor, action=AuditAction.DELETE_LIST_VIEW, obj=view, summary=f"{view.list_name}: "
                     f"{view.name}", before={"name": view.name, "query": view.query})
        view.delete()
