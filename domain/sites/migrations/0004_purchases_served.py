"""onnuri-biz advertises `purchases` again now that its endpoints exist (issue 10; SPEC §7.3)."""

from django.db import migrations

SERVED = {"onnuri-biz": "purchases"}


def purchases_served(apps, schema_editor):
    Site = apps.get_model("sites", "Site")
    for site in Site.objects.filter(slug__in=SERVED).order_by("pk"):
        features = list(site.policy.get("features", []))
        if SERVED[site.slug] not in features:
            site.policy["features"] = [*features, SERVED[site.slug]]
            site.save(update_fields=["policy", "updated_at"])


class Migration(migrations.Migration):
    dependencies = [("sites", "0003_features_served")]

    operations = [migrations.RunPython(purchases_served, migrations.RunPython.noop)]
