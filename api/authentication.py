"""Authentication that keeps every caller inside one site (SPEC §5, §11).

A JWT carries the site it was issued for (`site` claim); a request to another site's path gets
401 `token_site_mismatch`. A session (browsable API, admin) only counts on its own site's paths.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import SessionAuthentication
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import InvalidToken
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.tokens import RefreshToken

from domain.common.errors import CommonErrorCode
from domain.members.errors import MemberErrorCode
from domain.members.models import Member


def url_site(request) -> str | None:
    context = getattr(request, "parser_context", None) or {}
    return (context.get("kwargs") or {}).get("site")


class SiteRefreshToken(RefreshToken):
    @classmethod
    def for_member(cls, member: Member) -> "SiteRefreshToken":
        token = cls.for_user(member)
        token["site"] = member.site_slug
        return token


class SiteJWTAuthentication(JWTAuthentication):
    def authenticate(self, request):
        result = super().authenticate(request)
        if result is None:
            return None
        member, token = result
        token_site = token.get("site")
        path_site = url_site(request)
        if token_site != member.site_slug or (path_site and path_site != token_site):
            raise exceptions.AuthenticationFailed(
                _("This token was issued for another site."),
                code=CommonErrorCode.TOKEN_SITE_MISMATCH,
            )
        return member, token

    def get_user(self, validated_token):
        """simplejwt's lookup, with the site in the same query: the site check above and the
        view (`SiteScopedMixin.site`) read it, so a request loads the Site row once."""
        try:
            member_id = validated_token[api_settings.USER_ID_CLAIM]
        except KeyError:
            raise InvalidToken(_("Token contained no recognizable user identification"))
        member = (
            Member.objects.select_related("site")
            .filter(**{api_settings.USER_ID_FIELD: member_id})
            .first()
        )
        if member is None:
            raise exceptions.AuthenticationFailed(
                _("User not found"), code=CommonErrorCode.USER_NOT_FOUND
            )
        if not member.is_active:
            raise exceptions.AuthenticationFailed(
                _("User is inactive"), code=CommonErrorCode.USER_INACTIVE
            )
        if member.status != Member.Status.ACTIVE:
            raise exceptions.AuthenticationFailed(
                _("The account cannot log in."), code=MemberErrorCode.ACCOUNT_INACTIVE
            )
        return member


class SiteSessionAuthentication(SessionAuthentication):
    def authenticate(self, request):
        result = super().authenticate(request)
        if result is None:
            return None
        member = result[0]
        if not member.is_staff:  # sessions are for operators (domain.members.backends)
            return None
        path_site = url_site(request)
        if path_site and not member.is_superuser and member.site_slug != path_site:
            return None
        return result


class NoAuthentication:
    """For endpoints that take credentials in the body (login, refresh, logout).

    It authenticates nobody, but names the Bearer scheme so DRF answers 401 (not 403) when the
    body's token is refused.
    """

    def authenticate(self, request):
        return None

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="api"'
