from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


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


class Member(AbstractBaseUser, PermissionsMixin):
    """A member of one site (SPEC §5). `username` is stored as the site's rule folds it."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        PENDING = "pending", _("Pending review")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        SUSPENDED = "suspended", _("Suspended")

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
    postal_code = models.CharField(max_length=10, blank=True)
    address_road = models.CharField(max_length=200, blank=True)
    address_detail = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    # Keyed hashes only (SPEC §4): duplicate sign-up blocking and find-ID.
    ci_hash = models.CharField(max_length=64, blank=True, db_index=True)
    di_hash = models.CharField(max_length=64, blank=True)
    # Operator of its own site (DRF browsable API, Django admin); never of another site.
    is_staff = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    failed_login_count = models.PositiveSmallIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    password_change_required = models.BooleanField(default=False)
    last_login = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

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
