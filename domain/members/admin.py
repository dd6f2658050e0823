"""Members and name change requests in the Django admin (SPEC §5, §8).

The status is never edited by hand: staff suspend or reactivate with the actions, which go
through the services (locked, checked against Member.TRANSITIONS, audited). The verified
identity (name, birth date, gender, nationality, mobile; CI/DI hashes) comes from the
verification and changes only through its services (re-verification, name change review,
mobile change), so it is read-only here too.
"""

from django.contrib import admin, messages
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from domain.common.admin import (
    MaskedPersonMixin,
    ReadOnlyReviewAdmin,
    SiteScopedAdmin,
)
from domain.common.errors import DomainError
from domain.sites.models import LibraryBranch

from .lifecycle import member_reactivate, member_suspend
from .models import Member, NameChangeRequest
from .name_changes import FEATURE as NAME_CHANGES
from .name_changes import (
    name_change_evidence_open,
    name_change_request_approve,
    name_change_request_reject,
)

IDENTITY_FIELDS = ["name", "birth_date", "gender", "nationality", "mobile"]


@admin.register(Member)
class MemberAdmin(MaskedPersonMixin, SiteScopedAdmin):
    list_display = [
        "username",
        "site",
        "kind",
        "masked_name",
        "masked_mobile",
        "status",
        "is_staff",
        "created_at",
    ]
    list_filter = ["site", "kind", "status", "is_staff"]
    search_fields = ["username"]
    # Not shown at all: the password hash and the keyed CI/DI hashes (SPEC §4).
    fieldsets = [
        (None, {"fields": ["site", "username", "kind", "status"]}),
        (pgettext_lazy("admin", "Verified identity"), {"fields": IDENTITY_FIELDS}),
        (
            pgettext_lazy("admin", "Contact"),
            {
                "fields": [
                    "email",
                    "landline",
                    "postal_code",
                    "address_road",
                    "address_detail",
                    "home_library",
                ]
            },
        ),
        (
            pgettext_lazy("admin", "Account"),
            {
                "fields": [
                    "is_staff",
                    "is_superuser",
                    "is_active",
                    "failed_login_count",
                    "locked_until",
                    "password_change_required",
                    "temporary_password_expires_at",
                    "last_login",
                    "created_at",
                    "updated_at",
                    "withdrawn_at",
                    "username_released_at",
                ]
            },
        ),
    ]
    readonly_fields = [
        "site",
        "username",
        "kind",
        "status",
        *IDENTITY_FIELDS,
        "is_active",
        "failed_login_count",
        "locked_until",
        "password_change_required",
        "temporary_password_expires_at",
        "last_login",
        "created_at",
        "updated_at",
        "withdrawn_at",
        "username_released_at",
    ]
    actions = ["suspend", "reactivate"]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += ["is_staff", "is_superuser"]
        return fields

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "home_library" and not request.user.is_superuser:
            kwargs["queryset"] = LibraryBranch.objects.filter(site_id=request.user.site_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.action(description=_("Suspend the selected members"))
    def suspend(self, request, queryset):
        self._apply(request, queryset, member_suspend)

    @admin.action(description=_("Reactivate the selected members"))
    def reactivate(self, request, queryset):
        self._apply(request, queryset, member_reactivate)

    def _apply(self, request, queryset, service) -> None:
        context = request.audit_context
        done = 0
        for member in queryset.exclude(pk=request.user.pk).select_related("site"):
            try:
                service(member=member, actor=request.user, context=context)
            except DomainError as exc:
                self.message_user(request, f"{member.username}: {exc.message}", messages.WARNING)
            else:
                done += 1
        self.message_user(request, _("%(count)d members changed.") % {"count": done})


@admin.register(NameChangeRequest)
class NameChangeRequestAdmin(ReadOnlyReviewAdmin):
    """Name change requests with evidence (manual 002 §II 1-2 "검토 후 변경처리")."""

    site_feature = NAME_CHANGES
    list_display = ["member", "current_name", "requested_name", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["member__username"]
    list_select_related = ["member"]
    fields = [
        "member",
        "current_name",
        "requested_name",
        "evidence_link",
        "status",
        "reason",
        "reviewed_by",
        "reviewed_at",
        "created_at",
    ]
    readonly_fields = fields

    def object_label(self, obj) -> str:
        return f"{obj.member.username}: {obj.current_name} → {obj.requested_name}"

    @admin.display(description=pgettext_lazy("admin", "evidence"))
    def evidence_link(self, obj):
        return self.links([(self.admin_url("evidence", obj), _("Download the evidence"))])

    def get_urls(self):
        view = self.admin_site.admin_view(self.evidence_view)
        return [
            path("<path:object_id>/evidence/", view, name="members_namechangerequest_evidence"),
            *super().get_urls(),
        ]

    def evidence_view(self, request, object_id):
        found = self.object_or_404(request, object_id)

        def open_file():
            opened, file = name_change_evidence_open(
                site=found.site,
                viewer=request.user,
                request_id=found.pk,
                context=request.audit_context,
            )
            return opened.evidence_content_type, f"name-change-{opened.pk}-evidence", file

        return self.file_download(request, found, open_file)

    def review_approve(self, request, obj):
        name_change_request_approve(
            site=obj.site, staff=request.user, request_id=obj.pk, context=request.audit_context
        )

    def review_reject(self, request, obj, *, reason):
        name_change_request_reject(
            site=obj.site,
            staff=request.user,
            request_id=obj.pk,
            reason=reason,
            context=request.audit_context,
        )
