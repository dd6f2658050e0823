"""Corporates and their bank accounts in the Django admin (SPEC §7.1–§7.3, §8; manual 004
§1.1, §2.3). Operators review sign-ups and account requests with the services of the API
(domain.corporates.review, .accounts); only the purchase terms are edited in a form. Documents
open through the services' permission-checked, access-logged downloads (SPEC §14)."""

from django import forms
from django.contrib import admin
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from domain.common.admin import ReadOnlyReviewAdmin, ReviewAdmin
from domain.common.masking import mask_account, mask_name

from .accounts import bank_account_approve, bank_account_bankbook_open, bank_account_reject
from .banks import BANKS
from .models import BankAccount, Corporate
from .review import (
    FEATURE,
    TERM_FIELDS,
    corporate_approve,
    corporate_document_open,
    corporate_personal_data_viewed,
    corporate_reject,
    corporate_terms_errors,
    corporate_terms_update,
)
from .selectors import DOCUMENT_KINDS, corporate_master

DOCUMENT_LABELS = {
    "registration_certificate": _("Business registration certificate"),
    "headcount_document": _("Headcount document"),
    "bankbook": _("Bankbook copy"),
}


class CorporateAdminForm(forms.ModelForm):
    class Meta:
        model = Corporate
        fields = list(TERM_FIELDS)

    def clean(self):
        cleaned = super().clean()
        for error in corporate_terms_errors(**{k: cleaned.get(k) for k in TERM_FIELDS}):
            self.add_error(error.attr, str(error.message))
        return cleaned


