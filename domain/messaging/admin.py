from django.contrib import admin

from domain.common.admin import SiteScopedAdmin
from domain.common.masking import mask_email, mask_phone

from .models import OutboxMessage


@admin.register(OutboxMessage)
class OutboxMessageAdmin(SiteScopedAdmin):
    """Read-only: the outbox is written by services only. Bodies (codes, links) are not shown.
    Operators see their site's messages (what was texted, whether it went out)."""

    list_display = [
        "id",
        "status",
        "channel",
        "kind",
        "masked_to",
        "purpose",
        "attempts",
        "created_at",
    ]
    list_filter = ["status", "channel", "kind", "site"]
    search_fields = ["purpose"]
    date_hierarchy = "created_at"
    fields = [
        "site",
        "status",
        "channel",
        "kind",
        "masked_to",
        "purpose",
        "attempts",
        "next_attempt_at",
        "last_error",
        "provider_message_id",
        "created_at",
        "sent_at",
    ]
    readonly_fields = fields

    @admin.display(description="to")
    def masked_to(self, obj: OutboxMessage) -> str:
        if obj.channel == OutboxMessage.Channel.EMAIL:
            return mask_email(obj.to)
        return mask_phone(obj.to)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
