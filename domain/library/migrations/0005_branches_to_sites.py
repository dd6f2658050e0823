"""The branch list now belongs to sites (sites 0006); its table and rows stay. State only."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("library", "0004_alter_libraryevent_type"),
        ("members", "0006_home_library_in_sites"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="LibraryBranch")],
            database_operations=[],
        ),
    ]