@admin.register(Corporate)
class CorporateAdmin(ReviewAdmin):
    form = CorporateAdminForm
    site_feature = FEATURE
    review_status = Corporate.Status.PENDING_REVIEW
    list_display = [
        "name",
        "business_number",
        "masked_representative",
        "status",
        "headcount",
        "discount_rate",
        "created_at",
    ]
    list_filter = ["status"]
    search_fields = ["name", "business_number"]
    fields = [
        "site",
        "name",
        "business_number",
        "representative_name",
        "representative_phone",
        "status",
        "reject_reason",
        "manager",
        "headcount",
        "headcount_document_type",
        "documents",
        "bank_accounts",
        *TERM_FIELDS,
        "reviewed_by",
        "reviewed_at",
        "created_at",
        "updated_at",
    ]
    readonly_fields = [name for name in fields if name not in TERM_FIELDS]

    @admin.display(description=pgettext_lazy("admin", "representative"))
    def masked_representative(self, obj):
        return mask_name(obj.representative_name)

    @admin.display(description=pgettext_lazy("admin", "manager (master)"))
    def manager(self, obj):
        master = corporate_master(corporate=obj)
        if master is None:
            return "-"
        member = master.member
        return f"{member.name} ({master.department} / {master.position}) {member.mobile}"

    @admin.display(description=pgettext_lazy("admin", "documents"))
    def documents(self, obj):
        return self.links(
            [
                (self.admin_url("document", obj, kind), DOCUMENT_LABELS[kind])
                for kind in DOCUMENT_KINDS
            ]
        )

    @admin.display(description=pgettext_lazy("admin", "bank accounts"))
    def bank_accounts(self, obj):
        """Each account with its state, linked to its review page on the bank-account admin."""
        accounts = self.admin_site._registry[BankAccount]
        return self.links(
            [
                (
                    accounts.admin_url("change", account),
                    f"{account.get_status_display()} · {BANKS.get(account.bank_code, '')} "
                    f"{mask_account(account.number)}",
                )
                for account in obj.bank_accounts.all()
            ]
        )

    def has_add_permission(self, request):
        return False  # corporates join through the sign-up (manual 004 §1.1)

    def has_delete_permission(self, request, obj=None):
        return False  # their events, accounts and consents are kept

    def get_urls(self):
        view = self.admin_site.admin_view(self.document_view)
        return [
            path(
                "<path:object_id>/documents/<str:kind>/", view, name="corporates_corporate_document"
            ),
            *super().get_urls(),
        ]

    def document_view(self, request, object_id, kind):
        corporate = self.object_or_404(request, object_id)

        def open_file():
            document, file = corporate_document_open(
                corporate=corporate,
                viewer=request.user,
                kind=kind,
                context=request.audit_context,
            )
            return document.content_type, f"corporate-{corporate.pk}-{kind}", file

        return self.file_download(request, corporate, open_file)

    def review_approve(self, request, obj):
        corporate_approve(
            site=obj.site, staff=request.user, corporate_id=obj.pk, context=request.audit_context
        )

    def review_reject(self, request, obj, *, reason):
        corporate_reject(
            site=obj.site,
            staff=request.user,
            corporate_id=obj.pk,
            reason=reason,
            context=request.audit_context,
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and getattr(response, "status_code", None) == 200:
            corporate = self.get_queryset(request).filter(pk=object_id).first()
            if corporate is not None:  # access log (SPEC §14)
                corporate_personal_data_viewed(
                    corporate=corporate,
                    viewer=request.user,
                    item="corporate_admin",
                    context=request.audit_context,
                )
        return response

    def save_model(self, request, obj, form, change):
        """Terms go through the service: locked, validated and written as an event."""
        changed = {
            name: form.cleaned_data[name] for name in TERM_FIELDS if name in form.changed_data
        }
        corporate_terms_update(
            site=obj.site,
            staff=request.user,
            corporate_id=obj.pk,
            context=request.audit_context,
            **changed,
        )


@admin.register(BankAccount)
class BankAccountAdmin(ReadOnlyReviewAdmin):
    """Account requests (manual 004 §2.3 "계좌 추가가 승인되면 담당자에게 문자"): approval puts one
    in use and retires the old one; a rejection's reason is texted to the master."""

    site_field = "corporate__site"
    site_feature = FEATURE
    list_display = ["corporate", "status", "bank", "masked_number", "holder", "created_at"]
    list_filter = ["status"]
    search_fields = ["corporate__name", "holder"]
    list_select_related = ["corporate"]
    fields = [
        "corporate",
        "status",
        "bank",
        "masked_number",
        "holder",
        "bankbook_link",
        "requested_by_username",
        "created_at",
        "approved_at",
        "deleted_at",
    ]
    readonly_fields = fields

    @admin.display(description=pgettext_lazy("admin", "bank"))
    def bank(self, obj):
        return BANKS.get(obj.bank_code, obj.bank_code)

    def object_label(self, obj) -> str:
        return f"{obj.corporate} · {self.bank(obj)} {mask_account(obj.number)}"

    @admin.display(description=pgettext_lazy("admin", "account number"))
    def masked_number(self, obj):
        return mask_account(obj.number)

    @admin.display(description=DOCUMENT_LABELS["bankbook"])
    def bankbook_link(self, obj):
        return self.links([(self.admin_url("bankbook", obj), DOCUMENT_LABELS["bankbook"])])

    @admin.display(description=pgettext_lazy("admin", "requested by"))
    def requested_by_username(self, obj):
        return obj.requested_by.username if obj.requested_by else "-"

    def get_urls(self):
        view = self.admin_site.admin_view(self.bankbook_view)
        return [
            path("<path:object_id>/bankbook/", view, name="corporates_bankaccount_bankbook"),
            *super().get_urls(),
        ]

    def bankbook_view(self, request, object_id):
        account = self.object_or_404(request, object_id)

        def open_file():
            found, file = bank_account_bankbook_open(
                corporates=Corporate.objects.filter(pk=account.corporate_id),
                viewer=request.user,
                account_id=account.pk,
                context=request.audit_context,
            )
            return found.bankbook_content_type, f"bank-account-{found.pk}-bankbook", file

        return self.file_download(request, account, open_file)

    def review_approve(self, request, obj):
        bank_account_approve(site=obj.corporate.site, staff=request.user, account_id=obj.pk)

    def review_reject(self, request, obj, *, reason):
        bank_account_reject(
            site=obj.corporate.site, staff=request.user, account_id=obj.pk, reason=reason
        )
