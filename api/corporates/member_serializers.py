"""Bodies of the corporate members menu, invitations and 내 정보 (SPEC §7.1, §11, §13)."""

from rest_framework import serializers

from api.members.account_serializers import VerificationTokenField, password_field
from api.members.signup_serializers import ConsentAnswerSerializer
from domain.common.masking import mask_name, mask_phone
from domain.corporates.managers import ADMIN, INVITATION, EntryStatus
from domain.corporates.models import CorporateManager
from domain.members.account import NOT_EDITABLE


class MaskedField(serializers.CharField):
    """A personal value shown masked (SPEC §13 "Masking in lists")."""

    def __init__(self, mask, **kwargs):
        self.mask = mask
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, value) -> str:
        return self.mask(value or "")


class CorporateMemberEntrySerializer(serializers.Serializer):
    id = serializers.CharField(
        help_text="`admin-<n>` for an admin, `invitation-<n>` for an invitation (or the trace "
        "of an invited admin who left); use it in the paths of this menu."
    )
    kind = serializers.ChoiceField(choices=[ADMIN, INVITATION])
    role = serializers.ChoiceField(choices=CorporateManager.Role.choices)
    department = serializers.CharField()
    position = serializers.CharField()
    name = MaskedField(mask_name, help_text="Masked: 김정*.")
    mobile = MaskedField(mask_phone, help_text="Masked: 0104****190; blank once withdrawn.")
    status = serializers.ChoiceField(
        choices=EntryStatus.CHOICES,
        help_text="`invited` (미가입), `active` (shows `last_access`), `suspended`, `withdrawn` "
        "(탈퇴).",
    )
    last_access = serializers.DateTimeField(allow_null=True, help_text="최근 접속 시간.")
    expires_at = serializers.DateTimeField(
        allow_null=True, help_text="Invitations: when the join link stops working."
    )
    expired = serializers.BooleanField(
        allow_null=True, help_text="Invitations: the link has expired (resend it)."
    )
    created_at = serializers.DateTimeField()


class InvitationCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    department = serializers.CharField(max_length=100)
    position = serializers.CharField(max_length=100)
    mobile = serializers.CharField(max_length=20, help_text="Korean mobile; dashes allowed.")


class MasterTransferSerializer(serializers.Serializer):
    admin_id = serializers.CharField(
        max_length=40, help_text="The new master's id in the members list (`admin-<n>`)."
    )


class MasterTransferResultSerializer(serializers.Serializer):
    master = CorporateMemberEntrySerializer(help_text="The new master.")


class InvitationSerializer(serializers.Serializer):
    """What the join page shows before the invitee signs up."""

    company_name = serializers.CharField(source="corporate.name")
    name = MaskedField(mask_name, help_text="The invitee, masked.")
    department = serializers.CharField()
    position = serializers.CharField()
    expires_at = serializers.DateTimeField()


class InvitationAcceptSerializer(serializers.Serializer):
    company_name = serializers.CharField(
        max_length=100, trim_whitespace=False, help_text="상호명, exactly as the company's."
    )
    business_number = serializers.CharField(max_length=12, help_text="10 digits, dashes ok.")
    department = serializers.CharField(
        max_length=100, required=False, allow_blank=True, help_text="Blank: the invitation's."
    )
    position = serializers.CharField(
        max_length=100, required=False, allow_blank=True, help_text="Blank: the invitation's."
    )
    email = serializers.EmailField()
    username = serializers.CharField(max_length=150)
    password = password_field()
    password_confirm = password_field()
    verification_token = VerificationTokenField(
        "purpose invitation",
        help_text="The invitee's mobile verification (purpose `invitation`) of the invited number.",
    )
    consents = ConsentAnswerSerializer(many=True)


class ManagerProfileSerializer(serializers.Serializer):
    """내 정보: the admin's own data, unmasked."""

    username = serializers.CharField(source="member.username")
    name = serializers.CharField(source="member.name")
    mobile = serializers.CharField(source="member.mobile")
    email = serializers.CharField(source="member.email")
    role = serializers.ChoiceField(choices=CorporateManager.Role.choices)
    department = serializers.CharField()
    position = serializers.CharField()
    company_name = serializers.CharField(source="corporate.name")


class ManagerProfileUpdateSerializer(serializers.Serializer):
    """PATCH of 내 정보; every field optional. Name and department are refused by name."""

    position = serializers.CharField(max_length=100, required=False)
    email = serializers.EmailField(required=False)
    mobile = serializers.CharField(
        max_length=20,
        required=False,
        help_text="Optional check: must be the verified number; the verified one is stored.",
    )
    verification_token = VerificationTokenField(
        "purpose profile_update",
        required=False,
        allow_blank=True,
        help_text="Needed to change the mobile: a verification of one's own identity "
        "(purpose profile_update).",
    )

    def to_internal_value(self, data):
        values = super().to_internal_value(data)
        # Carried through so the service refuses them by name (field_not_editable).
        values.update({f: data[f] for f in (*NOT_EDITABLE, "department") if f in data})
        return values
