#!/usr/bin/env bash
# Runs a command against a throwaway FerretDB v1.24.2 on its PostgreSQL backend, for the benchmarks
# (docs/benchmarks.md, "FerretDB on PostgreSQL"). Not used by the tests or CI.
#
#   bench/ferretdb-postgresql.sh -- CMD ARGS
#
# Starts a PostgreSQL cluster of its own in a temporary directory (127.0.0.1, a free port), then FerretDB on it
# (scripts/ferretdb.sh builds the binary), runs CMD with BENCH_MONGODB_URI and BENCH_FERRETDB_METRICS (FerretDB's
# request counters) set, and always stops both and deletes the directory.
#
# FerretDB compares each pushed-down equality with jsonb containment (@>), which PostgreSQL's B-tree indexes do not
# serve. So that a lookup by _id or by userId is an index lookup, as on MongoDB, an event trigger gives every table
# FerretDB creates two GIN expression indexes, on the document's _id and on its userId. They are the benchmark's, as
# the embedded server's lookup index is; nothing in the service creates or needs them.
#
# Environment: PG_BIN (PostgreSQL's bin directory; default: the newest /usr/lib/postgresql/*/bin, else pg_config's).
# As root, PostgreSQL runs as the user postgres (initdb refuses root).
set -euo pipefail
cd "$(dirname "$0")/.."

[[ ${1:-} == -- ]] && shift
(($# > 0)) || { sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

log() { echo "ferretdb-postgresql.sh: $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

PG_BIN=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
[[ -n $PG_BIN ]] || PG_BIN=$(pg_config --bindir 2>/dev/null) || true
[[ -x $PG_BIN/initdb ]] || die "PostgreSQL not found (set PG_BIN; Debian: apt-get install postgresql)"
FERRETDB=$(scripts/ferretdb.sh install)

free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
as_pg() {
  if ((EUID == 0)); then runuser -u postgres -- "$@"; else "$@"; fi
}

DIR=$(mktemp -d "${TMPDIR:-/tmp}/ferretdb-pg.XXXXXX")
((EUID == 0)) && chown postgres "$DIR"
PG_PORT=$(free_port)
FDB_PID=
cleanup() {
  if [[ -n $FDB_PID ]]; then
    kill -TERM "$FDB_PID" 2>/dev/null || true
    wait "$FDB_PID" 2>/dev/null || true
  fi
  as_pg "$PG_BIN/pg_ctl" -D "$DIR/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$DIR"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

as_pg "$PG_BIN/initdb" -D "$DIR/data" -A trust -U postgres >/dev/null
as_pg "$PG_BIN/pg_ctl" -D "$DIR/data" -l "$DIR/postgresql.log" -w -t 60 \
  -o "-p $PG_PORT -k $DIR -c listen_addresses=127.0.0.1 -c max_connections=200" start >/dev/null
psql() { as_pg "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U postgres "$@"; }
psql -d postgres -c 'CREATE DATABASE ferretdb'
psql -d ferretdb <<'SQL'
CREATE FUNCTION bench_lookup_indexes() RETURNS event_trigger LANGUAGE plpgsql AS $$
DECLARE created record;
BEGIN
  FOR created IN SELECT * FROM pg_event_trigger_ddl_commands() WHERE command_tag = 'CREATE TABLE' LOOP
    IF EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = created.objid AND attname = '_jsonb')
        AND created.object_identity NOT LIKE '%._ferretdb_database_metadata' THEN
      EXECUTE format('CREATE INDEX ON %s USING gin ((_jsonb -> ''_id'') jsonb_path_ops)', created.object_identity);
      EXECUTE format('CREATE INDEX ON %s USING gin ((_jsonb -> ''userId'') jsonb_path_ops)', created.object_identity);
    END IF;
  END LOOP;
END $$;
CREATE EVENT TRIGGER bench_lookup_indexes ON ddl_command_end WHEN TAG IN ('CREATE TABLE')
  EXECUTE FUNCTION bench_lookup_indexes();
SQL

FDB_PORT=$(free_port)
METRICS_PORT=$(free_port)
DO_NOT_TRACK=1 "$FERRETDB" --handler=postgresql \
  --postgresql-url="postgres://postgres@127.0.0.1:$PG_PORT/ferretdb" \
  --listen-addr="127.0.0.1:$FDB_PORT" --debug-addr="127.0.0.1:$METRICS_PORT" \
  --state-dir="$DIR" --telemetry=disable --log-level=warn </dev/null >"$DIR/ferretdb.log" 2>&1 &
FDB_PID=$!
for ((i = 0; i < 150; i++)); do
  timeout 3 scripts/ferretdb.sh _ping "$FDB_PORT" 2>/dev/null && break
  kill -0 "$FDB_PID" 2>/dev/null || { tail -n 20 "$DIR/ferretdb.log" >&2; die "FerretDB exited"; }
  sleep 0.2
done
((i < 150)) || die "FerretDB did not answer on 127.0.0.1:$FDB_PORT within 30 s"
log "FerretDB on PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') ready at 127.0.0.1:$FDB_PORT"

rc=0
BENCH_MONGODB_URI=mongodb://127.0.0.1:$FDB_PORT/ \
  BENCH_FERRETDB_METRICS=http://127.0.0.1:$METRICS_PORT/debug/metrics "$@" || rc=$?
exit "$rc"
