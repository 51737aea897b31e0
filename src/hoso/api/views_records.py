"""Read-write API over dossiers, people and documents.

Reads go through records.selectors (a user sees only what the access rule lets them see; anything else is
404, so its existence is not revealed); writes call records.services, which validate, write and audit in one
transaction. Each action declares its own access rule (see `ActionRules`).
"""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Exists
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.exceptions import MethodNotAllowed, NotFound, ValidationError
from rest_framework.parsers import JSONParser
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from hoso.access.permissions import DELETE_DOSSIER, EDIT_DOSSIER, VIEW_DOSSIER, Permission
from hoso.core.events import AuditAction
from hoso.core.models import AuditEvent
from hoso.records import selectors, services
from hoso.records.models import Document, Dossier, Person
from hoso.records.visibility import visible_documents, visible_people

from . import views
from .errors import NOT_FOUND, ErrorResponsesSchema, RecordsPagination, records_exception_handler, service_errors
from .fields import Text, VietnameseSerializer
from .serializers import DossierSerializer
from .serializers_records import (
    DocumentCreateSerializer,
    DocumentRecordSerializer,
    DocumentWriteSerializer,
    DossierCreateSerializer,
    DossierRecordSerializer,
    DossierWriteSerializer,
    PersonRecordSerializer,
    PersonWriteSerializer,
)

WRITES = ("create", "update", "partial_update")
PERSON_NEVER_DELETED = gettext_lazy("Không thể xóa người: thông tin về người có công và thân nhân được lưu giữ vĩnh "
                                    "viễn.")


