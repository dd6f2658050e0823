"""Declared permissions (STYLE: roles map to capabilities in one table, read by one class)."""

from rest_framework import permissions


class IsSiteMember(permissions.BasePermission):
    """An authenticated member of the site in the path (authentication already checked it)."""

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(
            user and user.is_authenticated and getattr(user, "site_id", None) == view.site.id
        )


class IsSiteStaff(IsSiteMember):
    def has_permission(self, request, view) -> bool:
        return super().has_permission(request, view) and request.user.is_staff
