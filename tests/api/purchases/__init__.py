"""Helpers for the purchase endpoint tests: a manager's request and an action on a purchase."""

from tests.conftest import bearer_for

SITE = "onnuri-biz"
URL = f"/api/v1/sites/{SITE}/purchases/"


def request_purchase(api, manager, amount):
    return api.post(URL, {"amount": amount}, format="json", **bearer_for(manager.member))


def post(api, member, purchase_id, action):
    return api.post(f"{URL}{purchase_id}/{action}/", **bearer_for(member))
