"""manage.py check_cpr_keys: exit 1 if the CPR keys do not match the stored fingerprint
(stored on first use, as after every migrate)."""

from django.core.management.base import BaseCommand, CommandError

from families.custody.keys import store_fingerprint


class Command(BaseCommand):
    help = "Check CPR_HASH_KEY and CPR_ENCRYPTION_KEY against the stored key fingerprint."

    def handle(self, *args, **options):
        result = store_fingerprint()  # stores the fingerprint if none is stored yet
        if not result.ok:
            raise CommandError("Wrong key(s) for this database: " + ", ".join(result.problems))
        self.stdout.write("CPR keys match the stored fingerprint.")
