"""Corporate services (SPEC §7). Helpers shared by the tests of this folder."""

from domain.corporates.models import BankAccount


def pending_create(corporate, number: str) -> BankAccount:
    """A pending request made directly: the API allows one at a time, the race needs two."""
    return BankAccount.objects.create(
        corporate=corporate,
        bank_code="088",
        number=number,
        holder=corporate.name,
        bankbook="corporate-bankbooks/test.pdf",
        bankbook_content_type="application/pdf",
    )
