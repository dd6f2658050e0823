"""What becomes of a sent gift (SPEC §7.4; manual 004 §3.3).

A sent gift is unreceived (미수령, `sent`) until the recipient registers it in the gift app
(`received`, 수령), refuses it there (`refused`, 고객거절), or the company reclaims it
(`reclaimed`, 회수). Refused and reclaimed amounts go back to the dispatch's purchase while the
purchase is still valid (domain.purchases.ledger.purchase_give_back); a reclaimed gift's code
is then unknown to the gift app.

Locks follow the ledger's order: the dispatch, then its recipients, then the purchase. Each
change writes one DispatchEvent (a reclaim of many recipients is one row).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from domain.common.errors import Conflict, NotFound
from domain.common.transitions import transition, transition_many
from domain.purchases.ledger import purchase_give_back
from domain.sites.models import Site

from .claim_codes import CLAIM_CODE_MAX_LENGTH, claim_code_hash
from .errors import DispatchErrorCode
from .events import recipient_received_event, recipient_refused_event, recipients_reclaimed_event
from .models import Dispatch, Recipient

Status = Recipient.Status
DECIDED = (Status.RECEIVED, Status.REFUSED)


@dataclass(frozen=True)
class Reclaim:
    dispatch: Dispatch
    recipients: list[int]
    amount: int  # won of the gifts reclaimed
    returned: int  # won given back to the purchase (0 once it is no longer valid)

    @property
    def count(self) -> int:
        return len(self.recipients)


def _gift_not_found() -> NotFound:
    return NotFound(DispatchErrorCode.GIFT_NOT_FOUND, _("There is no such gift."))


def _locked_gift(*, site: Site, code: str) -> tuple[Recipient, int]:
    """The sent gift with this claim code on `site`, locked after its dispatch; with the
    dispatch's purchase id. 404 for an unknown code and for a gift the app must not show
    (reclaimed, or not sent); 409 once the recipient decided, and 409 `gift_not_ready` while
    the batch that texted it is not recorded yet (a worker died after the gateway took it)."""
    if not code or len(code) > CLAIM_CODE_MAX_LENGTH:
        raise _gift_not_found()
    found = (
        Recipient.objects.filter(
            claim_code_hash=claim_code_hash(code), dispatch__corporate__site=site
        )
        .values_list("pk", "dispatch_id")
        .first()
    )
    if found is None:
        raise _gift_not_found()
    recipient_id, dispatch_id = found
    locked_dispatch = Dispatch.objects.select_for_update().filter(pk=dispatch_id)
    purchase_id = locked_dispatch.values_list("purchase_id", flat=True).get()
    recipient = Recipient.objects.select_for_update().get(pk=recipient_id)
    if recipient.status in DECIDED:
        raise Conflict(
            DispatchErrorCode.GIFT_ALREADY_DECIDED,
            _("This gift was already received or refused."),
            extra={"gift_status": recipient.status},
        )
    if recipient.status == Status.SENDING:  # the code is out, its batch not recorded yet
        raise Conflict(
            DispatchErrorCode.GIFT_NOT_READY,
            _("This gift is still being delivered. Try again in a few minutes."),
        )
    if recipient.status != Status.SENT:
        raise _gift_not_found()
    return recipient, purchase_id


def gift_receive(*, site: Site, code: str) -> Recipient:
    """The gift app: the recipient registered the gift (sent → received). Refusals:
    `gift_not_found` (404), `gift_already_decided` (409)."""
    with transaction.atomic():
        recipient, _purchase_id = _locked_gift(site=site, code=code)
        transition(
            recipient,
            Status.RECEIVED,
            event=recipient_received_event,
            fields={"outcome_at": timezone.now()},
        )
    return recipient


def gift_refuse(*, site: Site, code: str) -> Recipient:
    """The gift app: the recipient refused the gift (sent → refused); its amount goes back to
    the purchase if still valid (SPEC §7.4). Refusals as `gift_receive`."""
    with transaction.atomic():
        recipient, purchase_id = _locked_gift(site=site, code=code)
        returned = purchase_give_back(
            purchase_id=purchase_id,
            amount=recipient.amount,
            dispatch_id=recipient.dispatch_id,
            reason=Status.REFUSED,
        )
        transition(
            recipient,
            Status.REFUSED,
            event=recipient_refused_event,
            fields={"outcome_at": timezone.now()},
            returned=returned,
        )
    return recipient


def recipients_reclaim(
    *, dispatches: QuerySet[Dispatch], dispatch_id: int, recipient_ids: list[int], actor
) -> Reclaim:
    """미수령건 회수 (manual 004 §3.3): the selected unreceived gifts of a dispatch in
    `dispatches` (the caller's company) become reclaimed, and their amount goes back to the
    purchase if it is still valid. All or nothing: any id that is not an unreceived gift of this
    dispatch refuses the whole request with 409 `recipient_not_reclaimable` listing those ids
    (`recipients`); another company's or an unknown dispatch is 404 `dispatch_not_found`."""
    wanted = list(dict.fromkeys(recipient_ids))  # a repeated id counts once, order kept
    with transaction.atomic():
        dispatch = dispatches.select_for_update().filter(pk=dispatch_id).first()
        if dispatch is None:
            raise NotFound(
                DispatchErrorCode.DISPATCH_NOT_FOUND, _("Your company has no such dispatch.")
            )
        locked = {
            recipient.pk: recipient
            for recipient in Recipient.objects.select_for_update()
            .filter(dispatch=dispatch, pk__in=wanted)
            .order_by("pk")
            .only("pk", "status", "amount")
        }
        refused = [pk for pk in wanted if pk not in locked or locked[pk].status != Status.SENT]
        if refused:
            raise Conflict(
                DispatchErrorCode.RECIPIENT_NOT_RECLAIMABLE,
                _("Only unreceived gifts of this dispatch can be reclaimed."),
                extra={"recipients": refused},
            )
        # Every one of them moves (all are sent and locked): the amount goes back first, so the
        # one event of the whole selection, written with the move, records what was returned.
        amount = sum(recipient.amount for recipient in locked.values())
        returned = purchase_give_back(
            purchase_id=dispatch.purchase_id,
            amount=amount,
            dispatch_id=dispatch.pk,
            actor=actor,
            reason=Status.RECLAIMED,
        )
        transition_many(
            Recipient.objects.filter(pk__in=wanted),
            Status.RECLAIMED,
            batch_event=partial(
                recipients_reclaimed_event,
                dispatch,
                actor=actor,
                recipients=wanted,
                returned=returned,
            ),
            fields={"outcome_at": timezone.now()},
        )
    return Reclaim(dispatch=dispatch, recipients=wanted, amount=amount, returned=returned)
