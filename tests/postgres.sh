#!/usr/bin/env bash
# A local PostgreSQL for the tests: installs Debian's package when it is
# missing, creates and starts the cluster, a role `spmo` and a database
# `spmo_test`, and prints the SQLAlchemy URL (everything else goes to stderr).
# Idempotent: a second run finds everything in place.
set -euo pipefail
exec 3>&1 1>&2
if ! command -v pg_ctlcluster >/dev/null 2>&1; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
version=$(ls /usr/lib/postgresql | sort -n | tail -1)
if ! pg_lsclusters -h | awk '{print $1, $2}' | grep -qx "$version main"; then
  pg_createcluster "$version" main >/dev/null
fi
port=$(pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main" {print $3}')
# every fd closed: the server must not hold open the pipe of a caller reading our output
pg_ctlcluster "$version" main start </dev/null >/dev/null 2>&1 3>&- || true
for _ in $(seq 100); do
  pg_isready -q -h localhost -p "$port" && break
  sleep 0.2
done
pg_isready -q -h localhost -p "$port"
as_postgres() { su postgres -c "$1"; }
as_postgres "psql -p $port -tAc \"SELECT 1 FROM pg_roles WHERE rolname = 'spmo'\"" | grep -q 1 \
  || as_postgres "psql -p $port -qc \"CREATE ROLE spmo LOGIN PASSWORD 'spmo'\""
as_postgres "psql -p $port -tAc \"SELECT 1 FROM pg_database WHERE datname = 'spmo_test'\"" \
  | grep -q 1 || as_postgres "createdb -p $port -O spmo spmo_test"
echo "postgresql+psycopg://spmo:spmo@localhost:$port/spmo_test" >&3
