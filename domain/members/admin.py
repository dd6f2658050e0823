from django.contrib import admin

from domain.common.admin import SiteScopedAdmin
from domain.common.masking import mask_name, mask_phone

from .models import Member


@admin.register(Member)
class MemberAdmin(SiteScopedAdmin):
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
        "last_login",
        "created_at",
        "updated_at",
        "withdrawn_at",
        "failed_login_count",
    ]

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
