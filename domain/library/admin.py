from django.contrib import admin

from domain.common.admin import SiteScopedAdmin

from .models import LibraryBranch


@admin.register(LibraryBranch)
class LibraryBranchAdmin(SiteScopedAdmin):
    list_display = ["name", "code", "is_active", "sort_order"]
    list_editable = ["is_active", "sort_order"]

    def site_applies(self, site) -> bool:
        """Sites whose members choose a home library (yongin-library, SPEC §2)."""
        return any(
            "home_library" in (*kind.required_fields, *kind.optional_fields)
            for kind in site.rules.member_kinds
        )

    def has_add_permission(self, request):
        return self._is_operator(request)

    def save_model(self, request, obj, form, change):
        if not request.user.is_superuser:
            obj.site_id = request.user.site_id
        super().save_model(request, obj, form, change)

    def get_exclude(self, request, obj=None):
        return [] if request.user.is_superuser else ["site"]
