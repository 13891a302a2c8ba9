"""manage.py import_comparison {cohort,outcomes} FILE [--dry-run] [--json]

The comparison cohort's two imports (issue 15): the cohort (the target-group CSV contract)
and the register outcomes (`cpr, date, status`). Prints the report; never a CPR number.
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from bi18.lib.csvfile import ImportFileError
from budget.evaluation.importer import comparison_cohort_import, comparison_outcomes_import


class Command(BaseCommand):
    help = "Import the comparison cohort or its register outcomes from CSV (dry run first)."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=["cohort", "outcomes"])
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="Validate and report only.")
        parser.add_argument("--json", action="store_true", help="Print the report as JSON.")

    def handle(self, *args, kind, file, dry_run, **options):
        try:
            data = Path(file).read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}") from None
        run = comparison_cohort_import if kind == "cohort" else comparison_outcomes_import
        try:
            report = run(data=data, dry_run=dry_run, actor_username="manage.py import_comparison")
        except ImportFileError as exc:
            raise CommandError(exc.message) from None
        result = report.as_dict()
        if options["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False))
            return
        if dry_run:
            self.stdout.write("Dry run: nothing was written.")
        for key, value in result.items():
            if not isinstance(value, list):
                self.stdout.write(f"{key}: {value}")
        for item in result["rejected"]:
            self.stdout.write(f"  row {item['row']}, {item['field']}: {item['message']}")
