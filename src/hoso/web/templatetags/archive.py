"""Where the paper original is, shown wherever a dossier appears: the "đang mượn" badge (holder and since
when) in lists and search results, the archive panel of the dossier page, reminders on the home page.

Lists call `on_loan` once per page (one query), then `loan_badge` per row reads from that map."""

from django import template
from django.utils import timezone
from django.utils.html import format_html

from hoso.archive import selectors

register = template.Library()


def _actor(context):
    request = context.get("request")
    return getattr(request, "user", None)


@register.simple_tag(takes_context=True)
def on_loan(context, items) -> dict:
    """Dossier number → checked-out loan for the rows of a page (Dossier objects or search hits)."""
    actor = _actor(context)
    if actor is None or not actor.is_authenticated or not items:
        return {}
    numbers = [getattr(item, "dossier_number", None) or getattr(item, "number", "") for item in items]
    return selectors.checked_out_by_number(actor=actor, numbers=numbers)


def _since(loan) -> str:
    return timezone.localtime(loan.checked_out_at).strftime("%d/%m/%Y") if loan.checked_out_at else ""


@register.simple_tag
def loan_badge(loans: dict, number: str) -> str:
    loan = (loans or {}).get(number)
    if loan is None:
        return ""
    css = "badge loan overdue" if loan.overdue else "badge loan"
    return format_html('<span class="{}" title="Bản gốc đang được mượn{}">Đang mượn: {} từ {}</span>', css,
                       ", quá hạn trả" if loan.overdue else "", loan.holder, _since(loan))


@register.inclusion_tag("archive/_panel.html", takes_context=True)
def archive_panel(context, dossier) -> dict:
    """The paper original on the dossier page: its box, and who holds it since when (or the open request)."""
    state = selectors.dossier_archive(dossier=dossier)
    loan = state.loan
    return {"dossier": dossier, "state": state, "loan": loan, "can": context.get("can", {}),
            "since": _since(loan) if loan else "", "user": _actor(context)}


@register.inclusion_tag("archive/_reminders.html", takes_context=True)
def archive_reminders(context) -> dict:
    actor = _actor(context)
    if actor is None or not actor.is_authenticated:
        return {"reminders": None}
    return {"reminders": selectors.reminders(actor=actor), "can": context.get("can", {}),
            "today": selectors.today()}
