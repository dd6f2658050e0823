"""The library branch list moves from the library area to sites, its owner (below members, so
sign-up and the profile check a member's choice without reaching up). State only: the table
stays `library_librarybranch`, with its rows."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("sites", "0005_dispatches_served"),
        ("library", "0004_alter_libraryevent_type"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="LibraryBranch",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("code", models.SlugField(max_length=40)),
                        ("name", models.CharField(max_length=60)),
                        ("is_active", models.BooleanField(default=True)),
                        ("sort_order", models.PositiveSmallIntegerField(default=0)),
                        (
                            "site",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="sites.site",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "library_librarybranch",
                        "ordering": ["sort_order", "id"],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("site", "code"), name="library_branch_code_unique"
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
