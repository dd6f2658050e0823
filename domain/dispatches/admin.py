"""Dispatches in the Django admin (SPEC §7.4, §8; manual 004 §3.2 발송내역).

Operators answer a company's "did my gifts go out?": their site's dispatches with status,
money, counts and the history (one row per change, domain.dispatches.events), and the
recipients of each — names and mobiles masked as in every list (SPEC §13), found by the full
mobile a caller gives, never a claim code or its hash. Read-only: money moves only through the
services (domain.purchases.ledger), and a company edits, cancels and reclaims through the API.
"""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import pgettext_lazy

from domain.common.admin import MaskedPersonMixin, ReadOnlyInline, ReadOnlyMixin, SiteScopedAdmin

from .models import Dispatch, DispatchEvent, Recipient

FEATURE = "dispatches"


class DispatchEventInline(ReadOnlyInline):
    """The dispatch's history, read-only."""

    model = DispatchEvent
    fields = ["created_at", "type", "old_status", "new_status", "amount", "actor", "parameters"]
    readonly_fields = fields


@admin.register(Dispatch)
class DispatchAdmin(ReadOnlyMixin, SiteScopedAdmin):
    site_field = "corporate__site"
    site_feature = FEATURE
    inlines = [DispatchEventInline]
    list_display = [
        "number",
        "corporate",
        "title",
        "send_type",
        "status",
        "failure_reason",
        "recipient_count",
        "amount",
        "kind",
        "scheduled_at",
        "created_at",
    ]
    list_display_links = ["number", "title"]
    list_filter = ["status", "send_type", "failure_reason"]
    search_fields = ["corporate__name", "title"]
    list_select_related = ["corporate"]
    fields = [
        "corporate",
        "requested_by",
        "title",
        "send_type",
        "scheduled_at",
        "kind",
        "subject",
        "body",
        "purchase",
        "amount",
        "recipient_count",
        "recipients",
        "status",
        "failure_reason",
        "created_at",
        "started_at",
        "completed_at",
        "cancelled_at",
        "failed_at",
    ]
    readonly_fields = fields

    @admin.display(description=pgettext_lazy("admin", "number"), ordering="pk")
    def number(self, obj):
        return obj.pk

    @admin.display(description=pgettext_lazy("admin", "total"), ordering="total")
    def amount(self, obj):
        return f"{obj.total:,}"

    @admin.display(description=pgettext_lazy("admin", "recipients"))
    def recipients(self, obj):
        url = reverse("admin:dispatches_recipient_changelist", current_app=self.admin_site.name)
        return format_html(
            '<a href="{}?dispatch__id__exact={}">{}</a>',
            url,
            obj.pk,
            pgettext_lazy("admin", "The recipients of this dispatch"),
        )


@admin.register(Recipient)
class RecipientAdmin(MaskedPersonMixin, ReadOnlyMixin, SiteScopedAdmin):
    site_field = "dispatch__corporate__site"
    site_feature = FEATURE
    list_display = [
        "dispatch",
        "row",
        "masked_name",
        "masked_mobile",
        "amount",
        "status",
        "attempts",
        "sent_at",
        "outcome_at",
    ]
    list_filter = ["status"]
    # The full number a caller gives finds their gift; what is shown stays masked.
    search_fields = ["=mobile"]
    list_select_related = ["dispatch"]
    fields = [
        "dispatch",
        "row",
        "masked_name",
        "masked_mobile",
        "amount",
        "status",
        "attempts",
        "batch_key",
        "provider_message_id",
        "last_error",
        "sent_at",
        "outcome_at",
    ]
    readonly_fields = fields

    def get_search_results(self, request, queryset, search_term):
        """The mobile as typed (010-1234-5678 too): its digits."""
        digits = "".join(ch for ch in search_term if ch.isdigit())
        return super().get_search_results(request, queryset, digits or search_term)
