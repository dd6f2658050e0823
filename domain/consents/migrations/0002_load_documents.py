"""Load the sites' version-1 consent documents from domain.consents.documents (idempotent)."""

from django.db import migrations

from domain.consents.documents import DOCUMENTS, EFFECTIVE_AT, VERSION


def load_documents(apps, schema_editor):
    Site = apps.get_model("sites", "Site")
    ConsentDocument = apps.get_model("consents", "ConsentDocument")
    for slug, documents in DOCUMENTS.items():
        site = Site.objects.filter(slug=slug).first()
        if site is None:
            continue
        for position, document in enumerate(documents, start=1):
            fields = dict(document)
            code = fields.pop("code")
            ConsentDocument.objects.get_or_create(
                site=site,
                code=code,
                version=VERSION,
                defaults={**fields, "position": position, "effective_at": EFFECTIVE_AT},
            )


class Migration(migrations.Migration):
    dependencies = [("consents", "0001_initial"), ("sites", "0002_load_sites")]

    operations = [migrations.RunPython(load_documents, migrations.RunPython.noop)]
