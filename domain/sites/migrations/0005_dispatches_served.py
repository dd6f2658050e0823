"""onnuri-biz advertises `dispatches` now that its endpoints exist (SPEC §7.4)."""

from django.db import migrations

from domain.sites.feature_migrations import feature_served


class Migration(migrations.Migration):
    dependencies = [("sites", "0004_purchases_served")]

    operations = [
        migrations.RunPython(feature_served({"onnuri-biz": "dispatches"}), migrations.RunPython.noop)
    ]
