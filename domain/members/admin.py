from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from domain.audit.services import RequestContext
from domain.common.admin import SiteScopedAdmin
from domain.common.errors import DomainError
from domain.common.masking import mask_name, mask_phone

from .lifecycle import member_reactivate, member_suspend
from .models import Member


@admin.register(Member)
class MemberAdmin(SiteScopedAdmin):
    """The status is never edited by hand: staff suspend or reactivate with the actions, which
    go through the services (locked, checked against Member.TRANSITIONS, audited)."""

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
    exclude = ["password", "ci_hash", "di_hash", "groups", "user_permissions"]
    readonly_fields = [
        "site",
        "username",
        "status",
        "last_login",
        "created_at",
        "updated_at",
        "withdrawn_at",
        "failed_login_count",
    ]
    actions = ["suspend", "reactivate"]

    @admin.display(description="name")
    def masked_name(self, obj):
        return mask_name(obj.name)

    @admin.display(description="mobile")
    def masked_mobile(self, obj):
        return mask_phone(obj.mobile)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += ["is_staff", "is_superuser"]
        return fields

    @admin.action(description=_("Suspend the selected members"))
    def suspend(self, request, queryset):
        self._apply(request, queryset, member_suspend)

    @admin.action(description=_("Reactivate the selected members"))
    def reactivate(self, request, queryset):
        self._apply(request, queryset, member_reactivate)

    def _apply(self, request, queryset, service) -> None:
        context = RequestContext(
            request.META.get("REMOTE_ADDR"), request.META.get("HTTP_USER_AGENT", "")
        )
        done = 0
        for member in queryset.exclude(pk=request.user.pk).select_related("site"):
            try:
                service(member=member, actor=request.user, context=context)
            except DomainError as exc:
                self.message_user(request, f"{member.username}: {exc.message}", messages.WARNING)
            else:
                done += 1
        self.message_user(request, _("%(count)d members changed.") % {"count": done})
