from django.contrib import admin

from domain.audit.models import AuditEvent
from domain.audit.services import audit_record
from domain.common.admin import SiteScopedAdmin

from .models import LibraryBranch, Site


@admin.register(Site)
class SiteAdmin(SiteScopedAdmin):
    """Operators edit their site's policy JSON; `Site.clean` validates it (SPEC §2)."""

    site_field = "pk"
    list_display = ["slug", "name", "is_active", "updated_at"]
    readonly_fields = ["created_at", "updated_at"]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += ["slug", "is_active"]
        return fields

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "policy" in form.changed_data:
            audit_record(
                type=AuditEvent.Type.SITE_POLICY_CHANGED,
                site=obj,
                actor=request.user,
                context=request.audit_context,
            )


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
