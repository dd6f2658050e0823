"""onnuri-biz dispatches: history, detail, recipients, dashboard, Excel export and the changes of
a scheduled dispatch before sending (SPEC §7.4; manual 004 §3.1–3.2).

The company's master and general admins read and change their own; site staff read every
company's of their site (filter `corporate`) and change none. Another company's dispatch is a
404 `dispatch_not_found`.
"""

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins
from rest_framework.response import Response

from api.files import WON_FORMAT, XLSX, Column, FileDownloadMixin, xlsx_response
from api.filters import query_filters
from domain.common.capabilities import Capability
from domain.dispatches.changes import dispatch_cancel, dispatch_edit, dispatch_recipients_remove
from domain.dispatches.errors import DispatchErrorCode
from domain.dispatches.selectors import (
    dispatch_counts,
    dispatch_counts_fill,
    dispatch_get,
    dispatch_list,
    dispatch_not_found,
    dispatch_recipients,
    dispatch_requester,
    dispatch_summary,
)
from domain.messaging.errors import MessagingErrorCode

from .base import NOT_FOUND_CODES, VIEW, DispatchAPIView
from .serializers import (
    DispatchChangeSerializer,
    DispatchDetailSerializer,
    DispatchFilterSerializer,
    DispatchHistorySerializer,
    DispatchSummaryFilterSerializer,
    DispatchSummarySerializer,
    RecipientFilterSerializer,
    RecipientRemoveSerializer,
    RecipientSerializer,
)

NOT_EDITABLE = {409: [DispatchErrorCode.DISPATCH_NOT_EDITABLE]}


class DispatchHistoryMixin:
    """The history's queryset from the shared filters (list and export)."""

    def history(self, *, counted: bool = True):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no request
            return self.dispatch_scope()
        filters = query_filters(DispatchFilterSerializer, self.request.query_params)
        return dispatch_list(corporates=self.corporate_scope(), filters=filters, counted=counted)


@extend_schema(tags=["dispatches"])
class DispatchListView(DispatchHistoryMixin, mixins.ListModelMixin, DispatchAPIView):
    """발송내역: the company's dispatches (staff: every company's of the site), newest first,
    with the manual's columns counted per recipient state."""

    access = {"GET": VIEW}
    error_codes = {"get": {}}
    serializer_class = DispatchHistorySerializer

    def get_queryset(self):
        return self.history(counted=False)

    def paginate_queryset(self, queryset):
        """The page's recipient counts in one grouped query (domain.dispatches.selectors)."""
        page = super().paginate_queryset(queryset)
        return None if page is None else dispatch_counts_fill(list(page))

    @extend_schema(summary="Dispatch history", parameters=[DispatchFilterSerializer])
    def get(self, request, site):
        return self.list(request)


# 엑셀 다운로드: the manual's 발송내역 columns (manual 004 §3.1), in Korean as the manual writes
# them (the file is for people, like the manual's screen); one Excel writer
# (domain/common/files.py).
DAY_FORMAT = "yyyy-mm-dd"
MINUTE_FORMAT = "yyyy-mm-dd hh:mm"
EXPORT_COLUMNS = [
    Column("번호", lambda d: d.pk, width=8),
    Column("상태", lambda d: d.get_status_display(), width=8),
    Column("발송타입", lambda d: d.get_send_type_display(), width=10),
    Column("등록일자", lambda d: timezone.localtime(d.created_at).date(), DAY_FORMAT, width=12),
    Column("발송일시", lambda d: d.scheduled_at, MINUTE_FORMAT, width=17),
    Column("타이틀", lambda d: d.title, width=30),
    Column("신청인", dispatch_requester, width=10),
    Column("발송", lambda d: d.recipient_count, width=8),
    Column("수령", lambda d: dispatch_counts(d)["received"], width=8),
    Column("미수령", lambda d: dispatch_counts(d)["unreceived"], width=8),
    Column("회수", lambda d: dispatch_counts(d)["reclaimed"], width=8),
    Column("고객거절", lambda d: dispatch_counts(d)["refused"], width=8),
    Column("금액", lambda d: d.total, WON_FORMAT, width=14),
]


@extend_schema(tags=["dispatches"])
class DispatchExportView(DispatchHistoryMixin, FileDownloadMixin, DispatchAPIView):
    """발송내역 엑셀 다운로드: every row of the history under the same filters."""

    access = {"GET": VIEW}
    error_codes = {}

    @extend_schema(
        summary="Download the dispatch history (Excel)",
        parameters=[DispatchFilterSerializer],
        responses={(200, XLSX): OpenApiTypes.BINARY},
    )
    def get(self, request, site):
        stamp = timezone.localdate().strftime("%Y%m%d")
        return xlsx_response(
            title="발송내역",
            columns=EXPORT_COLUMNS,
            rows=self.history().iterator(chunk_size=1000),
            filename=f"발송내역-{stamp}.xlsx",
            ascii_filename=f"dispatches-{stamp}.xlsx",
        )


