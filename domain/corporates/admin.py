"""Corporates in the Django admin: read-only for operators except the purchase terms (SPEC §7.3,
§8). Status changes go through the review API (domain.corporates.review), never the admin."""

from django import forms
from django.contrib import admin

from domain.audit.services import RequestContext
from domain.common.admin import SiteScopedAdmin
from domain.common.masking import mask_name

from .models import Corporate
from .review import (
    TERM_FIELDS,
    corporate_personal_data_viewed,
    corporate_terms_errors,
    corporate_terms_update,
)


class CorporateAdminForm(forms.ModelForm):
    class Meta:
        model = Corporate
        fields = list(TERM_FIELDS)

    def clean(self):
        cleaned = super().clean()
        for error in corporate_terms_errors(**{k: cleaned.get(k) for k in TERM_FIELDS}):
            self.add_error(error.attr, str(error.message))
        return cleaned


def _context(request) -> RequestContext:
    return RequestContext.from_request(request)


@admin.register(Corporate)
class CorporateAdmin(SiteScopedAdmin):
    form = CorporateAdminForm
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
        "headcount",
        "headcount_document_type",
        *TERM_FIELDS,
        "reviewed_by",
        "reviewed_at",
        "created_at",
        "updated_at",
    ]
    readonly_fields = [name for name in fields if name not in TERM_FIELDS]

    @admin.display(description="representative")
    def masked_representative(self, obj):
        return mask_name(obj.representative_name)

    def has_add_permission(self, request):
        return False  # corporates join through the sign-up (manual 004 §1.1)

    def has_delete_permission(self, request, obj=None):
        return False  # their events, accounts and consents are kept

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and getattr(response, "status_code", None) == 200:
            corporate = self.get_queryset(request).filter(pk=object_id).first()
            if corporate is not None:  # access log (SPEC §14)
                corporate_personal_data_viewed(
                    corporate=corporate,
                    viewer=request.user,
                    item="corporate_admin",
                    context=_context(request),
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
            context=_context(request),
            **changed,
        )
