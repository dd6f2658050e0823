"""Operators publish consent documents for their site; consent records are evidence, read-only.

Publishing a new version means adding a row with a higher version (SPEC §3): a version that
members have answered is never edited, so what they agreed to stays provable.
"""

from django import forms
from django.contrib import admin
from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from domain.common.admin import SiteScopedAdmin

from .models import ConsentDocument, ConsentRecord

CONTENT_FIELDS = [
    "site",
    "code",
    "version",
    "title",
    "body",
    "required",
    "kinds",
    "scope",
    "is_marketing",
    "channel",
    "effective_at",
]


class ConsentDocumentForm(forms.ModelForm):
    class Meta:
        model = ConsentDocument
        fields = [*CONTENT_FIELDS, "position"]

    def clean(self):
        cleaned = super().clean()
        # The site is not on the operator's form, so Django skips the (site, code, version)
        # uniqueness check; do it here, and require a version above the ones published.
        site_id = self.instance.site_id or getattr(cleaned.get("site"), "pk", None)
        code, version = cleaned.get("code"), cleaned.get("version")
        if self.instance.pk or not (site_id and code and version):
            return cleaned
        highest = ConsentDocument.objects.filter(site_id=site_id, code=code).aggregate(
            highest=Max("version")
        )["highest"]
        if highest is not None and version <= highest:
            self.add_error(
                "version",
                _("Version %(highest)s is published; a new version must be higher.")
                % {"highest": highest},
            )
        return cleaned


@admin.register(ConsentDocument)
class ConsentDocumentAdmin(SiteScopedAdmin):
    form = ConsentDocumentForm
    list_display = ["code", "version", "title", "site", "required", "scope", "effective_at"]
    list_filter = ["site", "scope", "required", "is_marketing"]
    search_fields = ["code", "title"]
    ordering = ["site", "position", "code", "-version"]

    def has_add_permission(self, request):
        return bool(self._is_operator(request))

    def get_exclude(self, request, obj=None):
        return [] if request.user.is_superuser else ["site"]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.records.exists():
            fields += [f for f in CONTENT_FIELDS if f != "site" or request.user.is_superuser]
        return fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if request.user.is_superuser or obj is not None:
            return form
        site = request.user.site

        class OperatorForm(form):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                self.instance.site = site  # so model validation knows the site's kinds

        return OperatorForm

    def save_model(self, request, obj, form, change):
        if not request.user.is_superuser:
            obj.site = request.user.site
        super().save_model(request, obj, form, change)


@admin.register(ConsentRecord)
class ConsentRecordAdmin(SiteScopedAdmin):
    site_field = "member__site"
    list_display = ["member", "code", "version", "agreed", "source", "created_at", "withdrawn_at"]
    list_filter = ["code", "agreed", "source"]
    search_fields = ["member__username", "code"]
    list_select_related = ["member"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
