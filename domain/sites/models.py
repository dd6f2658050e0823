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
