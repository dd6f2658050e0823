"""onnuri-biz advertises `purchases` again now that its endpoints exist (SPEC §7.3)."""

from django.db import migrations

from domain.sites.feature_migrations import feature_served


class Migration(migrations.Migration):
    dependencies = [("sites", "0003_features_served")]

    operations = [
        migrations.RunPython(feature_served({"onnuri-biz": "purchases"}), migrations.RunPython.noop)
    ]
