"""manage.py backup_verify: check that a (restored) system works.

--counts-only   print the row counts as JSON (scripts/backup stores them)
--expect FILE   compare the row counts with a backup's counts.json
--cpr NUMBER    one CPR search (keyed hash) must find a person, whose CPR number decrypts
--document ID   one document must decrypt to its recorded SHA-256
Also checks the CPR keys against the stored fingerprint. Exit status 1 on any failure;
no CPR number or name is printed.
"""

import hashlib
import json
from pathlib import Path

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError

from families.cpr import cpr_hash, decrypt_cpr, parse_cpr
from families.custody.keys import check_keys

COUNTED = (
    "families.family",
    "families.person",
    "families.networkmember",
    "records.note",
    "records.document",
    "consent.sharingbasis",
    "history.changerecord",
    "networkgroup.goal",
    "networkgroup.meeting",
    "employment.employmenttrack",
    "employment.internship",
    "youth.youthtrack",
    "youth.enrolment",
    "budget.expenditure",
    "audit.auditevent",
)


def row_counts() -> dict[str, int]:
    return {label: apps.get_model(label).objects.count() for label in COUNTED}


class Command(BaseCommand):
    help = "Check a restored system: row counts, CPR keys, one CPR search, one document."

    def add_arguments(self, parser):
        parser.add_argument("--counts-only", action="store_true")
        parser.add_argument("--expect", help="counts.json written by scripts/backup")
        parser.add_argument("--cpr", help="a CPR number that must be found")
        parser.add_argument("--document", type=int, help="a document id that must decrypt")

    def handle(self, *args, counts_only, expect, cpr, document, **options):
        counts = row_counts()
        if counts_only:
            self.stdout.write(json.dumps(counts, indent=2, sort_keys=True))
            return
        failures = []
        if expect:
            expected = json.loads(Path(expect).read_text())
            for label, n in expected.items():
                got = counts.get(label)
                mark = "ok" if got == n else "MISMATCH"
                self.stdout.write(f"{label}: {got} (backup: {n}) {mark}")
                if got != n:
                    failures.append(f"row count of {label}")
        keys = check_keys()
        self.stdout.write(f"CPR keys: {'ok' if keys.ok else 'WRONG ' + ', '.join(keys.problems)}")
        if not keys.ok:
            failures.append("CPR keys")
        if cpr:
            from families.models import Person

            person = Person.objects.filter(cpr_hash=cpr_hash(parse_cpr(cpr))).first()
            ok = (
                person is not None
                and decrypt_cpr(person.cpr_encrypted).digits == parse_cpr(cpr).digits
            )
            self.stdout.write(f"CPR search: {'found, decrypts' if ok else 'NOT FOUND'}")
            if not ok:
                failures.append("CPR search")
        if document is not None:
            from families.records import storage
            from families.records.models import Document

            doc = Document.objects.filter(pk=document).first()
            try:
                ok = doc is not None and (
                    hashlib.sha256(storage.load(doc.storage_name)).hexdigest() == doc.sha256
                )
            except Exception:
                ok = False
            self.stdout.write(f"document {document}: {'decrypts, checksum ok' if ok else 'FAILED'}")
            if not ok:
                failures.append("document")
        if failures:
            raise CommandError("restore check failed: " + ", ".join(failures))
        self.stdout.write("restore check passed")
