"""Callers of the purchase endpoints: a company's master, another company's master, and the
onnuri-biz operator."""

import pytest

from tests.factories.corporates import corporate_with_master


@pytest.fixture
def master():
    return corporate_with_master(username="master01", mobile="01055554444")


@pytest.fixture
def other_master():
    return corporate_with_master(username="othermaster1", business_number="2208162517")


@pytest.fixture
def staff(member_factory, site_of):
    return member_factory(site=site_of("onnuri-biz"), username="operator2x", staff=True)
