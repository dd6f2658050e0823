"""The site's sign-up manual PDF (SPEC §5 "Sign-up manual", §11)."""

import pytest

from tests.api.members import ANIMAL, SITE
from tests.conftest import error_codes

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("accept", [None, "application/pdf"])
@pytest.mark.parametrize("slug", ["incheon-water", "onnuri-biz"])
def test_anyone_downloads_the_manual_pdf(api, accept, slug):
    headers = {"HTTP_ACCEPT": accept} if accept else {}
    response = api.get(SITE.format(slug) + "manual/", **headers)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{slug}-manual.pdf"'
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_the_onnuri_biz_manual_is_its_own(api):
    """manual 004's login screen offers 매뉴얼 다운로드."""
    onnuri = b"".join(api.get(SITE.format("onnuri-biz") + "manual/").streaming_content)
    incheon = b"".join(api.get(SITE.format("incheon-water") + "manual/").streaming_content)
    assert onnuri != incheon


def test_a_site_without_the_manual_feature_is_404(api):
    response = api.get(SITE.format(ANIMAL) + "manual/")
    assert response.status_code == 404
    assert error_codes(response) == ["feature_not_available"]


def test_an_unknown_site_is_404(api):
    response = api.get(SITE.format("nowhere") + "manual/")
    assert response.status_code == 404
    assert error_codes(response) == ["site_not_found"]
