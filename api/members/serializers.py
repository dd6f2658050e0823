from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.library.serializers import LibraryStateSerializer
from api.serializers import FieldsOnceMixin, TextField
from domain.common.caching import MISSING, tagged_get, tagged_set
from domain.library.selectors import library_state
from domain.members.models import Member


class AddressSerializer(serializers.Serializer):
    postal_code = TextField(max_length=10, allow_blank=True)
    road = TextField(max_length=200, allow_blank=True)
    detail = TextField(max_length=200, allow_blank=True)


# How long a rendered library block can outlive a change made around the models (raw SQL); every
# change through them shows at once (domain.library.models.library_state_changed).
LIBRARY_BLOCK_SECONDS = 600


class MemberProfileSerializer(FieldsOnceMixin, serializers.ModelSerializer):
    site = serializers.CharField(source="site.slug", read_only=True)
    # Declared: a read-only model field loses `blank`, and a cleared email ("") is allowed.
    email = serializers.EmailField(read_only=True, allow_blank=True)
    address = serializers.SerializerMethodField()
    library = serializers.SerializerMethodField(
        help_text="yongin-library: membership level, card number and loan limit; else null."
    )

    class Meta:
        model = Member
        fields = [
            "id",
            "site",
            "username",
            "kind",
            "name",
            "birth_date",
            "gender",
            "nationality",
            "mobile",
            "email",
            "landline",
            "address",
            "home_library",
            "status",
            "library",
            "created_at",
        ]
        read_only_fields = fields

    def get_address(self, member) -> AddressSerializer:
        return {
            "postal_code": member.postal_code,
            "road": member.address_road,
            "detail": member.address_detail,
        }

    @extend_schema_field(LibraryStateSerializer(allow_null=True))
    def get_library(self, member):
        if member.kind == "staff" or "library_upgrades" not in member.site.rules.features:
            return None
        # Rendered once and kept across requests, tagged with the member's `updated_at` that
        # the authentication has just read and every library change bumps: `members/me/` then
        # reads the member only, as the bare view does.
        key, tag = f"library:block:{member.pk}", member.updated_at.isoformat()
        block = tagged_get(key, tag)
        if block is MISSING:
            block = LibraryStateSerializer(library_state(member)).data
            block = {**block, "mobile_card": block["mobile_card"] and dict(block["mobile_card"])}
            tagged_set(key, tag, block, seconds=LIBRARY_BLOCK_SECONDS)
        return block
