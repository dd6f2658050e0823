"""The site's sign-up manual PDF (SPEC §5 "Sign-up manual", §11)."""

import pytest

from tests.conftest import error_codes

from . import ANIMAL, SITE

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("accept", [None, "application/pdf"])
def test_anyone_downloads_the_manual_pdf(api, accept):
    headers = {"HTTP_ACCEPT": accept} if accept else {}
    response = api.get(SITE.format("incheon-water") + "manual/", **headers)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="incheon-water-manual.pdf"'
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_a_site_without_a_manual_is_404(api):
    response = api.get(SITE.format(ANIMAL) + "manual/")
    assert response.status_code == 404
    assert error_codes(response) == ["manual_not_found"]


def test_an_unknown_site_is_404(api):
    response = api.get(SITE.format("nowhere") + "manual/")
    assert response.status_code == 404
    assert error_codes(response) == ["site_not_found"]
