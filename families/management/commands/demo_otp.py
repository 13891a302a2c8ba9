"""manage.py demo_otp: the current two-factor code of the demo users (their shared, documented
authenticator-app key; see docs/demo-logins.md). Knows no other key: useless for real users."""

from base64 import b32decode

from django.core.management.base import BaseCommand
from django_otp.oath import TOTP

from families.demo.data import DEMO_TOTP_SECRET


class Command(BaseCommand):
    help = "Print the current two-factor code of the demo users (demo key only)."

    def handle(self, *args, **options):
        totp = TOTP(b32decode(DEMO_TOTP_SECRET))
        left = 30 - int(totp.time) % 30
        self.stdout.write(f"{totp.token():06d}  (valid for {left} more seconds)")
