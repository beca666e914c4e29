#!/usr/bin/env bash
# Start a local PostgreSQL 15 + PostGIS 3 cluster for the store's tests (idempotent; as root).
#
# Installs postgresql-15 and postgresql-15-postgis-3 from Debian when missing, creates the
# cluster "15 test" bound to 127.0.0.1 (port $PETA_UMKM_PG_PORT, default 5433), starts it,
# creates the role and database peta_umkm_test with the postgis extension, and writes
#   TEST_DATABASE_URL=postgresql+psycopg://peta_umkm_test:...@127.0.0.1:PORT/peta_umkm_test
# to .ci/postgis.env (read by tests/conftest.py) and to stdout.
set -euo pipefail
cd "$(dirname "$0")/.."

PORT="${PETA_UMKM_PG_PORT:-5433}"
CLUSTER=test
DB=peta_umkm_test
ROLE=peta_umkm_test
PASSWORD=peta_umkm_test
PACKAGES=(postgresql-15 postgresql-15-postgis-3)
ENV_FILE=.ci/postgis.env

if [[ "$(id -u)" -ne 0 ]]; then
    echo "start-postgis: must run as root (installs packages, manages a cluster)." >&2
    echo "  Without root: start PostgreSQL 15 + PostGIS 3 yourself and export" >&2
    echo "  TEST_DATABASE_URL=postgresql+psycopg://USER:PASS@HOST:PORT/DB (a database where" >&2
    echo "  the user may CREATE SCHEMA, with CREATE EXTENSION postgis done), or set" >&2
    echo "  PETA_UMKM_SKIP_POSTGIS=1 to skip the PostGIS tests (they are reported as skipped)." >&2
    exit 1
fi

# Two test runs starting at once (several engineers, several checkouts) take turns here.
exec 9>/var/lock/peta-umkm-start-postgis.lock
flock 9

if [[ ! -x /usr/lib/postgresql/15/bin/postgres ]] \
    || [[ ! -f /usr/share/postgresql/15/extension/postgis.control ]]; then
    echo "start-postgis: installing ${PACKAGES[*]} ..."
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${PACKAGES[@]}" </dev/null
fi

if ! pg_lsclusters -h | awk '{print $1" "$2}' | grep -qx "15 $CLUSTER"; then
    pg_createcluster 15 "$CLUSTER" --port "$PORT" --encoding UTF8 --locale C.UTF-8 \
        -- --auth-local=peer --auth-host=scram-sha-256 >/dev/null
    # Test cluster: loopback only; durability is not needed, speed is.
    cat >"/etc/postgresql/15/$CLUSTER/conf.d/peta_umkm.conf" <<'CONF'
listen_addresses = '127.0.0.1'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
CONF
fi
PORT="$(pg_conftool -s 15 "$CLUSTER" show port)"

status="$(pg_lsclusters -h | awk -v c="$CLUSTER" '$1 == "15" && $2 == c {print $4}')"
if [[ "$status" != online ]]; then
    # Close the lock's descriptor for the server: a postmaster that inherited it would hold the
    # lock for as long as it runs, and the next test run would wait here forever.
    pg_ctlcluster 15 "$CLUSTER" start 9>&-
fi

psql_admin() { runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 -p "$PORT" "$@"; }

if [[ "$(psql_admin -d postgres -tAc "SELECT 1 FROM pg_roles WHERE rolname = '$ROLE'")" != 1 ]]; then
    psql_admin -d postgres -c "CREATE ROLE $ROLE LOGIN PASSWORD '$PASSWORD'"
fi
if [[ "$(psql_admin -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB'")" != 1 ]]; then
    psql_admin -d postgres -c "CREATE DATABASE $DB OWNER $ROLE ENCODING 'UTF8' TEMPLATE template0"
fi
psql_admin -d "$DB" -c "CREATE EXTENSION IF NOT EXISTS postgis"

URL="postgresql+psycopg://$ROLE:$PASSWORD@127.0.0.1:$PORT/$DB"
mkdir -p .ci
echo "TEST_DATABASE_URL=$URL" >"$ENV_FILE"
echo "TEST_DATABASE_URL=$URL"
