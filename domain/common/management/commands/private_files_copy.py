"""`manage.py private_files_copy`: a deployment that kept its private files on one machine's
disk (PRIVATE_MEDIA_ROOT) moves them into the bucket it now uses (PRIVATE_STORAGE_BUCKET), so it
can run on more than one machine (docs "Deployment", private files). Idempotent and resumable;
every copy verified by its size."""

from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.core.management.base import BaseCommand, CommandError

from domain.common.uploads import StorageUnavailable, private_files_copy, private_storage


class Command(BaseCommand):
    help = (
        "Copy the private files kept on this machine's disk (PRIVATE_MEDIA_ROOT, or --from) "
        "into the private storage (the PRIVATE_STORAGE_BUCKET bucket), under the same names. "
        "Files already there with the same size are skipped: run it again to resume."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--from",
            dest="source",
            type=Path,
            default=None,
            help="the directory the files are in (default: PRIVATE_MEDIA_ROOT)",
        )

    def handle(self, *args, source: Path | None, **options):
        root = Path(source or settings.PRIVATE_MEDIA_ROOT).resolve()
        if not root.is_dir():
            raise CommandError(f"No directory at {root}.")
        target = private_storage()
        if isinstance(target, FileSystemStorage) and Path(target.location).resolve() == root:
            raise CommandError(
                "The private storage is this very directory: set PRIVATE_STORAGE_BUCKET (and "
                "the AWS_* variables) to the bucket the files go to, then run this again."
            )
        counts = {"copied": 0, "present": 0, "mismatch": 0}
        try:
            for copied in private_files_copy(source=FileSystemStorage(location=root)):
                counts[copied.outcome] += 1
                if copied.outcome != "present":
                    self.stdout.write(f"{copied.outcome:<8} {copied.name} ({copied.size} bytes)")
        except StorageUnavailable:
            raise CommandError(
                f"The private storage stopped answering after {counts['copied']} copied: run "
                "this again to resume."
            ) from None
        finally:
            self.stdout.write(
                f"{counts['copied']} copied, {counts['present']} already there, "
                f"{counts['mismatch']} with another size after copying."
            )
        if counts["mismatch"]:
            raise CommandError("Some copies do not have their file's size: run this again.")
