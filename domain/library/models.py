from django.db import models


class LibraryBranch(models.Model):
    """A Yongin City library a member joins at (가입도서관); staff-editable list."""

    site = models.ForeignKey("sites.Site", on_delete=models.PROTECT, related_name="+")
    code = models.SlugField(max_length=40)
    name = models.CharField(max_length=60)
    is_active = models.BooleanField(default=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["site", "code"], name="library_branch_code_unique")
        ]

    def __str__(self) -> str:
        return self.name
