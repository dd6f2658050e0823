from functools import cached_property

from django.db import models

from .policy import SitePolicy


class Site(models.Model):
    """A site is one service with its own members, rules and documents (SPEC §1), like a realm."""

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=100)
    name_en = models.CharField(max_length=100)
    policy = models.JSONField(help_text="The site policy (SPEC §2); validated on save.")
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.slug

    def clean(self) -> None:
        SitePolicy.parse(self.policy)

    @cached_property
    def rules(self) -> SitePolicy:
        """The validated policy; the only way code reads `policy`."""
        return SitePolicy.parse(self.policy)

    def refresh_from_db(self, *args, **kwargs) -> None:
        self.__dict__.pop("rules", None)
        super().refresh_from_db(*args, **kwargs)


class LibraryBranch(models.Model):
    """A Yongin City library a member joins at (가입도서관): a site's staff-editable list that
    sign-up and the profile offer (SPEC §2 member kinds' `home_library` field). It belongs to
    the site, below members, so the members area can check a choice without reaching up to
    the library area (its table keeps the name it was created with)."""

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+")
    code = models.SlugField(max_length=40)
    name = models.CharField(max_length=60)
    is_active = models.BooleanField(default=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        db_table = "library_librarybranch"
        ordering = ["sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["site", "code"], name="library_branch_code_unique")
        ]

    def __str__(self) -> str:
        return self.name
