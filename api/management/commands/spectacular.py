"""drf-spectacular's command, in English unless `--lang` says otherwise.

The committed schema.yml must not depend on the active language (LANGUAGE_CODE is "ko"), so
`manage.py spectacular` gives the same file whoever runs it. `api` is listed before
`drf_spectacular` in INSTALLED_APPS so this command is the one Django finds.
"""

from drf_spectacular.management.commands.spectacular import Command as SpectacularCommand


class Command(SpectacularCommand):
    def handle(self, *args, **options):
        options["lang"] = options.get("lang") or "en"
        return super().handle(*args, **options)
