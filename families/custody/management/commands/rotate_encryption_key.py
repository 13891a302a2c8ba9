"""manage.py rotate_encryption_key: re-encrypt all data under the first CPR_ENCRYPTION_KEY.

Procedure (README, key custody): put the new key first and keep the old ones after it,
CPR_ENCRYPTION_KEY="new,old"; restart; run this command; then remove the old key.
"""

from django.core.management.base import BaseCommand, CommandError

from families.custody.keys import check_keys, rotate


class Command(BaseCommand):
    help = "Re-encrypt CPR numbers, documents and pending imports under the first key."

    def handle(self, *args, **options):
        result = check_keys()
        if not result.ok:
            raise CommandError(
                "The configured keys do not match the stored data ("
                + ", ".join(result.problems)
                + "): keep the old key in CPR_ENCRYPTION_KEY after the new one."
            )
        counts = rotate()
        self.stdout.write("Re-encrypted: " + ", ".join(f"{name} {n}" for name, n in counts.items()))
