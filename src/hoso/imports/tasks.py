"""Background import of a register uploaded on the web (Django Tasks API, database backend; `hoso worker`)."""

try:  # Django 6 ships the Tasks API; on 5.2 the django-tasks backport provides it
    from django.tasks import task
except ImportError:
    from django_tasks import task

from hoso.imports.services import runs


@task()
def run_import(run_id: int) -> str:
    return runs.execute(run_id)
