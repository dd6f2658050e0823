"""The stored policies advertise only served features (SPEC §2).

onnuri-biz listed `purchases` and `dispatches` before they existed and lacked `signup_manual`
(manual 004's 매뉴얼 다운로드). Issues 10/11 add the two back with their endpoints.
"""

from django.db import migrations

UNSERVED = ("purchases", "dispatches")
MANUAL_SITES = ("onnuri-biz",)


def features_served(apps, schema_editor):
    Site = apps.get_model("sites", "Site")
    for site in Site.objects.order_by("pk"):
        features = list(site.policy.get("features", []))
        served = [f for f in features if f not in UNSERVED]
        if site.slug in MANUAL_SITES and "signup_manual" not in served:
            served.append("signup_manual")
        if served != features:
            site.policy["features"] = served
            site.save(update_fields=["policy", "updated_at"])


class Migration(migrations.Migration):
    dependencies = [("sites", "0002_load_sites")]

    operations = [migrations.RunPython(features_served, migrations.RunPython.noop)]
