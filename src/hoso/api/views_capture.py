"""Upload of page images for one dossier (the API way in for digitisation; `hoso ingest` is the other).

POST /api/capture/uploads/ (multipart): `dossier_number`, one or more `files`, optional `batch_name`.
The files are checked, stored as received and queued for processing by `hoso worker`; the answer is the
batch report (what was taken in, skipped, refused or quarantined, and why). Needs the capture permission.
"""


from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from hoso.access.permissions import CAPTURE
from hoso.capture import selectors as capture_selectors
from hoso.capture import services as capture_services
from hoso.capture.models import Batch
from hoso.core.uploads import saved_upload
from hoso.records import selectors
from hoso.records.services import canonical_dossier_number

from .errors import NOT_FOUND

UPLOAD_REQUEST = inline_serializer("PageUpload", {
    "dossier_number": serializers.CharField(help_text="Số hồ sơ, ví dụ QTI/LS-07956/CM"),
    "files": serializers.ListField(child=serializers.FileField(), help_text="Ảnh trang: JPEG, PNG, TIFF, PDF"),
    "batch_name": serializers.CharField(required=False, help_text="Tên đợt số hóa"),
    "photos": serializers.BooleanField(required=False, default=False,
                                       help_text="Ảnh chụp trang giấy: tự tìm trang, nắn phẳng, làm đều ánh sáng"),
})


class PageUploadView(APIView):
    """Add page images to a dossier; they are processed in the background."""

    access_rule = CAPTURE
    parser_classes = [MultiPartParser]

    @extend_schema(request={"multipart/form-data": UPLOAD_REQUEST},
                   responses={201: OpenApiResponse(description="Báo cáo đợt tiếp nhận")},
                   description="Tải ảnh trang của một hồ sơ lên; ảnh được lưu nguyên vẹn và xếp hàng xử lý.")
    def post(self, request):
        try:
            number = canonical_dossier_number(str(request.data.get("dossier_number", "")))
        except DjangoValidationError as exc:
            raise ValidationError({"dossier_number": exc.messages}) from exc
        dossier = selectors.visible_dossiers(actor=request.user).filter(number=number).first()
        if dossier is None:
            raise NotFound(NOT_FOUND)
        files = request.FILES.getlist("files")
        if not files:
            raise ValidationError({"files": [_("Hãy gửi ít nhất một tệp ảnh trang.")]})
        batch = capture_services.start_batch(actor=request.user, source=Batch.Source.UPLOAD,
                                             name=str(request.data.get("batch_name", ""))[:200]
                                             or f"Tải lên {number}",
                                             photos=str(request.data.get("photos", "")).lower() in ("1", "true", "on"))
        for upload in files:
            with saved_upload(upload) as path:
                capture_services.receive_file(actor=request.user, batch=batch, dossier=dossier, path=path,
                                              name=upload.name or "", source_name=upload.name or "")
        return Response(capture_selectors.batch_report(batch=batch), status=status.HTTP_201_CREATED)
