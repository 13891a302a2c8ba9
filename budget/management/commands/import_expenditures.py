"""manage.py import_expenditures FILE [--dry-run] [--json]: the expenditure CSV import."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from bi18.lib.csvfile import ImportFileError
from budget.importer import expenditure_import


class Command(BaseCommand):
    help = (
        "Import expenditures from a CSV file (columns date; amount; line; activity; category; "
        "optional case_number; note; reference). Re-importing the same rows adds nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="validate only; write nothing")
        parser.add_argument("--json", action="store_true", help="print the report as JSON")

    def handle(self, *args, file, dry_run, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {file}")
        try:
            report = expenditure_import(data=path.read_bytes(), actor=None, dry_run=dry_run)
        except ImportFileError as e:
            raise CommandError(e.message) from None
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False))
            return
        verb = "Would import" if dry_run else "Imported"
        self.stdout.write(
            f"{verb} {report.created} expenditure(s), {report.total_amount:,.2f} DKK; "
            f"{report.already_imported} already imported; "
            f"{len({r['row'] for r in report.rejected})} row(s) rejected."
        )
        for r in report.rejected:
            self.stdout.write(f"  row {r['row']}, {r['field']}: {r['message']}")
