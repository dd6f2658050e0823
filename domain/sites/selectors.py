from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from domain.common.errors import NotFound

from .errors import SiteErrorCode
from .models import Site


def site_list() -> QuerySet[Site]:
    return Site.objects.filter(is_active=True)


def site_get(*, slug: str) -> Site:
    """The active site with this slug; NotFound otherwise (an unknown site is a 404)."""
    site = site_list().filter(slug=slug).first()
    if site is None:
        raise NotFound(SiteErrorCode.SITE_NOT_FOUND, _("No such site."))
    return site
