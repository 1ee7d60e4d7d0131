# Runs once, when the database volume is first created, as the server's superuser
# (POSTGRES_USER, whose password only .env.db holds). It makes the role the app signs
# in as, APP_DB_USER: owner of the app's database and nothing more. It cannot create
# roles, read other roles' passwords or run programs on the server, so that a flaw in
# the app cannot reach beyond its own data. APP_DB_CREATEDB=true, which only
# docker-compose.override.yml sets, lets it create the test database that pytest needs.
# The image sources this file, without running it: keep it a plain sh script.
if [ "${APP_DB_CREATEDB:-false}" = true ]; then app_db_createdb=CREATEDB; else app_db_createdb=NOCREATEDB; fi
psql --no-psqlrc --set ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
    --set app_user="$APP_DB_USER" --set app_password="$APP_DB_PASSWORD" \
    --set app_db="$POSTGRES_DB" --set createdb="$app_db_createdb" <<'SQL'
CREATE ROLE :"app_user" LOGIN PASSWORD :'app_password'
    NOSUPERUSER NOCREATEROLE NOREPLICATION NOBYPASSRLS :createdb;
-- The owner of a database also owns its public schema, where Django creates its tables.
ALTER DATABASE :"app_db" OWNER TO :"app_user";
-- Only the app's role, and the superuser, may connect to the app's database.
REVOKE ALL ON DATABASE :"app_db" FROM PUBLIC;
SQL
unset app_db_createdb
