"""Single sign-on through the municipality's OpenID Connect provider (SPEC §10 "Identity").

client.py speaks the protocol (Authlib), services.py turns verified claims into a user with
roles, views.py holds the log-in, callback and log-out views.
"""
