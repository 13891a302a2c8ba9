-- The PostgreSQL role the application runs as: it owns nothing, may not create
-- objects, and (once `migrate` has run with DATABASE_APP_ROLE set) may only read and
-- append to the audit log. Run once per database as a superuser (or a role with
-- CREATEROLE that owns the database); idempotent, so running it again resets the password.
--
--   psql -v ON_ERROR_STOP=1 -v app_role=bi18_app -v app_password='...' -v db=bi18 \
--        -d bi18 -f scripts/postgres/app_role.sql
--
-- Used by docker-compose (scripts/postgres/initdb-app-role.sh) and by .ci/run.
\set ON_ERROR_STOP on

SELECT format('CREATE ROLE %I LOGIN', :'app_role')
WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'app_role') \gexec

SELECT format(
    'ALTER ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD %L',
    :'app_role', NULLIF(:'app_password', '')
) \gexec

SELECT format('GRANT CONNECT ON DATABASE %I TO %I', :'db', :'app_role') \gexec
-- Nobody but the owner creates tables, functions or types in the schema.
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
SELECT format('GRANT USAGE ON SCHEMA public TO %I', :'app_role') \gexec
