from datetime import date, timedelta

import factory
from django.utils import timezone

from domain.audit.services import RequestContext
from domain.consents.services import consents_agree_all_required
from domain.members.models import Member
from domain.sites.models import Site

DEFAULT_PASSWORD = "Sunny!Day42"  # satisfies every site's rule (SPEC §2)


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member
        skip_postgeneration_save = True

    site = factory.LazyFunction(lambda: Site.objects.get(slug="yongin-library"))
    username = factory.Sequence(lambda n: f"member{n:04d}")
    kind = factory.LazyAttribute(lambda o: o.site.rules.member_kinds[0].code)
    name = "홍길동"
    birth_date = date(1990, 1, 1)
    gender = Member.Gender.MALE
    mobile = factory.Sequence(lambda n: f"0101000{n:04d}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    status = Member.Status.ACTIVE

    @factory.post_generation
    def password(obj, create, extracted, **kwargs):
        obj.set_password(extracted or DEFAULT_PASSWORD)
        if create:
            obj.save(update_fields=["password"])

    @factory.post_generation
    def consents(obj, create, extracted, **kwargs):
        """Agree to the current required documents unless consents=False."""
        if create and extracted is not False:
            consents_agree_all_required(member=obj, context=RequestContext(), source="sign_up")

    class Params:
        staff = factory.Trait(is_staff=True, kind="staff")
        locked = factory.Trait(
            locked_until=factory.LazyFunction(lambda: timezone.now() + timedelta(minutes=30))
        )