class EscapedJSONRenderer(JSONRenderer):
    """JSON with <, > and & written as \\u003c, \\u003e, \\u0026: the same values, but a name such as
    "<script>" can never be read as HTML by whatever displays the response."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        body = super().render(data, accepted_media_type, renderer_context)
        return body.replace(b"<", b"\\u003c").replace(b">", b"\\u003e").replace(b"&", b"\\u0026")


class ActionRules:
    """Per-action access rules for DRF's RulePermission, which reads `view.access_rule`.

    The class-level `access_rule` (what the route-coverage test sees) is the rule for reading; before the
    permission check, the rule of the current action (from `action_rules`) replaces it on the instance.
    """

    access_rule: Permission
    action_rules: dict[str, Permission] = {}

    def initial(self, request, *args, **kwargs):
        self.access_rule = self.action_rules.get(self.action, type(self).access_rule)
        super().initial(request, *args, **kwargs)


class RecordsAPI(ActionRules):
    """What every records viewset shares: JSON only, Vietnamese errors, error responses in the schema."""

    schema = ErrorResponsesSchema()
    lookup_value_regex = r"[\s\S]+"  # anything up to the final slash: every item URL answers in JSON, found or not
    parser_classes = [JSONParser]
    renderer_classes = [EscapedJSONRenderer]
    pagination_class = RecordsPagination

    def paginate_queryset(self, queryset):
        """A page of a list holds personal data: its reading is audited, one event per page with its keys."""
        page = super().paginate_queryset(queryset)
        rows = page if page is not None else []
        services.record_list_read(actor=self.request.user, object_type=f"{queryset.model._meta.model_name}_list",
                                  keys=[str(getattr(o, "number", "") or o.pk) for o in rows],
                                  filters=self.request.query_params.dict())
        return page

    def get_exception_handler(self):
        return records_exception_handler

    def valid(self, serializer_class: type, *, instance: Any = None, partial: bool = False) -> dict[str, Any]:
        serializer = serializer_class(instance=instance, data=self.request.data, partial=partial,
                                      context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)


def _person_arguments(data: dict[str, Any]) -> dict[str, Any]:
    if "categories" in data:
        data["category_codes"] = data.pop("categories")
    return data


def _lenient_number(text: str) -> str:
    """A dossier number as typed in a URL or a request, in its canonical form where it parses."""
    try:
        return services.canonical_dossier_number(text)
    except DjangoValidationError:
        return text


def _example(name: str, value: dict[str, Any]) -> list[OpenApiExample]:
    return [OpenApiExample(name, value=value, request_only=True)]


DOSSIER_EXAMPLE = _example("Hồ sơ liệt sĩ", {
    "number": "QTI/LS-00123/CM", "category": "LS",
    "subject": {"full_name": "Nguyễn Văn Bình", "sex": "nam", "birth_date": "1950", "death_date": "5/1972",
                "aliases": ["Ba Bình"]},
    "martyr": {"place_of_sacrifice": "Thành cổ Quảng Trị", "unit": "Trung đoàn 48"},
})
NEW_STATUS = gettext_lazy("Hồ sơ mới đăng ký ở tình trạng «Chưa số hóa»; tình trạng số hóa đổi theo từng bước của "
                          "quy trình (đã quét → đã nhập liệu → đã kiểm tra bởi người thứ hai → đã lưu trữ).")
DOSSIER_CHANGE = _example("Sửa ngày kết thúc", {"end_date": "31/12/1975"})
PERSON_EXAMPLE = _example("Thân nhân", {"full_name": "Trần Thị Lan", "sex": "nu", "birth_date": "12/05/1925",
                                        "categories": ["TN"]})
PERSON_CHANGE = _example("Thêm bí danh", {"death_date": "27/07/1990", "aliases": ["Bà Lan"]})
DOCUMENT_EXAMPLE = _example("Giấy báo tử", {"dossier": "QTI/LS-07956/CM", "doc_type": "Giấy báo tử",
                                            "issued_on": "12/05/1972", "issuer": "Bộ Quốc phòng"})
DOCUMENT_CHANGE = _example("Sửa trích yếu", {"summary": "Báo tử liệt sĩ", "issued_on": "5/1972"})


# ---- dossiers ---------------------------------------------------------------------------------------------------

DOSSIER_DOCS = extend_schema_view(
    list=extend_schema(summary="Danh sách hồ sơ được xem", description="Theo thứ tự tên (tên, họ, đệm)."),
    retrieve=extend_schema(summary="Một hồ sơ", description="Việc xem được ghi vào nhật ký."),
    destroy=extend_schema(summary="Xóa hồ sơ đăng ký nhầm",
                          description="Chỉ khi hồ sơ chưa có trang số hóa; người có công vẫn được giữ."),
)


@DOSSIER_DOCS
class DossierRecordViewSet(RecordsAPI, views.DossierViewSet):
    """Dossiers (hồ sơ) by their canonical number, e.g. /api/dossiers/QTI/LS-07956/CM/."""

    access_rule = VIEW_DOSSIER
    action_rules = {**dict.fromkeys(WRITES, EDIT_DOSSIER), "destroy": DELETE_DOSSIER}

    def get_serializer_class(self):
        return DossierSerializer if self.action == "list" else DossierRecordSerializer

    def get_object(self) -> Dossier:
        number = self.kwargs["number"]
        dossier = None if "\x00" in number else services.open_dossier(
            actor=self.request.user, number=_lenient_number(number),
            purpose=AuditAction.VIEW if self.action == "retrieve" else AuditAction.VIEW_FOR_EDIT)
        if dossier is None:
            raise NotFound(_("Không tìm thấy hồ sơ hoặc bạn không có quyền xem."))
        return dossier

    def _reloaded(self, dossier: Dossier) -> Dossier:
        return (Dossier.objects.select_related("subject", "category", "martyr")
                .prefetch_related("subject__aliases", "subject__categories", "relative_links__person")
                .get(pk=dossier.pk))

    def _subject(self, data: dict[str, Any]) -> Person:
        actor = self.request.user
        if "subject" in data:
            with service_errors(prefix="subject"):
                return services.create_person(actor=actor, **_person_arguments(data.pop("subject")))
        person_id = data.pop("subject_id")
        person = visible_people(actor=actor).filter(pk=person_id).first()
        if person is None:  # a person the actor registered and has not filed in any dossier yet
            created_by_actor = AuditEvent.objects.filter(action=AuditAction.CREATE, object_type="person",
                                                         object_id=str(person_id), actor=actor)
            person = (Person.objects.filter(pk=person_id, merged_into=None, dossiers=None, relative_links=None)
                      .filter(Exists(created_by_actor)).first())
        if person is None:
            raise ValidationError({"subject_id": _("Không tìm thấy người này hoặc bạn không có quyền.")})
        return person

    def _martyr(self, dossier: Dossier, facts: dict[str, Any] | None) -> None:
        if not facts:
            return
        if dossier.category.code != "LS":
            raise ValidationError({"martyr": _("Chỉ hồ sơ liệt sĩ (diện LS) mới có thông tin hy sinh.")})
        with service_errors(prefix="martyr"):
            services.set_martyr_facts(actor=self.request.user, dossier=dossier, **facts)

    @extend_schema(summary="Đăng ký hồ sơ", request=DossierCreateSerializer, responses={201: DossierRecordSerializer},
                   examples=DOSSIER_EXAMPLE)
    def create(self, request, *args, **kwargs):
        data = self.valid(DossierCreateSerializer)
        martyr = data.pop("martyr", None)
        if data.get("status", Dossier.Status.NOT_STARTED) != Dossier.Status.NOT_STARTED:
            raise ValidationError({"status": [NEW_STATUS]})
        with transaction.atomic(), service_errors():
            subject = self._subject(data)
            dossier = services.register_dossier(actor=request.user, number=data.pop("number"),
                                                category_code=data.pop("category"), subject=subject, **data)
            self._martyr(dossier, martyr)
        return Response(DossierRecordSerializer(self._reloaded(dossier)).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Sửa hồ sơ", request=DossierWriteSerializer, responses=DossierRecordSerializer,
                   examples=_example("Sửa hồ sơ", {"number": "QTI/LS-07956/CM", "category": "LS"}))
    def update(self, request, *args, partial: bool = False, **kwargs):
        dossier = self.get_object()
        data = self.valid(DossierWriteSerializer, partial=partial)
        martyr = data.pop("martyr", None)
        wanted = data.pop("status", None)
        with transaction.atomic():
            with service_errors():
                dossier = services.update_dossier(actor=request.user, dossier=dossier,
                                                  number=data.pop("number", None),
                                                  category_code=data.pop("category", None), **data)
                self._martyr(dossier, martyr)
            if wanted and wanted != dossier.status:  # one step at a time, verification by a second person
                with service_errors(prefix="status"):
                    dossier = services.set_dossier_status(
                        actor=request.user, dossier=dossier, status=wanted,
                        note=str(request.data.get("status_note", "") or ""))
        return Response(DossierRecordSerializer(self._reloaded(dossier)).data)

    @extend_schema(summary="Sửa một phần hồ sơ", request=DossierWriteSerializer, responses=DossierRecordSerializer,
                   examples=DOSSIER_CHANGE)
    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)

    def destroy(self, request, *args, **kwargs):
        dossier = self.get_object()
        with service_errors():
            services.delete_dossier(actor=request.user, dossier=dossier)
        return Response(status=status.HTTP_204_NO_CONTENT)


# ---- people -----------------------------------------------------------------------------------------------------

class RecordViewSet(RecordsAPI, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Items by id from an access-filtered queryset; an id outside it is 404 like one that does not exist."""

    def get_object(self):
        try:
            obj = super().get_object()
        except Http404:
            raise NotFound(NOT_FOUND) from None
        services.record_read(actor=self.request.user, obj=obj,
                             purpose=AuditAction.VIEW if self.action == "retrieve" else AuditAction.VIEW_FOR_EDIT)
        return obj


