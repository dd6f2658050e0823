"""Create the four sites of SPEC §1 with their SPEC §2 policies (idempotent)."""

from django.db import migrations

from domain.sites.catalogue import SITES
from domain.sites.policy import SitePolicy


def load_sites(apps, schema_editor):
    Site = apps.get_model("sites", "Site")
    for definition in SITES:
        SitePolicy.parse(definition["policy"])
        Site.objects.get_or_create(
            slug=definition["slug"],
            defaults={
                "name": definition["name"],
                "name_en": definition["name_en"],
                "policy": definition["policy"],
            },
        )


class Migration(migrations.Migration):
    dependencies = [("sites", "0001_initial")]

    operations = [migrations.RunPython(load_sites, migrations.RunPython.noop)]
