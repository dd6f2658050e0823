from django.contrib import admin

from domain.common.admin import SiteScopedAdmin

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(SiteScopedAdmin):
    list_display = ["created_at", "type", "site", "subject_username", "ip_address"]
    list_filter = ["type", "site"]
    readonly_fields = [f.name for f in AuditEvent._meta.fields]

    def has_change_permission(self, request, obj=None):
        return False  # the audit trail is read-only evidence (SPEC §3, §14)
