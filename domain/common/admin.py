"""Admin base: an operator (site staff) sees and edits only their own site's rows (SPEC §8)."""

from django.contrib import admin


class SiteScopedAdmin(admin.ModelAdmin):
    site_field = "site"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(**{self.site_field: request.user.site_id})

    def _is_operator(self, request) -> bool:
        user = request.user
        return user.is_active and user.is_staff and (user.is_superuser or user.site_id)

    def has_module_permission(self, request):
        return self._is_operator(request)

    def has_view_permission(self, request, obj=None):
        return self._is_operator(request)

    def has_change_permission(self, request, obj=None):
        return self._is_operator(request)

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser
