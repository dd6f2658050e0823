"""Approved corporates with their managers, for tests that start after the review."""

import factory

from domain.corporates.models import BankAccount, Corporate, CorporateManager
from domain.corporates.terms import default_terms
from domain.sites.models import Site
from tests.factories.members import MemberFactory

BRN_WEIGHTS = (1, 3, 7, 1, 3, 7, 1, 3, 5)


def business_number(n: int) -> str:
    """A business registration number with a valid check digit (SPEC §13), distinct per `n`
    (7000000000 + n's nine digits, then the check digit)."""
    head = f"{700_000_000 + n:09d}"
    digits = [int(c) for c in head]
    total = sum(x * w for x, w in zip(digits, BRN_WEIGHTS, strict=True)) + (digits[8] * 5) // 10
    return head + str((10 - total % 10) % 10)


def onnuri() -> Site:
    return Site.objects.get(slug="onnuri-biz")


class CorporateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Corporate

    site = factory.LazyFunction(onnuri)
    name = factory.Sequence(lambda n: f"(주)테스트상사{n}")
    business_number = factory.Iterator(["1248100998", "2208162517", "1208147521"])
    representative_name = "김대표"
    representative_phone = "0212345678"
    registration_certificate = "corporates/test-certificate.pdf"
    registration_certificate_type = "application/pdf"
    headcount = 40
    headcount_document_type = Corporate.HeadcountDocument.SUBSCRIBER_LIST
    headcount_document = "corporates/test-headcount.pdf"
    headcount_document_content_type = "application/pdf"
    status = Corporate.Status.APPROVED
    discount_rate = factory.LazyAttribute(lambda o: default_terms(o.headcount).discount_rate)
    monthly_discount_limit = factory.LazyAttribute(
        lambda o: default_terms(o.headcount).monthly_discount_limit
    )
    monthly_purchase_limit = factory.LazyAttribute(
        lambda o: default_terms(o.headcount).monthly_purchase_limit
    )


def manager_create(
    *,
    corporate: Corporate,
    username: str,
    role: str = "general",
    mobile: str | None = None,
    **member_fields,
) -> CorporateManager:
    """An active onnuri-biz member with a role in `corporate` (password: DEFAULT_PASSWORD)."""
    extra = {"mobile": mobile} if mobile else {}
    member = MemberFactory(
        site=corporate.site, username=username, kind="corporate_manager", **extra, **member_fields
    )
    return CorporateManager.objects.create(
        member=member, corporate=corporate, role=role, department="총무팀", position="대리"
    )


def corporate_with_master(
    *,
    username: str = "master01",
    business_number: str = "1248100998",
    mobile: str | None = None,
    site: Site | None = None,
) -> CorporateManager:
    """An approved corporate of `site` (onnuri-biz by default) with an account in use and its
    master."""
    corporate = CorporateFactory(business_number=business_number, site=site or onnuri())
    BankAccount.objects.create(
        corporate=corporate,
        bank_code="089",
        number="70010012345",
        holder=corporate.name,
        bankbook="corporates/bankbook.pdf",
        bankbook_content_type="application/pdf",
        status=BankAccount.Status.IN_USE,
    )
    return manager_create(corporate=corporate, username=username, role="master", mobile=mobile)
