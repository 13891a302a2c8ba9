"""Settings for the test suite: production settings with test-only secrets and speed-ups.

DATABASE_URL and REDIS_URL still come from the environment, so CI tests on
PostgreSQL and Redis.
"""

import os
import tempfile

os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-" + "x" * 40)
os.environ.setdefault("CPR_HASH_KEY", "test-only-cpr-hash-key")
os.environ.setdefault("CPR_ENCRYPTION_KEY", "test-only-cpr-encryption-key")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("SECURE_COOKIES", "false")
os.environ.setdefault(
    "STATICFILES_STORAGE", "django.contrib.staticfiles.storage.StaticFilesStorage"
)
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
# Documents of the test run go to a throwaway directory, never into the checkout.
os.environ.setdefault("DOCUMENT_ROOT", tempfile.mkdtemp(prefix="bi18-test-documents-"))

from bi18.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Most tests log in with force_login, which gives no second factor; the two-factor tests and
# the browser journeys (which log in through the form) turn it back on.
TWO_FACTOR_REQUIRED = False
