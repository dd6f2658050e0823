"""The site's sign-up manual as a PDF (SPEC §5 "Sign-up manual", §11 `GET sites/{site}/manual/`)."""

import io

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema

from api.base import SiteAPIView
from api.files import FileDownloadMixin, file_response
from api.permissions import PUBLIC
from domain.sites.errors import SiteErrorCode
from domain.sites.manual import site_manual_pdf


@extend_schema(tags=["sites"])
class SiteManualView(FileDownloadMixin, SiteAPIView):
    """Download the site's sign-up manual (incheon-water: 회원가입 간편 메뉴얼; onnuri-biz: 매뉴얼
    다운로드 on the login screen); anyone may.

    Only on sites whose policy lists `signup_manual` (else 404 `feature_not_available`); a site
    listing it without a manual file answers 404 `manual_not_found`.
    """

    feature = "signup_manual"
    authentication_classes: list = []
    access = {"GET": PUBLIC}
    error_codes = {404: [SiteErrorCode.MANUAL_NOT_FOUND]}

    @extend_schema(
        summary="Download the sign-up manual (PDF)",
        responses={(200, "application/pdf"): OpenApiTypes.BINARY},
    )
    def get(self, request, site):
        pdf = site_manual_pdf(site=self.site)
        return file_response(
            io.BytesIO(pdf),
            content_type="application/pdf",
            filename=f"{self.site.slug}-manual.pdf",
            private=False,  # the same public manual for everyone
        )
