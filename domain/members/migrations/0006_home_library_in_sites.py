"""`home_library` points at the branch list's new owner, sites (the same table). State only."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0005_status_labels"),
        ("sites", "0006_librarybranch"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="member",
                    name="home_library",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="sites.librarybranch",
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
