# The MMS image of an outbox message is a private storage name, read through the storage by
# the worker that sends it (domain.common.uploads); the stored values already were such names.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("messaging", "0004_claim_token"),
    ]

    operations = [
        migrations.RenameField(
            model_name="outboxmessage",
            old_name="image_path",
            new_name="image",
        ),
        migrations.AlterField(
            model_name="outboxmessage",
            name="image",
            field=models.CharField(
                blank=True,
                help_text="MMS image (JPG): its private storage name.",
                max_length=255,
            ),
        ),
    ]