@extend_schema(tags=["dispatches"])
class DispatchSummaryView(DispatchAPIView):
    """발송현황: the dashboard's four cards (manual 004 §3.1)."""

    access = {"GET": VIEW}
    error_codes = {}

    @extend_schema(
        summary="Dispatch dashboard",
        parameters=[DispatchSummaryFilterSerializer],
        responses={200: DispatchSummarySerializer},
    )
    def get(self, request, site):
        filters = DispatchSummaryFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        corporates = self.corporate_scope()
        if filters.validated_data.get("corporate"):
            corporates = corporates.filter(pk=filters.validated_data["corporate"])
        return Response(DispatchSummarySerializer(dispatch_summary(corporates=corporates)).data)


MESSAGE_CODES = [
    DispatchErrorCode.SCHEDULED_AT_PAST,
    DispatchErrorCode.SCHEDULED_AT_AFTER_PURCHASE_EXPIRY,
    MessagingErrorCode.MESSAGE_EMPTY,
    MessagingErrorCode.UNSUPPORTED_CHARACTER,
    MessagingErrorCode.SUBJECT_TOO_LONG,
    MessagingErrorCode.MESSAGE_TOO_LONG,
]


class DispatchObjectView(DispatchAPIView):
    """Views of one dispatch: answered with its detail."""

    serializer_class = DispatchDetailSerializer

    def detail(self, dispatch_id: int) -> Response:
        dispatch = dispatch_get(corporates=self.corporate_scope(), dispatch_id=dispatch_id)
        return Response(self.get_serializer(dispatch).data)


@extend_schema(tags=["dispatches"])
class DispatchDetailView(DispatchObjectView):
    """발송내역 상세정보 (GET) and 예약발송 변경 (PATCH: title, time, subject, body of a scheduled
    dispatch before its time; 409 `dispatch_not_editable` otherwise)."""

    access = {"GET": VIEW, "PATCH": Capability.DISPATCHES_MANAGE}
    error_codes = {
        "get": NOT_FOUND_CODES,
        "patch": {**NOT_FOUND_CODES, 400: MESSAGE_CODES, **NOT_EDITABLE},
    }

    @extend_schema(summary="A dispatch")
    def get(self, request, site, id):
        return self.detail(id)

    @extend_schema(summary="Change a scheduled dispatch", request=DispatchChangeSerializer)
    def patch(self, request, site, id):
        serializer = DispatchChangeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        dispatch_edit(manager=self.manager, dispatch_id=id, changes=serializer.validated_data)
        return self.detail(id)


@extend_schema(tags=["dispatches"])
class DispatchCancelView(DispatchObjectView):
    """발송 취소: a scheduled dispatch before its time; everything held returns to the purchase."""

    access = {"POST": Capability.DISPATCHES_MANAGE}
    error_codes = {**NOT_FOUND_CODES, **NOT_EDITABLE}

    @extend_schema(summary="Cancel a scheduled dispatch", request=None)
    def post(self, request, site, id):
        dispatch_cancel(manager=self.manager, dispatch_id=id)
        return self.detail(id)


@extend_schema(tags=["dispatches"])
class RecipientRemoveView(DispatchObjectView):
    """받는 고객 선택 삭제: waiting recipients off a scheduled dispatch, their amount returned;
    all of them cancels the dispatch."""

    access = {"POST": Capability.DISPATCHES_MANAGE}
    error_codes = {
        404: [DispatchErrorCode.DISPATCH_NOT_FOUND, DispatchErrorCode.RECIPIENT_NOT_FOUND],
        **NOT_EDITABLE,
    }

    @extend_schema(
        summary="Remove recipients of a scheduled dispatch", request=RecipientRemoveSerializer
    )
    def post(self, request, site, id):
        serializer = RecipientRemoveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        dispatch_recipients_remove(
            manager=self.manager,
            dispatch_id=id,
            recipient_ids=serializer.validated_data["recipients"],
        )
        return self.detail(id)


@extend_schema(tags=["dispatches"])
class RecipientListView(mixins.ListModelMixin, DispatchAPIView):
    """The recipients of a dispatch, names and mobiles masked (SPEC §13), highest number first;
    filter `status` (e.g. `sent` = 미수령 for a reclaim)."""

    access = {"GET": VIEW}
    error_codes = NOT_FOUND_CODES
    serializer_class = RecipientSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no request
            return RecipientSerializer.Meta.model.objects.none()
        filters = query_filters(RecipientFilterSerializer, self.request.query_params)
        dispatch = self.dispatch_scope().filter(pk=self.kwargs["id"]).only("pk").first()
        if dispatch is None:
            raise dispatch_not_found()
        return dispatch_recipients(dispatch=dispatch, status=filters.get("status"))

    @extend_schema(summary="A dispatch's recipients", parameters=[RecipientFilterSerializer])
    def get(self, request, site, id):
        return self.list(request)
