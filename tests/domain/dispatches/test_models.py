"""The database's own guards on dispatches."""

import pytest
from django.db import IntegrityError, transaction

from domain.dispatches.models import Dispatch, Recipient
from tests.factories.corporates import corporate_with_master
from tests.factories.dispatches import dispatch_make, recipients_of
from tests.factories.purchases import approved_purchase


@pytest.mark.django_db
def test_a_recipient_mobile_is_once_per_dispatch_and_amounts_are_positive_thousands():
    master = corporate_with_master()
    purchase = approved_purchase(master, 100_000)
    dispatch = dispatch_make(manager=master, purchase=purchase, recipients=recipients_of(2))
    assert dispatch.status == Dispatch.Status.PENDING
    purchase.refresh_from_db()
    assert (purchase.balance, purchase.reserved) == (80_000, 20_000)
    for mobile, amount in [("01090000000", 1_000), ("01012345678", 1_500), ("01012345679", 0)]:
        with pytest.raises(IntegrityError), transaction.atomic():
            Recipient.objects.create(
                dispatch=dispatch, row=9, name="김", mobile=mobile, amount=amount
            )
