from rest_framework import serializers

from domain.sites.models import Site
from domain.sites.policy import CHARACTER_CLASS_SCHEMES


class MemberKindSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    label_en = serializers.CharField()
    min_age = serializers.IntegerField(allow_null=True)
    max_age = serializers.IntegerField(allow_null=True)
    requires_guardian = serializers.BooleanField()
    required_fields = serializers.ListField(child=serializers.CharField())
    optional_fields = serializers.ListField(child=serializers.CharField())


class UsernameRuleSerializer(serializers.Serializer):
    pattern = serializers.CharField(help_text="Regular expression the (folded) ID must match.")
    min_length = serializers.IntegerField()
    max_length = serializers.IntegerField()
    case_insensitive = serializers.BooleanField(
        help_text="IDs are stored and matched in lower case."
    )
    description = serializers.CharField()
    description_en = serializers.CharField()


class PasswordAlternativeSerializer(serializers.Serializer):
    min_length = serializers.IntegerField()
    min_classes = serializers.IntegerField()


class PasswordRuleSerializer(serializers.Serializer):
    min_length = serializers.IntegerField()
    max_length = serializers.IntegerField()
    class_scheme = serializers.CharField(
        help_text="`separate_case`: upper, lower, digit, special are 4 classes; `letters`: "
        "letter, digit, special are 3 classes."
    )
    character_classes = serializers.SerializerMethodField()
    alternatives = PasswordAlternativeSerializer(
        many=True, help_text="The password is valid when any alternative is met."
    )
    allowed_specials = serializers.CharField(
        allow_null=True, help_text="Only these specials are allowed; null: any."
    )
    description = serializers.CharField()
    description_en = serializers.CharField()

    def get_character_classes(self, rule) -> list[str]:
        return list(CHARACTER_CLASS_SCHEMES[rule.class_scheme])


class LockoutSerializer(serializers.Serializer):
    max_failures = serializers.IntegerField()
    lock_minutes = serializers.IntegerField()


class PolicySerializer(serializers.Serializer):
    member_kinds = MemberKindSerializer(many=True)
    username = UsernameRuleSerializer()
    password = PasswordRuleSerializer()
    verification = serializers.DictField(
        child=serializers.DictField(
            child=serializers.ListField(child=serializers.ListField(child=serializers.CharField()))
        ),
        help_text="member kind → purpose → alternative sequences of verification methods.",
    )
    login_second_factor = serializers.CharField(allow_null=True)
    sns_providers = serializers.ListField(child=serializers.CharField())
    lockout = LockoutSerializer()
    username_retention_days = serializers.IntegerField()
    features = serializers.ListField(child=serializers.CharField())


class SiteSerializer(serializers.ModelSerializer):
    policy = serializers.SerializerMethodField()

    class Meta:
        model = Site
        fields = ["slug", "name", "name_en", "policy"]

    def get_policy(self, site) -> PolicySerializer:
        return PolicySerializer(site.rules).data


class SiteLinkSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    name_en = serializers.CharField()
    url = serializers.URLField(help_text="The site's policy; its endpoints live under it.")


class ApiRootSerializer(serializers.Serializer):
    """Where to start: the sites and the contract (SPEC §11)."""

    sites = SiteLinkSerializer(many=True)
    schema = serializers.URLField(help_text="The OpenAPI schema (schema.yml).")
    docs = serializers.URLField(help_text="Swagger UI.")
    redoc = serializers.URLField(help_text="ReDoc.")
    health = serializers.URLField(help_text="Liveness and readiness.")
