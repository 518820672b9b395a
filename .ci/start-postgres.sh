#!/usr/bin/env bash
# Starts a private PostgreSQL server for the store-postgres tests and prints its URL.
#   eval "$(bash .ci/start-postgres.sh)"   # exports VLMOPT_TEST_PG_URL
# Installs Debian's PostgreSQL 15 server with apt if missing, initialises a data directory of its
# own (never the system cluster), listens on 127.0.0.1 only. Idempotent: a server already running
# from the same directory is reused. Everything else it prints goes to stderr.
set -euo pipefail
PGPORT="${VLMOPT_PG_PORT:-55432}"
DATA="${VLMOPT_PG_DIR:-/tmp/vlmopt-ci-pg}"

find_bin() {
  local d
  for d in /usr/lib/postgresql/*/bin; do
    if [ -x "$d/pg_ctl" ]; then echo "$d"; return 0; fi
  done
  return 1
}

BIN="$(find_bin || true)"
if [ -z "$BIN" ]; then
  echo "installing PostgreSQL with apt ..." >&2
  export DEBIAN_FRONTEND=noninteractive
  (apt-get update -qq && (apt-get install -y -qq postgresql-15 || apt-get install -y -qq postgresql)) >&2
  BIN="$(find_bin)"
fi

# initdb and the server refuse to run as root: run them as the postgres user (or the current one).
RUN_AS=()
if [ "$(id -u)" = "0" ]; then
  id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
  RUN_AS=(runuser -u postgres --)
fi

mkdir -p "$DATA"
[ "$(id -u)" = "0" ] && chown postgres "$DATA"
chmod 700 "$DATA"
if [ ! -f "$DATA/PG_VERSION" ]; then
  "${RUN_AS[@]}" "$BIN/initdb" -D "$DATA" -U postgres --auth=trust --encoding=UTF8 --no-locale >/dev/null
fi
if ! "${RUN_AS[@]}" "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
  "${RUN_AS[@]}" "$BIN/pg_ctl" -D "$DATA" -l "$DATA/server.log" -w -t 60 start \
    -o "-c listen_addresses=127.0.0.1 -p $PGPORT -k $DATA -c max_connections=200 -c fsync=on" >&2
fi
"$BIN/pg_isready" -h 127.0.0.1 -p "$PGPORT" -t 30 >&2
echo "export VLMOPT_TEST_PG_URL=postgres://postgres@127.0.0.1:$PGPORT/postgres"
