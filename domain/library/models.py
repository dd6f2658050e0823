from django.conf import settings
from django.db import models
from django.utils import timezone

from domain.members.models import Member


def library_state_changed(member_id: int) -> None:
    """Bump the member's `updated_at`, the tag of the library block kept across requests
    (`api.members.serializers.MemberProfileSerializer.get_library`): every process sees the
    change on its next request. The two models below call it on each save and delete; call it
    after a queryset `update()` or `delete()` of either."""
    Member.objects.filter(pk=member_id).update(updated_at=timezone.now())


class MemberStateTouch(models.Model):
    """Saving or deleting a row tells `library_state_changed` (the consents' `_site_touch`
    pattern)."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        super().save(*args, **kwargs)
        library_state_changed(self.member_id)

    def delete(self, *args, **kwargs):
        deleted = super().delete(*args, **kwargs)
        library_state_changed(self.member_id)
        return deleted


class LibraryProfile(MemberStateTouch):
    """A yongin-library member's membership level (SPEC §6): associate (준회원) or full (정회원).

    Full members hold a unique 10-digit member card number and a hashed 4-digit loan PIN. The
    loan limit shown is the highest active grant's, else `DEFAULT_LOAN_LIMIT`.
    """

    class Level(models.TextChoices):
        ASSOCIATE = "associate"
        FULL = "full"

    DEFAULT_LOAN_LIMIT = 7

    member = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="library_profile"
    )
    level = models.CharField(max_length=10, choices=Level.choices, default=Level.ASSOCIATE)
    card_number = models.CharField(max_length=10, unique=True, null=True, blank=True)
    loan_pin_hash = models.CharField(max_length=128, blank=True)
    full_since = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.member_id} {self.level}"


class CardNumberCounter(models.Model):
    """The next member card number, taken under a row lock (never max()+1; SPEC §6)."""

    site = models.OneToOneField("sites.Site", on_delete=models.PROTECT, related_name="+")
    next_value = models.PositiveBigIntegerField()

    def __str__(self) -> str:
        return f"{self.site_id}: {self.next_value}"


class EligibilityCheck(models.Model):
    """One MOIS eligibility check (비대면 자격확인). Never holds the RRN (PIPA art. 24-2).

    Kept: who asked for whom, the outcome, the provider's reference and, for multi-child
    checks, the children's birth dates the parent fills in afterwards.
    """

    class Purpose(models.TextChoices):
        FULL_MEMBER = "full_member"
        MULTI_CHILD = "multi_child"

    class Outcome(models.TextChoices):
        PASSED = "passed"
        REFUSED = "refused"
        UNAVAILABLE = "unavailable"

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="eligibility_checks"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    purpose = models.CharField(max_length=12, choices=Purpose.choices)
    outcome = models.CharField(max_length=12, choices=Outcome.choices)
    refusal_code = models.CharField(max_length=40, blank=True)
    reference = models.CharField(max_length=64, blank=True)
    province = models.CharField(max_length=20, blank=True)
    city = models.CharField(max_length=20, blank=True)
    children_birth_dates = models.JSONField(default=list, blank=True)
    grant_until = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.purpose} {self.outcome}"


class LoanLimitGrant(MemberStateTouch):
    """A raised loan limit for a period (multi-child family, manual 003 §03), not a type change.

    Ended by the daily job when `valid_until` has passed; the limit falls back to the default.
    """

    class Reason(models.TextChoices):
        MULTI_CHILD_SELF = "multi_child_self"
        MULTI_CHILD_CHILD = "multi_child_child"

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="loan_limit_grants"
    )
    limit = models.PositiveSmallIntegerField()
    valid_until = models.DateField()
    reason = models.CharField(max_length=20, choices=Reason.choices)
    eligibility_check = models.ForeignKey(
        EligibilityCheck, on_delete=models.PROTECT, related_name="grants"
    )
    active = models.BooleanField(default=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["active", "valid_until"])]

    def __str__(self) -> str:
        return f"{self.member_id} → {self.limit} until {self.valid_until}"


class LibraryEvent(models.Model):
    """Every upgrade, conversion and expiry (STYLE: events); written by the helpers of
    domain.library.events."""

    class Type(models.TextChoices):
        FULL_MEMBER_GRANTED = "full_member_granted"
        FULL_MEMBER_REFUSED = "full_member_refused"
        MULTI_CHILD_REFUSED = "multi_child_refused"
        LOAN_LIMIT_GRANTED = "loan_limit_granted"
        LOAN_LIMIT_EXPIRED = "loan_limit_expired"

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="library_events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    type = models.CharField(max_length=40, choices=Type.choices)
    parameters = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
