"""manage.py import_target_group FILE [--dry-run] [--cohort NAME] [--json]

Prints the import report; never a CPR number. Rejected rows do not make the command
fail (exit code 0): the report lists them. An unreadable file is a CommandError.
"""

import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError
from django.utils.translation import gettext as _

from bi18.lib.errors import ServiceError
from families.importer import ImportFileError, target_group_import


class Command(BaseCommand):
    help = "Import the target group from a CSV register extract (dry run first)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV file: comma or semicolon, UTF-8 or Windows-1252")
        parser.add_argument(
            "--dry-run", action="store_true", help="Validate and report; write nothing."
        )
        parser.add_argument("--cohort", default="", help="Cohort of the families created/updated.")
        parser.add_argument(
            "--coordinator",
            default="",
            help="User name of the family caseworker who coordinates every family without one "
            "(unless the file's coordinator column names one). Takes effect when an "
            "administrator approves it.",
        )
        parser.add_argument(
            "--json", action="store_true", help="Print the report as one JSON object."
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise CommandError(_("File not found: %(file)s") % {"file": path}) from None
        except IsADirectoryError:
            raise CommandError(_("%(file)s is a directory, not a file.") % {"file": path}) from None
        except OSError as exc:
            raise CommandError(
                _("Cannot read %(file)s: %(reason)s") % {"file": path, "reason": exc.strerror}
            ) from None
        cohort = options["cohort"].strip()
        if len(cohort) > 40:
            raise CommandError(_("The cohort name is longer than 40 characters."))
        coordinator = None
        if options["coordinator"]:
            coordinator = get_user_model().objects.filter(username=options["coordinator"]).first()
            if coordinator is None:
                raise CommandError(
                    _("No user has the user name %(name)s.") % {"name": options["coordinator"]}
                )
        try:
            report = target_group_import(
                data=data,
                cohort=cohort,
                dry_run=options["dry_run"],
                actor_username="manage.py import_target_group",
                default_coordinator=coordinator,
            )
        except ImportFileError as exc:
            raise CommandError(exc.message) from None
        except ServiceError as exc:
            raise CommandError(str(exc)) from None
        except IntegrityError:
            raise CommandError(
                _(
                    "Families were registered at the same time as the import; nothing was imported. Run the import again."
                )
            ) from None

        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False))
            return
        self._summary(report, dry_run=options["dry_run"])

    def _summary(self, report, *, dry_run: bool) -> None:
        out = self.stdout.write
        if dry_run:
            out(_("Dry run: nothing was written."))
        out(_("Rows read: %(n)d") % {"n": report.rows_read})
        out(_("Families created: %(n)d") % {"n": report.families_created})
        out(_("Families updated: %(n)d") % {"n": report.families_updated})
        out(_("People created: %(n)d") % {"n": report.people_created})
        out(_("People updated: %(n)d") % {"n": report.people_updated})
        out(_("Excluded (not enrolled): %(n)d") % {"n": len(report.excluded)})
        out(
            _("Coordinators assigned (awaiting an administrator's approval): %(n)d")
            % {"n": report.coordinators_assigned}
        )
        if report.without_coordinator:
            out(
                self.style.WARNING(
                    _("Families without a coordinator: %(n)d") % {"n": report.without_coordinator}
                )
            )
        for item in report.excluded:
            out(_("  row %(row)d: %(reason)s") % item)
        if report.rejected:
            out(
                self.style.WARNING(
                    _("Rejected rows: %(n)d (not imported)") % {"n": report.rejected_rows}
                )
            )
            for item in report.rejected:
                out(_("  row %(row)d, %(field)s: %(message)s") % item)
        else:
            out(_("Rejected rows: 0"))
