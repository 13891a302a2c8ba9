"""On PostgreSQL the application's role may read and append to the audit log, never
delete, truncate or change it (bi18.audit.dbroles grants that after every migrate).
Old entries are deleted only through audit_purge_before(), a SECURITY DEFINER
function owned by the migrating role that refuses to touch the last 29 days (a
floor, so that a compromised application cannot wipe recent traces; the app's own
floor is 30 days, the day between is slack for clocks that disagree). SQLite has no roles;
there the retention job deletes through the ORM.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION audit_purge_before(cutoff timestamptz) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    deleted bigint;
BEGIN
    IF cutoff IS NULL OR cutoff > clock_timestamp() - interval '29 days' THEN
        RAISE EXCEPTION 'audit entries of the last 29 days cannot be deleted'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    DELETE FROM public.audit_auditevent WHERE at < cutoff;
    GET DIAGNOSTICS deleted = ROW_COUNT;
    RETURN deleted;
END;
$$;
REVOKE ALL ON FUNCTION audit_purge_before(timestamptz) FROM PUBLIC;
REVOKE UPDATE, DELETE, TRUNCATE, TRIGGER, REFERENCES ON audit_auditevent FROM PUBLIC;
"""

DROP = "DROP FUNCTION IF EXISTS audit_purge_before(timestamptz);"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_audit_search_indexes")]

    operations = [migrations.RunPython(forwards, backwards)]
