"""`manage.py import_products FILE.csv [--dry-run]`: create or update products by sku."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from catalog.imports import COLUMNS, HeaderError, products_import


class Command(BaseCommand):
    help = (
        "Create or update products by sku from a CSV file with a header line. Columns: "
        + ", ".join(COLUMNS)
        + ". Category and pet type by slug or name; images: photo files separated by '|', "
        "relative to the CSV's folder (they replace the product's photos). Bad rows are reported with their line "
        "number and skipped; the good ones are imported."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV file (UTF-8), first line a header")
        parser.add_argument(
            "--dry-run", action="store_true", help="check every row, change nothing"
        )

    def handle(self, *args, file: str, dry_run: bool, **options):
        try:
            with open(file, encoding="utf-8-sig", newline="") as handle:
                report = products_import(
                    lines=handle, dry_run=dry_run, base_dir=Path(file).resolve().parent
                )
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from error
        except (HeaderError, UnicodeDecodeError) as error:
            raise CommandError(f"{file}: {error}") from error
        for line, reason in report.errors:
            self.stderr.write(f"{file}:{line}: {reason}")
        verb = "would be" if dry_run else "were"
        self.stdout.write(
            f"{report.created} products {verb} created, {report.updated} {verb} updated, "
            f"{len(report.errors)} rows rejected."
            + (" Dry run: nothing was changed." if dry_run else "")
        )
        if report.errors:
            raise CommandError(f"{len(report.errors)} rows rejected (see above).", returncode=1)
