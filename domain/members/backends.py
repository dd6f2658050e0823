"""Authentication backend for Django admin / browsable API session logins.

The ID is unique per site only, so operators sign in as `<site-slug>/<id>` (e.g.
`yongin-library/staff`); a platform superuser signs in with the bare ID. JWT logins go through
`domain.members.services.member_authenticate` instead, which also applies lockout.
"""

from django.contrib.auth.backends import ModelBackend

from .models import Member


class SiteMemberBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or not password:
            return None
        from domain.common.errors import DomainError
        from domain.members.services import member_authenticate  # avoid an import cycle
        from domain.sites.selectors import site_get

        slug, sep, login_id = username.partition("/")
        if not sep:
            member = Member.objects.filter(site__isnull=True, username=username).first()
            if member and member.check_password(password) and member.is_active:
                return member
            Member().set_password(password)  # same work whether or not the ID exists
            return None
        try:
            site = site_get(slug=slug)
            return member_authenticate(site=site, username=login_id, password=password)
        except DomainError:
            return None

    def user_can_authenticate(self, user):
        return super().user_can_authenticate(user) and user.status == Member.Status.ACTIVE
