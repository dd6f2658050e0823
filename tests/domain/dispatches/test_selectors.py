"""Reads of dispatches (domain.dispatches.selectors): the state groups add up, percentages are
written as the manual writes them, counts cost one query whether annotated or not."""

import pytest

from domain.corporates.models import Corporate
from domain.dispatches.models import Recipient
from domain.dispatches.selectors import (
    STATE_GROUPS,
    dispatch_counts,
    dispatch_counts_fill,
    dispatch_list,
    dispatch_states,
    percent,
)
from tests.factories.corporates import corporate_with_master
from tests.factories.dispatches import dispatch_make, recipients_of
from tests.factories.purchases import approved_purchase


@pytest.mark.parametrize(
    "part,whole,written",
    [(0, 0, "0.00"), (0, 7, "0.00"), (7, 7, "100.00"), (1, 6, "16.67"), (1, 8, "12.50")],
)
def test_percent_has_two_decimals_rounded_half_up(part, whole, written):
    assert percent(part, whole) == written


def test_every_recipient_but_a_removed_one_is_in_exactly_one_group():
    assert sorted(s for states in STATE_GROUPS.values() for s in states) == sorted(
        set(Recipient.Status) - {Recipient.Status.REMOVED}
    )


@pytest.mark.django_db
def test_counts_read_annotations_or_count_once(django_assert_num_queries):
    master = corporate_with_master()
    dispatch = dispatch_make(
        manager=master, purchase=approved_purchase(master, 100_000), recipients=recipients_of(3)
    )
    ids = list(dispatch.recipients.order_by("row").values_list("pk", flat=True))
    Recipient.objects.filter(pk=ids[0]).update(status=Recipient.Status.RECEIVED)
    Recipient.objects.filter(pk=ids[1]).update(status=Recipient.Status.SENT)
    with django_assert_num_queries(1):
        counts = dispatch_counts(dispatch)
    assert (counts["sent"], counts["received"], counts["unreceived"], counts["waiting"]) == (
        2,
        1,
        1,
        1,
    )
    corporates = Corporate.objects.filter(pk=master.corporate_id)
    listed = dispatch_list(corporates=corporates).get()
    with django_assert_num_queries(0):
        assert dispatch_counts(listed) == counts
    states = dispatch_states(dispatch)
    assert sum(state["count"] for state in states.values()) == dispatch.recipient_count
    assert sum(state["amount"] for state in states.values()) == dispatch.total


@pytest.mark.django_db
def test_a_page_filled_in_one_query_counts_as_the_annotation_does(django_assert_num_queries):
    """The history page's counts: one grouped query for the whole page,
    the same numbers as the per-row annotation, removed recipients in no group, a dispatch
    whose recipients were all removed counted as nothing."""
    master = corporate_with_master()
    purchase = approved_purchase(master, 1_000_000)
    dispatches = [
        dispatch_make(manager=master, purchase=purchase, recipients=recipients_of(n, start=10 * n))
        for n in (1, 4, 6)
    ]
    statuses = list(Recipient.Status)
    for index, recipient in enumerate(Recipient.objects.filter(dispatch__in=dispatches[1:])):
        recipient.status = statuses[index % len(statuses)]
        recipient.save(update_fields=["status"])
    dispatches[0].recipients.update(status=Recipient.Status.REMOVED)
    corporates = Corporate.objects.filter(pk=master.corporate_id)
    annotated = {d.pk: dispatch_counts(d) for d in dispatch_list(corporates=corporates)}
    page = list(dispatch_list(corporates=corporates, counted=False))
    with django_assert_num_queries(1):
        dispatch_counts_fill(page)
    with django_assert_num_queries(0):
        assert {d.pk: dispatch_counts(d) for d in page} == annotated
    assert annotated[dispatches[0].pk]["sent"] == 0
    assert dispatch_counts_fill([]) == []
