"""Bodies of the corporate members menu, invitations and 내 정보 (SPEC §7.1, §11, §13)."""

from rest_framework import serializers

from api.members.account_serializers import VerificationTokenField, password_field
from api.members.signup_serializers import ConsentAnswerSerializer
from api.serializers import EmailField, TextField
from domain.common.masking import mask_name, mask_phone
from domain.corporates.corporate_admins import ADMIN, INVITATION, EntryStatus
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
        help_text="The entry's id, fixed for its whole life: `invitation-<n>` for an entry that "
        "began as an invitation (it keeps the id once accepted, as the admin it became, and "
        "after the admin leaves), `admin-<n>` for the master who signed the company up. Use "
        "it in the paths of this menu."
    )
    kind = serializers.ChoiceField(
        choices=[ADMIN, INVITATION], help_text="What the entry is now: an admin or an invitation."
    )
    role = serializers.ChoiceField(choices=CorporateManager.Role.choices)
    department = serializers.CharField()
    position = serializers.CharField()
    name = MaskedField(mask_name, help_text="Masked: 김정*.")
    mobile = MaskedField(mask_phone, help_text="Masked: 0104****190; blank once withdrawn.")
    status = serializers.ChoiceField(
        choices=EntryStatus.choices,
        help_text="`invited` (미가입), `active` (shows `last_access`), `suspended`, `withdrawn` "
        "(탈퇴: the admin left), `deleted` (삭제: the master deleted the account). Withdrawn "
        "and deleted entries keep the masked name and have no actions.",
    )
    status_label = serializers.CharField(
        help_text="The status as shown, in the request's language (미가입, 탈퇴, 삭제, ...)."
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
    name = TextField(max_length=100)
    department = TextField(max_length=100)
    position = TextField(max_length=100)
    mobile = TextField(max_length=20, help_text="Korean mobile; dashes allowed.")


class MasterTransferSerializer(serializers.Serializer):
    admin_id = TextField(
        max_length=40, help_text="The new master's id in the members list (`admin-<n>`)."
    )


class MasterTransferResultSerializer(serializers.Serializer):
    master = CorporateMemberEntrySerializer(help_text="The new master.")


class InvitationSerializer(serializers.Serializer):
    """What the join page shows before the invitee signs up: only what the invitee may know.
    Not the company's name or number: the invitee proves knowing them (manual 004 §1.2)."""

    inviter_name = MaskedField(mask_name, help_text="Who invited (the master), masked: 홍길*.")
    department = serializers.CharField(help_text="Pre-fills the join form.")
    position = serializers.CharField(help_text="Pre-fills the join form.")
    expires_at = serializers.DateTimeField(help_text="When the invitation expires.")


class InvitationAcceptSerializer(serializers.Serializer):
    """관리자 추가 가입 (manual 004 §1.2), by the link's token or without it: the same form."""

    company_name = TextField(
        max_length=100, trim_whitespace=False, help_text="상호명, exactly as the company's."
    )
    business_number = TextField(max_length=12, help_text="10 digits, dashes ok.")
    department = TextField(
        max_length=100, required=False, allow_blank=True, help_text="Blank: the invitation's."
    )
    position = TextField(
        max_length=100, required=False, allow_blank=True, help_text="Blank: the invitation's."
    )
    email = EmailField()
    username = TextField(max_length=150)
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

    position = TextField(max_length=100, required=False)
    email = EmailField(required=False)
    mobile = TextField(
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
