"""The "đang mượn" badge (holder and since when) of a row in lists and search results. The view reads the loans of
the page once (`archive.selectors.checked_out_by_number`, through the visibility rule) and passes them as `loans`;
this tag only formats: template tags never query the database."""

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext

register = template.Library()


@register.simple_tag
def loan_badge(loans: dict, number: str) -> str:
    loan = (loans or {}).get(number)
    if loan is None:
        return ""
    since = timezone.localtime(loan.checked_out_at).strftime("%d/%m/%Y") if loan.checked_out_at else ""
    css = "badge loan overdue" if loan.overdue else "badge loan"
    title = gettext("Bản gốc đang được mượn, quá hạn trả") if loan.overdue else gettext("Bản gốc đang được mượn")
    return format_html('<span class="{}" title="{}">{}</span>', css, title,
                       gettext("Đang mượn: %(holder)s từ %(since)s") % {"holder": loan.holder, "since": since})
