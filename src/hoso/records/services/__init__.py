"""The one write path for records. Every function validates, writes and audits in one transaction.

Views, the API, commands and tasks call these functions; they never save records models themselves.
Messages raised to users (`django.core.exceptions.ValidationError`) go through gettext: they read in the user's
language, Vietnamese by default; what is written (rows, audit trail) stays Vietnamese.

The package splits them by concept (people, dossiers, documents, bulk registration, the digitisation
workflow); everything public is importable from here."""

from hoso.records.services._common import (
    ASSESSMENT_FIELDS,
    DECISION_FIELDS,
    DOCUMENT_FIELDS,
    DOSSIER_FIELDS,
    MARTYR_FIELDS,
    NATIONAL_ID,
    PERSON_FIELDS,
    canonical_dossier_number,
    notifications_deferred,
    snapshot,
)
from hoso.records.services.bulk_register import (
    bulk_register_dossiers,
)
from hoso.records.services.documents import (
    add_document,
    delete_document,
    update_document,
)
from hoso.records.services.dossiers import (
    NUMBER_WITHOUT_SERIAL,
    add_assessment,
    add_decision,
    delete_dossier,
    link_relative,
    next_free_number,
    open_dossier,
    record_copy_handed_out,
    record_list_read,
    record_page_text_read,
    record_page_view,
    record_read,
    register_dossier,
    set_martyr_facts,
    unlink_relative,
    update_dossier,
    update_relative,
)
from hoso.records.services.people import (
    create_person,
    merge_people,
    unmerge_people,
    update_person,
)
from hoso.records.services.status import (
    WORKFLOW,
    data_enterers,
    may_change_status,
    reopen_after_edit,
    set_dossier_status,
)

__all__ = [
    "ASSESSMENT_FIELDS",
    "DECISION_FIELDS",
    "DOCUMENT_FIELDS",
    "DOSSIER_FIELDS",
    "MARTYR_FIELDS",
    "NATIONAL_ID",
    "PERSON_FIELDS",
    "WORKFLOW",
    "add_assessment",
    "add_decision",
    "add_document",
    "bulk_register_dossiers",
    "canonical_dossier_number",
    "create_person",
    "data_enterers",
    "delete_document",
    "delete_dossier",
    "NUMBER_WITHOUT_SERIAL",
    "link_relative",
    "next_free_number",
    "may_change_status",
    "merge_people",
    "notifications_deferred",
    "unmerge_people",
    "open_dossier",
    "record_copy_handed_out",
    "record_list_read",
    "record_page_text_read",
    "record_page_view",
    "record_read",
    "register_dossier",
    "reopen_after_edit",
    "set_dossier_status",
    "set_martyr_facts",
    "snapshot",
    "unlink_relative",
    "update_relative",
    "update_document",
    "update_dossier",
    "update_person",
]
