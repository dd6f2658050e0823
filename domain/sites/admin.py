from django.contrib import admin

from domain.audit.models import AuditEvent
from domain.audit.services import audit_record
from domain.common.admin import SiteScopedAdmin

from .models import Site


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
