import pytest

from tests.conftest import SITE_SLUGS, error_codes

pytestmark = pytest.mark.django_db


def test_lists_the_four_sites(api):
    response = api.get("/api/v1/sites/")
    assert response.status_code == 200
    assert [site["slug"] for site in response.json()] == SITE_SLUGS


def test_yongin_library_states_its_id_and_password_rules(api):
    policy = api.get("/api/v1/sites/yongin-library/").json()["policy"]
    assert policy["username"]["min_length"] == 4
    assert policy["username"]["max_length"] == 20
    assert policy["username"]["pattern"] == "(?=[a-z0-9]*[a-z])[a-z0-9]+"
    assert "소문자" in policy["username"]["description"]
    assert policy["password"]["class_scheme"] == "letters"
    assert policy["password"]["character_classes"] == ["letter", "digit", "special"]
    assert policy["password"]["alternatives"] == [
        {"min_length": 10, "min_classes": 2},
        {"min_length": 8, "min_classes": 3},
    ]
    assert policy["password"]["min_length"] == 8
    assert [k["code"] for k in policy["member_kinds"]] == ["general", "child"]
    assert policy["verification"]["child"]["guardian"] == [["mobile"], ["ipin"], ["card"]]


def test_unknown_site_is_a_coded_404(api):
    response = api.get("/api/v1/sites/nowhere/")
    assert response.status_code == 404
    assert response.json()["type"] == "client_error"
    assert error_codes(response) == ["site_not_found"]
