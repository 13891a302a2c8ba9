#!/bin/sh
# docker-compose: creates the application's role when the database volume is first
# initialised (postgres image: /docker-entrypoint-initdb.d). POSTGRES_USER owns the
# database and runs the migrations; the app connects as bi18_app.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
    -v app_role=bi18_app -v app_password="$POSTGRES_APP_PASSWORD" -v db="$POSTGRES_DB" \
    -f /bi18-postgres/app_role.sql