@extend_schema_view(
    list=extend_schema(summary="Danh sách người",
                       description="Người có công và thân nhân có mặt trong một hồ sơ bạn được xem."),
    retrieve=extend_schema(summary="Một người"),
)
class PersonViewSet(RecordViewSet):
    """People (người có công, thân nhân). People are never deleted: DELETE answers 405."""

    access_rule = VIEW_DOSSIER
    action_rules = dict.fromkeys(WRITES, EDIT_DOSSIER)
    serializer_class = PersonRecordSerializer

    def get_queryset(self):
        return visible_people(actor=self.request.user).prefetch_related("aliases", "categories")

    def http_method_not_allowed(self, request, *args, **kwargs):
        if request.method == "DELETE":
            raise MethodNotAllowed("DELETE", detail=PERSON_NEVER_DELETED)
        raise MethodNotAllowed(request.method, detail=_("Phương thức %(method)s không được hỗ trợ ở đây.") % {
            "method": request.method})

    def _reloaded(self, person: Person) -> Person:
        return Person.objects.prefetch_related("aliases", "categories").get(pk=person.pk)

    @extend_schema(summary="Thêm người", request=PersonWriteSerializer, responses={201: PersonRecordSerializer},
                   examples=PERSON_EXAMPLE,
                   description="Người mới chỉ hiện trong danh sách khi đã có mặt trong một hồ sơ bạn được xem; "
                               "dùng `subject_id` khi đăng ký hồ sơ cho người này.")
    def create(self, request, *args, **kwargs):
        data = _person_arguments(self.valid(PersonWriteSerializer))
        with service_errors():
            person = services.create_person(actor=request.user, **data)
        return Response(PersonRecordSerializer(self._reloaded(person)).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Sửa thông tin người", request=PersonWriteSerializer, responses=PersonRecordSerializer,
                   examples=PERSON_EXAMPLE)
    def update(self, request, *args, partial: bool = False, **kwargs):
        person = self.get_object()
        data = _person_arguments(self.valid(PersonWriteSerializer, partial=partial))
        with service_errors():
            person = services.update_person(actor=request.user, person=person, **data)
        return Response(PersonRecordSerializer(self._reloaded(person)).data)

    @extend_schema(summary="Sửa một phần thông tin người", request=PersonWriteSerializer,
                   responses=PersonRecordSerializer, examples=PERSON_CHANGE)
    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)


