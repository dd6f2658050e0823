"""Purchases in the Django admin (SPEC §7.3, §8).

Operators list their site's purchases and approve, refund or mark documents received with list
actions that call the services of the API (domain.purchases.services): each selected row is its
own locked transaction with its event, SMS and refusal, reported row by row. The status, the
money and the dates are never edited by hand; nothing is added or deleted here.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from domain.common.admin import (
    DONE,
    ReadOnlyInline,
    ReadOnlyReviewAdmin,
    ReviewAdmin,
)
from domain.corporates.models import Corporate

from .models import Purchase, PurchaseEvent
from .services import purchase_approve, purchase_documents_received, purchase_refund

FEATURE = "purchases"
APPROVE_PURCHASES = _("Approve the selected purchases (deposit received)")
REFUND_PURCHASES = _("Refund the selected purchases")
DOCUMENTS_RECEIVED = _("Mark the documents of the selected purchases received")


class DocumentsFilter(admin.SimpleListFilter):
    """The four documents of a purchase of 10,000,000 won or more (manual 004 §2.2)."""

    title = pgettext_lazy("admin", "documents")
    parameter_name = "documents"

    def lookups(self, request, model_admin):
        return [
            ("missing", pgettext_lazy("documents", "Missing")),
            ("received", pgettext_lazy("documents", "Received")),
            ("not_required", pgettext_lazy("documents", "Not required")),
        ]

    def queryset(self, request, queryset):
        match self.value():
            case "missing":
                return queryset.filter(documents_required=True, documents_received_at=None)
            case "received":
                return queryset.filter(documents_received_at__isnull=False)
            case "not_required":
                return queryset.filter(documents_required=False)
        return queryset


class PurchaseEventInline(ReadOnlyInline):
    """The purchase's history, read-only (one row per change, domain.purchases.events)."""

    model = PurchaseEvent
    fields = [
        "created_at",
        "type",
        "old_status",
        "new_status",
        "old_balance",
        "new_balance",
        "actor",
        "parameters",
    ]
    readonly_fields = fields


@admin.register(Purchase)
class PurchaseAdmin(ReadOnlyReviewAdmin):
    site_field = "corporate__site"
    site_feature = FEATURE
    inlines = [PurchaseEventInline]
    actions = ["approve", "mark_documents_received", "refund"]
    review_verbs = ("approve",)  # a pending purchase's page; a company cancels, staff never reject
    verb_labels = {
        **ReviewAdmin.verb_labels,
        "approve": (pgettext_lazy("admin", "Approve"), APPROVE_PURCHASES),
        "refund": (pgettext_lazy("admin", "Refund"), REFUND_PURCHASES),
        "documents_received": (pgettext_lazy("admin", "Documents received"), DOCUMENTS_RECEIVED),
    }
    confirm_questions = {
        "approve": _("The requester is told by SMS; the balance is valid for five years."),
        "refund": _("The remaining balance goes back to the company's bank account in use."),
    }
    done_messages = {
        **DONE,
        "refund": _("%(object)s: refunded."),
        "documents_received": _("%(object)s: documents recorded as received."),
    }
    list_display = [
        "number",
        "corporate",
        "amount",
        "deposit_amount",
        "discount",
        "status",
        "balance",
        "reserved",
        "approved_at",
        "expires_at",
        "documents_required",
        "documents_received",
        "created_at",
    ]
    list_display_links = ["number"]
    list_filter = ["status", DocumentsFilter]
    search_fields = ["corporate__name"]
    list_select_related = ["corporate"]
    fields = [
        "corporate",
        "requested_by",
        "status",
        "amount",
        "discount_rate",
        "discount_base",
        "discount_amount",
        "deposit_amount",
        "depositor_bank_code",
        "depositor_account_masked",
        "depositor_holder",
        "deposit_deadline",
        "documents_required",
        "documents_received_at",
        "balance",
        "reserved",
        "approved_by",
        "approved_at",
        "expires_at",
        "cancelled_at",
        "refunded_at",
        "refund_amount",
        "created_at",
    ]
    readonly_fields = fields

    def corporate_scope(self, request):
        """The corporates whose purchases the services may touch for this operator."""
        corporates = Corporate.objects.all()
        if request.user.is_superuser:
            return corporates
        return corporates.filter(site_id=request.user.site_id)

    def object_label(self, obj) -> str:
        return _("%(company)s · purchase %(number)s · %(amount)s won") % {
            "company": obj.corporate.name,
            "number": obj.pk,
            "amount": f"{obj.amount:,}",
        }

    @admin.display(description=pgettext_lazy("admin", "number"), ordering="pk")
    def number(self, obj):
        return obj.pk

    @admin.display(description=pgettext_lazy("admin", "discount"))
    def discount(self, obj):
        return f"{obj.discount_rate.normalize():f}% · {obj.discount_amount:,}"

    @admin.display(description=pgettext_lazy("admin", "documents received"), boolean=True)
    def documents_received(self, obj):
        if not obj.documents_required:
            return None
        return obj.documents_received_at is not None

    # --- list actions: the API's services, row by row ----------------------------------

    @admin.action(description=APPROVE_PURCHASES)
    def approve(self, request, queryset):
        self.review_each(request, queryset, "approve")

    @admin.action(description=DOCUMENTS_RECEIVED)
    def mark_documents_received(self, request, queryset):
        self.review_each(request, queryset, "documents_received")

    @admin.action(description=REFUND_PURCHASES)
    def refund(self, request, queryset):
        objects = list(queryset)
        if "apply" not in request.POST:  # money leaves: ask first
            return self._confirm(request, objects, "refund", action=True)
        self.review_each(request, objects, "refund")
        return None

    def review_approve(self, request, obj):
        purchase_approve(
            corporates=self.corporate_scope(request), staff=request.user, purchase_id=obj.pk
        )

    def review_documents_received(self, request, obj):
        purchase_documents_received(
            corporates=self.corporate_scope(request), staff=request.user, purchase_id=obj.pk
        )

    def review_refund(self, request, obj):
        purchase_refund(
            corporates=self.corporate_scope(request), staff=request.user, purchase_id=obj.pk
        )


# Deposit matching lives in its own module (statements, rows, upload and confirmation).
from . import admin_deposits  # noqa: E402, F401
