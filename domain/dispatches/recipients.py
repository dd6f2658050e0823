"""Checking a dispatch's recipients, from an Excel upload or inline (manual 004 §3.1; SPEC §7.4,
§13 mobiles, §14). One function serves both, so an uploaded row and a typed row are refused for
the same reasons with the same codes.

Each row gives (row number, name, mobile, amount). A row is refused for: a missing name
(`name_required`), one with a control character (`invalid_characters`, domain.common.text: an
xlsx cell's `_x0000_` reads as a NUL, which PostgreSQL cannot keep) or one over 50 characters
(`name_too_long`), a mobile that is not a Korean mobile (`invalid_phone`), an amount that is not
a positive whole multiple of 1,000 won (`invalid_gift_amount`) or is over the site's
`dispatch_max_gift_amount` (`gift_amount_too_large`; 10,000,000 won by default), a mobile
already on an earlier row (`duplicate_mobile`). More rows than the site allows
(`dispatch_max_recipients`, 10,000 by default) is one `too_many_recipients` error, and reading
stops there, so a 1,000,000-row file costs no more than the limit. Rows with every cell blank
are skipped (Excel keeps formatted empty rows). The site policy keeps the two limits' product
within WON_MAX (domain.sites.policy), so no total of a checked list overflows a column.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from domain.common.errors import CommonErrorCode, DomainError, ErrorCode
from domain.common.phones import normalise_mobile
from domain.common.text import refused_character

from .errors import DispatchErrorCode
from .models import AMOUNT_UNIT

NAME_MAX_CHARS = 50  # Recipient.name
# The template's columns, in order (manual 004 §3.1 Excel: 고객명, 휴대폰 번호, 금액).
COLUMNS = (("name", "고객명"), ("mobile", "휴대폰 번호"), ("amount", "금액"))


@dataclass
class RowError:
    row: int
    column: str  # name | mobile | amount | "" (the whole list)
    code: ErrorCode
    detail: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "code": self.code, "detail": self.detail}


@dataclass
class CheckedRecipients:
    rows: list[dict[str, Any]] = field(default_factory=list)  # {row, name, mobile, amount}
    errors: list[RowError] = field(default_factory=list)
    total: int = 0

    @property
    def count(self) -> int:
        return len(self.rows)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def gift_amount(value: Any, *, max_amount: int) -> int | DispatchErrorCode:
    """Won as an int if `value` (a number, or text like "10,000" or "10000원") is a positive
    whole multiple of 1,000 up to `max_amount`; else the refusal's code, `invalid_gift_amount`
    or `gift_amount_too_large`. The maximum is compared before the number becomes an int: an
    exponent of a million digits ("1e1000000") costs nothing."""
    invalid = DispatchErrorCode.INVALID_GIFT_AMOUNT
    if isinstance(value, bool) or _blank(value):
        return invalid
    if isinstance(value, int | float | Decimal):
        text = str(value)
    else:
        text = re.sub(r"[\s,원]", "", str(value))
    try:
        number = Decimal(text)
    except InvalidOperation:
        return invalid
    if not number.is_finite() or number <= 0 or number != number.to_integral_value():
        return invalid
    if number > max_amount:
        return DispatchErrorCode.GIFT_AMOUNT_TOO_LARGE
    won = int(number)
    return won if won % AMOUNT_UNIT == 0 else invalid


def _name(value: Any) -> str:
    if _blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _mobile_text(value: Any) -> str:
    # Excel turns 01012345678 typed as a number into 1012345678(.0): put the 0 back.
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        return f"0{value}"
    return "" if value is None else str(value)


def _amount_error(row: int, code: DispatchErrorCode, max_amount: int) -> RowError:
    if code == DispatchErrorCode.GIFT_AMOUNT_TOO_LARGE:
        detail = _("The gift amount must be at most %(max)s won per recipient.") % {
            "max": f"{max_amount:,}"
        }
    else:
        detail = _("The gift amount must be a positive multiple of 1,000 won.")
    return RowError(row, "amount", code, detail)


def recipients_check(
    rows: Iterable[tuple[int, Any, Any, Any]], *, limit: int, max_amount: int
) -> CheckedRecipients:
    """Check (row, name, mobile, amount) rows; valid rows are normalised (mobile digits only,
    amount int). Stops reading after `limit` rows with a `too_many_recipients` error; a gift
    over `max_amount` won is `gift_amount_too_large`."""
    checked = CheckedRecipients()
    seen: dict[str, int] = {}
    taken = 0
    for row, name_value, mobile_value, amount_value in rows:
        if all(_blank(v) for v in (name_value, mobile_value, amount_value)):
            continue
        taken += 1
        if taken > limit:
            checked.errors.append(
                RowError(
                    row,
                    "",
                    DispatchErrorCode.TOO_MANY_RECIPIENTS,
                    _("A dispatch can have at most %(limit)s recipients.") % {"limit": limit},
                )
            )
            break
        row_errors = []
        name = _name(name_value)
        if not name:
            row_errors.append(
                RowError(row, "name", DispatchErrorCode.NAME_REQUIRED, _("Enter a name."))
            )
        elif refused_character(name) is not None:
            row_errors.append(
                RowError(
                    row,
                    "name",
                    CommonErrorCode.INVALID_CHARACTERS,
                    _("The name has characters that cannot be used (control characters)."),
                )
            )
        elif len(name) > NAME_MAX_CHARS:
            row_errors.append(
                RowError(
                    row,
                    "name",
                    DispatchErrorCode.NAME_TOO_LONG,
                    _("A name must be at most %(max)s characters.") % {"max": NAME_MAX_CHARS},
                )
            )
        mobile = normalise_mobile(_mobile_text(mobile_value))
        if mobile is None:
            row_errors.append(
                RowError(
                    row, "mobile", CommonErrorCode.INVALID_PHONE, _("Enter a valid mobile number.")
                )
            )
        elif mobile in seen:
            row_errors.append(
                RowError(
                    row,
                    "mobile",
                    DispatchErrorCode.DUPLICATE_MOBILE,
                    _("This mobile number is already on row %(row)s.") % {"row": seen[mobile]},
                )
            )
        amount = gift_amount(amount_value, max_amount=max_amount)
        if isinstance(amount, DispatchErrorCode):
            row_errors.append(_amount_error(row, amount, max_amount))
        if mobile is not None and mobile not in seen:
            seen[mobile] = row
        if row_errors:
            checked.errors.extend(row_errors)
            continue
        checked.rows.append({"row": row, "name": name, "mobile": mobile, "amount": amount})
        checked.total += amount
    return checked


# The codes a row can carry in `row_errors` (views document them with their 400 answer).
ROW_ERROR_CODES = (
    DispatchErrorCode.NAME_REQUIRED,
    CommonErrorCode.INVALID_CHARACTERS,
    DispatchErrorCode.NAME_TOO_LONG,
    CommonErrorCode.INVALID_PHONE,
    DispatchErrorCode.INVALID_GIFT_AMOUNT,
    DispatchErrorCode.GIFT_AMOUNT_TOO_LARGE,
    DispatchErrorCode.DUPLICATE_MOBILE,
    DispatchErrorCode.TOO_MANY_RECIPIENTS,
)


def recipients_require_valid(checked: CheckedRecipients, *, attr: str) -> None:
    """Refuse a checked list that cannot be sent, with every row error in `row_errors`
    ([{row, column, code, detail}], the ErrorItem schema): more rows than the site allows →
    `too_many_recipients`; any other row error → `invalid_recipients`; no rows at all →
    `no_recipients`. All 400 on `attr` (the upload's `file`, or the inline list's field)."""
    if checked.errors:
        too_many = next(
            (e for e in checked.errors if e.code == DispatchErrorCode.TOO_MANY_RECIPIENTS), None
        )
        raise DomainError(
            too_many.code if too_many else DispatchErrorCode.INVALID_RECIPIENTS,
            too_many.detail
            if too_many
            else _("The recipients have %(count)s errors. Correct the rows shown.")
            % {"count": len(checked.errors)},
            attr=attr,
            extra={"row_errors": [error.as_dict() for error in checked.errors]},
        )
    if not checked.rows:
        raise DomainError(
            DispatchErrorCode.NO_RECIPIENTS, _("Add at least one recipient."), attr=attr
        )
