# Sourced by .ci/run: makes sure the PostgreSQL the store tests need answers, then requires it.
#
# With HOOKLINE_TEST_DATABASE_URL set, that server is the caller's business. Without it, the test
# database is the local one, postgres://postgres@127.0.0.1:5432/test: its cluster is started when
# it is stopped, PostgreSQL is installed from Debian's packages when it is missing, the database
# `test` is created, and where the server asks for a password (Debian's default for TCP is
# scram-sha-256) the postgres user gets the password `postgres`. Idempotent: a running, reachable
# server is left as it is.

PG_PORT=5432

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

# psql as the postgres OS user over the local socket (Debian's peer auth lets it in).
psql_as_postgres() {
  (cd / && as_root runuser -u postgres -- psql -p "$PG_PORT" -qAtX "$@")
}

install_postgres() {
  echo "ci: installing PostgreSQL from Debian's packages"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
}

# Starts the cluster on $PG_PORT if it is down (in containers the package's own start may not run).
start_postgres() {
  local version cluster status
  read -r version cluster status < <(pg_lsclusters -h | awk -v port="$PG_PORT" '$3 == port { print $1, $2, $4; exit }') ||
    true
  if [ -z "${version:-}" ]; then
    version=$(pg_lsclusters -h | awk 'NR == 1 { print $1 }')
    version=${version:-$(ls /usr/lib/postgresql | sort -V | tail -n 1)}
    echo "ci: creating PostgreSQL $version cluster main on port $PG_PORT"
    as_root pg_createcluster "$version" main -p "$PG_PORT" >/dev/null
    cluster=main
    status=down
  fi
  if [ "$status" != online ]; then
    echo "ci: starting PostgreSQL $version/$cluster"
    as_root pg_ctlcluster --skip-systemctl-redirect "$version" "$cluster" start
  fi
  local tries=0
  until pg_isready -q -h 127.0.0.1 -p "$PG_PORT"; do
    tries=$((tries + 1))
    if [ "$tries" -ge 60 ]; then
      echo "ci: PostgreSQL did not answer on 127.0.0.1:$PG_PORT" >&2
      return 1
    fi
    sleep 0.5
  done
}

ensure_test_postgres() {
  if [ -z "${HOOKLINE_TEST_DATABASE_URL:-}" ]; then
    if ! pg_isready -q -h 127.0.0.1 -p "$PG_PORT" 2>/dev/null; then
      command -v pg_lsclusters >/dev/null || install_postgres
      start_postgres
    fi
    local url="postgres://postgres@127.0.0.1:$PG_PORT"
    if ! PGPASSWORD='' psql -w "$url/postgres" -qAtXc 'SELECT 1' >/dev/null 2>&1; then
      # No trust for TCP: give the postgres user a password and say it in the URL.
      psql_as_postgres -c "ALTER USER postgres PASSWORD 'postgres'"
      url="postgres://postgres:postgres@127.0.0.1:$PG_PORT"
    fi
    if [ "$(psql -w "$url/postgres" -qAtXc "SELECT 1 FROM pg_database WHERE datname = 'test'")" != 1 ]; then
      psql -w "$url/postgres" -qAtXc 'CREATE DATABASE test'
    fi
    export HOOKLINE_TEST_DATABASE_URL="$url/test"
  fi
  # The PostgreSQL tests fail the run rather than skip without a server.
  export HOOKLINE_REQUIRE_POSTGRES=1
}
