"""Two-factor for local log-ins (SPEC §10 "Identity"): django-otp with an authenticator app
(TOTP) and single-use recovery codes. Enrolment on the first log-in, a code on every log-in;
wrong codes count towards the same lock-out as wrong passwords (django-axes)."""
