"""Every 404 from the URL layer under /api/ is the JSON error body (SPEC §11).

Django's own 404 page (with the URL list when DEBUG is on) must never answer an API path.
"""

import pytest

from tests.conftest import error_codes

pytestmark = pytest.mark.django_db

PATHS = [
    ("post", "/api/v1/sites/yongin-library/verifications/not-a-uuid/confirm/"),
    ("get", "/api/v1/sites/yongin-library/members/abc/"),
    ("delete", "/api/v1/sites/yongin-library/members/abc/"),
    ("get", "/api/v1/sites/Not A Slug/"),
    ("get", "/api/v1/no-such-thing/"),
    ("put", "/api/v1/sites/yongin-library/no-such-thing/"),
    ("get", "/api/v2/sites/"),
    ("options", "/api/v1/sites/yongin-library/corporates/x/approve/"),
]


@pytest.mark.parametrize("debug", [False, True], ids=["debug-off", "debug-on"])
@pytest.mark.parametrize("method,path", PATHS)
def test_unmatched_api_paths_are_coded_json_404s(api, settings, debug, method, path):
    settings.DEBUG = debug
    response = getattr(api, method)(path, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["type"] == "client_error"
    assert error_codes(response) == ["not_found"]
    assert body["errors"][0]["attr"] is None
    assert "urlpatterns" not in response.content.decode()


def test_the_404_detail_is_korean_by_default(api):
    response = api.get("/api/v1/sites/yongin-library/members/abc/")
    assert response.json()["errors"][0]["detail"] == "찾을 수 없습니다."


def test_the_url_layer_404_is_utf8_like_every_other_answer(client):
    response = client.get("/api/v1/sites/onnuri-biz/no-such-endpoint/")
    assert response.status_code == 404
    assert "찾을 수 없습니다".encode() in response.content
