from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from domain.common.transitions import StatusMachine


class MemberManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, username, password=None, *, site, **fields):
        policy = site.rules
        member = self.model(site=site, username=policy.username.fold(username), **fields)
        member.set_password(password)
        member.save(using=self._db)
        return member

    def create_superuser(self, username, password=None, **fields):
        """A platform superuser belongs to no site; it manages sites (SPEC §11)."""
        member = self.model(
            site=None,
            username=username,
            kind="platform",
            is_staff=True,
            is_superuser=True,
            **fields,
        )
        member.set_password(password)
        member.save(using=self._db)
        return member


class Member(StatusMachine, AbstractBaseUser, PermissionsMixin):
    """A member of one site (SPEC §5). `username` is stored as the site's rule folds it."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        PENDING = "pending", _("Pending review")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        SUSPENDED = "suspended", _("Suspended")

    # pending: an onnuri-biz master until the corporate's review (SPEC §7.1); suspended: by the
    # site's staff in the admin; withdrawn is final (the data is erased, SPEC §5).
    TRANSITIONS = {
        Status.PENDING: {Status.ACTIVE, Status.REJECTED},
        Status.ACTIVE: {Status.SUSPENDED, Status.WITHDRAWN},
        Status.SUSPENDED: {Status.ACTIVE, Status.WITHDRAWN},
        Status.REJECTED: set(),
        Status.WITHDRAWN: set(),
    }

    class Gender(models.TextChoices):
        MALE = "male", _("Male")
        FEMALE = "female", _("Female")

    class Nationality(models.TextChoices):
        DOMESTIC = "domestic", _("Domestic")
        FOREIGN = "foreign", _("Foreign")

    site = models.ForeignKey(
        "sites.Site", on_delete=models.PROTECT, null=True, blank=True, related_name="members"
    )
    username = models.CharField(max_length=150)
    kind = models.CharField(max_length=32)
    name = models.CharField(max_length=100, blank=True)
    birth_date = models.DateField(null=True, blank=True)
    gender = models.CharField(max_length=8, choices=Gender.choices, blank=True)
    nationality = models.CharField(
        max_length=8, choices=Nationality.choices, default=Nationality.DOMESTIC
    )
    mobile = models.CharField(max_length=11, blank=True)
    email = models.EmailField(blank=True)
    landline = models.CharField(max_length=12, blank=True)
    postal_code = models.CharField(max_length=10, blank=True)
    address_road = models.CharField(max_length=200, blank=True)
    address_detail = models.CharField(max_length=200, blank=True)
    home_library = models.ForeignKey(
        "sites.LibraryBranch",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    # Keyed hashes only (SPEC §4): duplicate sign-up blocking and find-ID.
    ci_hash = models.CharField(max_length=64, blank=True, db_index=True)
    di_hash = models.CharField(max_length=64, blank=True)
    # Operator of its own site (DRF browsable API, Django admin); never of another site.
    is_staff = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    failed_login_count = models.PositiveSmallIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    # Set by reset-password: only the password endpoint works until it is changed (SPEC §5).
    password_change_required = models.BooleanField(default=False)
    temporary_password_expires_at = models.DateTimeField(null=True, blank=True)
    last_login = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    # A withdrawn member's ID stays taken until this time (site retention), then is released.
    username_released_at = models.DateTimeField(null=True, blank=True)

    objects = MemberManager()

    USERNAME_FIELD = "username"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        ordering = ["id"]
        constraints = [
            # The username is stored folded by the site's rule, so this is the case-insensitive
            # uniqueness where the site says so (SPEC §2).
            models.UniqueConstraint(
                fields=["site", "username"],
                name="member_username_unique_per_site",
            ),
            models.UniqueConstraint(
                fields=["username"],
                condition=Q(site__isnull=True),
                name="member_platform_username_unique",
            ),
            models.CheckConstraint(
                condition=Q(site__isnull=False) | Q(is_superuser=True),
                name="member_site_required_unless_superuser",
            ),
        ]
        indexes = [models.Index(fields=["site", "kind", "ci_hash"])]

    def __str__(self) -> str:
        return f"{self.site_id}:{self.username}"

    def save(self, *args, **kwargs) -> None:
        # Store the username as the site folds it, so the unique constraint above is on the
        # folded value whichever code path writes the row.
        if self.site_id:
            self.username = self.site.rules.username.fold(self.username)
        super().save(*args, **kwargs)

    @property
    def site_slug(self) -> str | None:
        return self.site.slug if self.site_id else None

    def is_locked(self, now=None) -> bool:
        return bool(self.locked_until and self.locked_until > (now or timezone.now()))


class Guardianship(models.Model):
    """A child member's legal representative (SPEC §5 child sign-up; PIPA art. 22-2).

    The guardian's own verification is the legal representative's consent; their CI hash links
    them to the child so a guardian who is (or becomes) a member can act for the child.
    """

    child = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="guardianships")
    guardian_name = models.CharField(max_length=100)
    guardian_phone = models.CharField(max_length=11)
    guardian_birth_date = models.DateField(null=True, blank=True)
    guardian_ci_hash = models.CharField(max_length=64, db_index=True)
    verification_method = models.CharField(max_length=24)
    verified_at = models.DateTimeField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"guardian of {self.child_id}"


class CorporateProfile(models.Model):
    """incheon-water corporate member details (manual 000 기업회원)."""

    member = models.OneToOneField(Member, on_delete=models.CASCADE, related_name="corporate")
    representative_company_name = models.CharField(max_length=100)
    corporation_name = models.CharField(max_length=100)
    business_number = models.CharField(max_length=10)
    corporation_registration_number = models.CharField(max_length=13, blank=True)
    applicant_name = models.CharField(max_length=100)
    applicant_birth_date = models.DateField()

    def __str__(self) -> str:
        return self.corporation_name


class SocialAccount(models.Model):
    """A Kakao or Naver account linked for login (yongin-library, SPEC §5)."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="social_accounts")
    site = models.ForeignKey("sites.Site", on_delete=models.PROTECT, related_name="+")
    provider = models.CharField(max_length=16)
    uid = models.CharField(max_length=128)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["site", "provider", "uid"], name="social_account_unique_per_site"
            ),
            models.UniqueConstraint(
                fields=["member", "provider"], name="social_account_one_per_provider"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.provider}:{self.member_id}"


class NameChangeRequest(StatusMachine, models.Model):
    """A member's request to change the stored name, with evidence, reviewed by staff.

    animal-protection manual 002 §II: a re-verified name that differs from the stored one is
    refused; the member sends a legal rename certificate instead.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending review")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    TRANSITIONS = {
        Status.PENDING: {Status.APPROVED, Status.REJECTED},
        Status.APPROVED: set(),
        Status.REJECTED: set(),
    }

    site = models.ForeignKey("sites.Site", on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="name_change_requests"
    )
    current_name = models.CharField(max_length=100)
    requested_name = models.CharField(max_length=100)
    evidence = models.CharField(max_length=255, help_text="Private storage path.")
    evidence_content_type = models.CharField(max_length=40)
    # Keyed hashes of the identity verified under the requested name, applied on approval.
    verified_ci_hash = models.CharField(max_length=64, blank=True)
    verified_di_hash = models.CharField(max_length=64, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    reason = models.CharField(max_length=300, blank=True)
    reviewed_by = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"name change {self.member_id} {self.status}"
