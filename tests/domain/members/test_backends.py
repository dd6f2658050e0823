"""The admin and browsable-API backend signs operators in as `<site>/<ID>`."""

import pytest
from django.contrib.auth import authenticate

from tests.factories.members import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db


def test_site_slash_id_signs_in_and_wrong_answers_do_not(member_factory):
    operator = member_factory(staff=True, username="operator1")
    assert authenticate(username="yongin-library/operator1", password=DEFAULT_PASSWORD) == operator
    assert authenticate(username="yongin-library/operator1", password="Wrong!Pass42") is None
    assert authenticate(username="no-such-site/operator1", password=DEFAULT_PASSWORD) is None