# ---- documents --------------------------------------------------------------------------------------------------

class DocumentFilterSerializer(VietnameseSerializer):
    dossier = Text(max_length=60, help_text="Chỉ văn bản của hồ sơ này (số hồ sơ)")


@extend_schema_view(
    list=extend_schema(summary="Danh sách văn bản", parameters=[DocumentFilterSerializer],
                       description="Văn bản của các hồ sơ bạn được xem; văn bản Mật chỉ hiện khi bạn được phép."),
    retrieve=extend_schema(summary="Một văn bản"),
    destroy=extend_schema(summary="Xóa văn bản nhập nhầm",
                          description="Các trang ảnh vẫn ở lại trong hồ sơ, không còn gắn với văn bản."),
)
class DocumentViewSet(mixins.DestroyModelMixin, RecordViewSet):
    """Documents (văn bản) of dossiers, by id."""

    access_rule = VIEW_DOSSIER
    action_rules = {**dict.fromkeys(WRITES, EDIT_DOSSIER), "destroy": EDIT_DOSSIER}
    serializer_class = DocumentRecordSerializer

    def get_queryset(self):
        documents = visible_documents(actor=self.request.user).select_related("dossier")
        if self.action == "list":
            params = DocumentFilterSerializer(data=self.request.query_params)
            params.is_valid(raise_exception=True)
            if params.validated_data.get("dossier"):
                documents = documents.filter(dossier__number=_lenient_number(params.validated_data["dossier"]))
        return documents

    @extend_schema(summary="Thêm văn bản vào hồ sơ", request=DocumentCreateSerializer,
                   responses={201: DocumentRecordSerializer}, examples=DOCUMENT_EXAMPLE)
    def create(self, request, *args, **kwargs):
        data = self.valid(DocumentCreateSerializer)
        number = _lenient_number(data.pop("dossier"))
        dossier = selectors.visible_dossiers(actor=request.user).filter(number=number).first()
        if dossier is None:
            raise ValidationError({"dossier": _("Không tìm thấy hồ sơ này hoặc bạn không có quyền.")})
        with service_errors():
            document = services.add_document(actor=request.user, dossier=dossier, **data)
        return Response(DocumentRecordSerializer(document).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Sửa văn bản", request=DocumentWriteSerializer, responses=DocumentRecordSerializer,
                   examples=_example("Sửa văn bản", {"doc_type": "Giấy báo tử", "issued_on": "1972"}))
    def update(self, request, *args, partial: bool = False, **kwargs):
        document = self.get_object()
        data = self.valid(DocumentWriteSerializer, instance=document, partial=partial)
        with service_errors():
            document = services.update_document(actor=request.user, document=document, **data)
        return Response(DocumentRecordSerializer(document).data)

    @extend_schema(summary="Sửa một phần văn bản", request=DocumentWriteSerializer,
                   responses=DocumentRecordSerializer, examples=DOCUMENT_CHANGE)
    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)

    def perform_destroy(self, instance: Document) -> None:
        with service_errors():
            services.delete_document(actor=self.request.user, document=instance)
