#!/usr/bin/env bash
# Starts a throwaway PostgreSQL server for the test suite and prints its URL.
# Installs Debian's postgresql package when the server binaries are missing.
# Usage: eval "$(scripts/test-postgres.sh start)"; ...; scripts/test-postgres.sh stop
set -euo pipefail
# A fresh data directory per start unless one is named, so that a server killed
# uncleanly earlier (a stale postmaster.pid) never stands in the way.
DATA=${PROPDESK_PG_DATA:-}
# A free port unless one is named, so that several throwaway servers can run at once.
PORT=${PROPDESK_PG_PORT:-$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}

bindir() {
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

install_server() {
  if [ -z "$(bindir)" ] || [ ! -x "$(bindir)/initdb" ]; then
    echo "installing PostgreSQL from Debian's packages" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq postgresql >&2
  fi
}

as_postgres() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start() {
  install_server
  local bin; bin=$(bindir)
  if [ -z "$DATA" ]; then
    DATA=$(mktemp -d /tmp/propdesk-test-pg.XXXXXX)
  fi
  if [ ! -f "$DATA/PG_VERSION" ]; then
    mkdir -p "$DATA"
    [ "$(id -u)" = 0 ] && chown postgres "$DATA"
    as_postgres "$bin/initdb" -D "$DATA" -A trust -U postgres >/dev/null
  fi
  if ! as_postgres "$bin/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
    as_postgres "$bin/pg_ctl" -D "$DATA" -l "$DATA/server.log" -w -t 60 \
      -o "-p $PORT -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >&2
  fi
  psql_() { as_postgres "$bin/psql" -h 127.0.0.1 -p "$PORT" -U postgres -v ON_ERROR_STOP=1 -qtA "$@"; }
  if [ "$(psql_ -c "SELECT 1 FROM pg_roles WHERE rolname='propdesk'")" != 1 ]; then
    psql_ -c "CREATE ROLE propdesk LOGIN PASSWORD 'propdesk' CREATEDB" >&2
  fi
  if [ "$(psql_ -c "SELECT 1 FROM pg_database WHERE datname='propdesk_test'")" != 1 ]; then
    psql_ -c "CREATE DATABASE propdesk_test OWNER propdesk" >&2
  fi
  echo "export PROPDESK_PG_DATA=$DATA"
  echo "export PROPDESK_PG_PORT=$PORT"
  echo "export PROPDESK_TEST_POSTGRES=postgresql://propdesk:propdesk@127.0.0.1:$PORT/propdesk_test"
}

stop() {
  local bin; bin=$(bindir)
  [ -n "$DATA" ] && [ -n "$bin" ] && as_postgres "$bin/pg_ctl" -D "$DATA" -m fast stop >&2 || true
  case "$DATA" in /tmp/propdesk-test-pg.*) rm -rf "$DATA" ;; esac
}

"${1:-start}"
