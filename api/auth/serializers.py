from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework_simplejwt.exceptions import InvalidToken, TokenError
from rest_framework_simplejwt.serializers import TokenRefreshSerializer

from api.authentication import SiteRefreshToken
from api.serializers import RegexField, TextField


class LoginSerializer(serializers.Serializer):
    username = TextField(max_length=150)
    password = TextField(max_length=128, style={"input_type": "password"}, trim_whitespace=False)


class TokenPairSerializer(serializers.Serializer):
    access = serializers.CharField(help_text="Access token, valid 15 minutes.")
    refresh = serializers.CharField(help_text="Refresh token, valid 1 day, rotated on use.")
    password_change_required = serializers.BooleanField(
        required=False,
        help_text="True after a password reset: only members/me/password/ works until changed.",
    )


class LoginAnswerSerializer(serializers.Serializer):
    """Either a token pair, or (onnuri-biz) the SMS second step to complete."""

    access = serializers.CharField(required=False)
    refresh = serializers.CharField(required=False)
    password_change_required = serializers.BooleanField(required=False)
    otp_required = serializers.BooleanField(required=False)
    verification_id = serializers.UUIDField(
        required=False, help_text="Post it with the texted code to auth/token/otp/."
    )
    expires_at = serializers.DateTimeField(required=False)


class LoginOtpSerializer(serializers.Serializer):
    verification_id = serializers.UUIDField()
    code = RegexField(r"^\d{6}$", max_length=6)


def refresh_token_for_site(raw: str, site_slug: str) -> SiteRefreshToken:
    """Parse a refresh token and check it was issued for this site (else 401)."""
    try:
        token = SiteRefreshToken(raw)
    except TokenError as exc:
        raise InvalidToken(exc.args[0])
    if token.get("site") != site_slug:
        raise InvalidToken(_("This token was issued for another site."))
    return token


class SiteTokenRefreshSerializer(TokenRefreshSerializer):
    """simplejwt's rotation with blacklist, refusing a refresh token of another site."""

    token_class = SiteRefreshToken
    refresh = TextField()

    def validate(self, attrs):
        refresh_token_for_site(attrs["refresh"], self.context["site"].slug)
        return super().validate(attrs)


class LogoutSerializer(serializers.Serializer):
    refresh = TextField()
