"""Small helpers every view module of the web UI shares."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest


def form_errors(form, exc: ValidationError | PermissionDenied) -> None:
    """Put a service's refusal onto the form: a ValidationError by field where the field exists, a
    PermissionDenied (out of the user's reach) as a message of the whole form."""
    if isinstance(exc, PermissionDenied):
        form.add_error(None, str(exc))
    elif hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field if field in form.fields else None
            for error in errors:
                form.add_error(target, error.messages[0] if hasattr(error, "messages") else str(error))
    else:
        for message in exc.messages:
            form.add_error(None, message)


def query_without_page(request: HttpRequest) -> str:
    """The list's filters as a query string, for the pager's links (which add their own `page`)."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()
