"""The application's PostgreSQL role (DATABASE_APP_ROLE): what it may do.

Production runs the web app, worker and beat as a role that owns nothing: it may
read and write the application's tables, but only read and append to the audit log.
Migrations run as the owner (docs: deploy/postgres/README.md); after every
`migrate` the owner grants the app role its rights here (post_migrate), so a new
table is never forgotten and the audit log is never given away.
"""

from django.conf import settings
from django.db import connections

AUDIT_TABLE = "audit_auditevent"
PURGE_FUNCTION = "audit_purge_before(timestamptz)"


def grant_app_role(role: str, using: str = "default") -> None:
    """Give `role` the rights the running application needs, and not more. Idempotent.

    Run as the tables' owner. Every table and sequence of the schema: read and write;
    the audit table: SELECT and INSERT only (no UPDATE, DELETE, TRUNCATE; disabling
    its trigger needs ownership); the purge: through the SECURITY DEFINER function.
    """
    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT quote_ident(%s), current_schema()", [role])
        ident, schema = cursor.fetchone()
        schema_ident = connection.ops.quote_name(schema)
        for statement in (
            f"GRANT USAGE ON SCHEMA {schema_ident} TO {ident}",
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema_ident} TO {ident}",
            f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA {schema_ident} TO {ident}",
            f"REVOKE UPDATE, DELETE, TRUNCATE, TRIGGER, REFERENCES ON {AUDIT_TABLE} FROM {ident}",
            f"GRANT EXECUTE ON FUNCTION {PURGE_FUNCTION} TO {ident}",
        ):
            cursor.execute(statement)


def grant_after_migrate(sender, using="default", **kwargs):
    """post_migrate: re-grant the app role (DATABASE_APP_ROLE) after every migrate."""
    role = getattr(settings, "DATABASE_APP_ROLE", "")
    if role:
        grant_app_role(role, using=using)
