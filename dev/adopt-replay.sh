#!/usr/bin/env bash
# Replays docs/adopt.md end to end with the packaged jar, on the old app's Mongoose-named collection (creatorprofiles)
# in an embedded dev database (mongo-java-server, memory backend, as dev mode runs it), database named only in the
# connection string's path: the default collection refuses, the dry run, the takeover, the old app's partial "save
# gallery" upsert in the middle of the cutover, the second migration, the user's profile whole under its first _id, and
# the export of that run as NDJSON. Each step prints what it saw; the first broken promise stops it with exit 1. The
# last line is the result.
# Usage: dev/adopt-replay.sh [--uri mongodb://127.0.0.1:PORT]   (a running dev database; default: start its own)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
jar=$here/target/quarkus-app/quarkus-run.jar
db=nodeapp
uri=
while [ $# -gt 0 ]; do
  case "$1" in
    --uri) uri=$2; shift ;;
    *) echo "usage: dev/adopt-replay.sh [--uri mongodb://127.0.0.1:PORT]" >&2; exit 2 ;;
  esac
  shift
done
work=$(mktemp -d)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
step() { printf '\n== %s\n' "$*"; }
fail() { echo "adopt replay: FAILED at: $*" >&2; exit 1; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

[ -f "$jar" ] || (cd "$here" && ./mvnw -B -q package -DskipTests) >&2
cpfile=$here/target/adopt-replay.classpath
if [ ! -s "$cpfile" ]; then
  (cd "$here" && { ./mvnw -B -q -o dependency:build-classpath -Dmdep.outputFile="$cpfile.all" ||
    ./mvnw -B -q dependency:build-classpath -Dmdep.outputFile="$cpfile.all"; }) >/dev/null
  tr ':' '\n' <"$cpfile.all" | grep -E 'org/mongodb/(bson|bson-record-codec|mongodb-driver-core|mongodb-driver-sync)/|de/bwaldvogel/|io/netty/netty-(buffer|codec|common|handler|resolver|transport)/|org/slf4j/slf4j-api/' |
    paste -sd: >"$cpfile"
fi
mkdir -p "$work/classes"
javac -d "$work/classes" -cp "$(cat "$cpfile")" "$here/dev/OldApp.java"
old_app() { # the driver's own stderr (SLF4J has no binding here) is shown only when the call fails
  java -cp "$work/classes:$(cat "$cpfile")" OldApp "$@" 2>"$work/old-app.err" || { cat "$work/old-app.err" >&2; return 1; }
}

if [ -z "$uri" ]; then
  port=$(free_port)
  java -cp "$work/classes:$(cat "$cpfile")" OldApp serve "$port" >"$work/db.log" 2>&1 &
  pids+=($!)
  uri=mongodb://127.0.0.1:$port
  for ((i = 0; i < 120; i++)); do grep -q 'embedded dev database' "$work/db.log" && break; sleep 1; done
  grep -q 'embedded dev database' "$work/db.log" || fail "the embedded dev database did not start: $(cat "$work/db.log")"
fi
export MONGODB_URI=$uri/$db
unset MONGODB_DATABASE PROFILES_COLLECTION PROFILES_COLLECTION_CONFIRMED
export JWT_PUBLIC_KEY_LOCATION=$here/dev-keys/publicKey.pem JWT_ISSUER=https://dev.creator-profiles.local
export QUARKUS_HTTP_HOST=127.0.0.1 QUARKUS_MANAGEMENT_HOST=127.0.0.1 PROFILES_INDEX_DATA_RECHECK_INTERVAL=1s
user=6868125ba2158d0149820001

run_jar() { # name args... -> exit code in $rc, stdout in $work/name.out, stderr in $work/name.err
  local name=$1; shift
  set +e
  QUARKUS_HTTP_PORT=0 java -jar "$jar" "$@" >"$work/$name.out" 2>"$work/$name.err"
  rc=$?
  set -e
}
service() { # start the service (the current environment); sets $http $management
  http=$(free_port); management=$(free_port)
  QUARKUS_HTTP_PORT=$http QUARKUS_MANAGEMENT_PORT=$management java -jar "$jar" >"$work/service.log" 2>&1 &
  service_pid=$!
  pids+=($service_pid)
}
health() { curl -s --max-time 5 "http://127.0.0.1:$management/q/health/ready"; curl -s --max-time 5 "http://127.0.0.1:$management/q/health/well"; }
wait_health() { # text seconds
  local i
  for ((i = 0; i < $2; i++)); do health 2>/dev/null | tr -d ' \n' | grep -q "$1" && return 0; sleep 1; done
  return 1
}
me() { curl -s --max-time 10 -o "$work/me.json" -w '%{http_code}' -H "Authorization: Bearer $("$here/dev/mint-token.sh" "$1")" \
  "http://127.0.0.1:$http/api/profiles/me"; }
json_field() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval("d"+sys.argv[2]))' "$@"; }

step "1. the old app's database: $MONGODB_URI, collection creatorprofiles"
old_app plant "$uri" "$db"

step "2. default settings: scan refuses and names the old collection (exit 7)"
run_jar scan scan
cat "$work/scan.err" | grep -v '^[0-9-]* [0-9:,]* ' || true
[ "$rc" = 7 ] || fail "scan exited $rc, not 7"
grep -q "PROFILES_COLLECTION=creatorprofiles" "$work/scan.err" || fail "scan did not name creatorprofiles"
[ ! -s "$work/scan.out" ] || fail "scan printed a report while looking at the wrong place"

step "3. default settings: the service keeps writes closed and GET /me creates nothing"
service
wait_health WRONG_COLLECTION 120 || fail "the health data does not say WRONG_COLLECTION: $(health)"
status=$(me "$user")
echo "GET /api/profiles/me for an old user -> $status"
[ "$status" = 503 ] || fail "GET /me answered $status, not 503"
kill "$service_pid"; wait "$service_pid" 2>/dev/null || true

export PROFILES_COLLECTION=creatorprofiles
step "4. PROFILES_COLLECTION=creatorprofiles: dry run first (changes nothing)"
run_jar dry migrate
[ "$rc" = 0 ] || fail "migrate (dry run) exited $rc: $(cat "$work/dry.err")"
cat "$work/dry.out"
[ "$(json_field "$work/dry.out" '["collection"]')" = "$db.creatorprofiles" ] || fail "the report does not name $db.creatorprofiles"
[ "$(json_field "$work/dry.out" '["dryRun"]')" = True ] || fail "not a dry run"

step "5. migrate --apply: the takeover"
run_jar first migrate --apply
[ "$rc" = 0 ] || fail "migrate --apply exited $rc: $(cat "$work/first.err")"
cat "$work/first.out"

step "6. the service, pointed there: every old user sees their own profile"
service
wait_health '"state":"READY"' 120 || fail "not READY: $(health)"
status=$(me "$user")
echo "GET /api/profiles/me -> $status $(head -c 300 "$work/me.json")"
[ "$status" = 200 ] && grep -q '"displayName":"Old 0"' "$work/me.json" || fail "the old user does not see their profile"
first_id=$(old_app show "$uri" "$db" "$user" | python3 -c 'import json,sys; print(json.loads(sys.stdin.readline())["_id"]["$oid"])')

step "7. the old app, still running, saves the user's gallery (upsert on the ObjectId form, \$set gallery only)"
old_app save-gallery "$uri" "$db" "$user" https://img.example/old/saved-during-cutover.jpg
old_app show "$uri" "$db" "$user" | cut -c1-200
wait_health '"state":"LEGACY"' 60 || fail "the service did not notice the legacy write: $(health)"
echo "the service saw it: LEGACY, writes closed until migrated"

step "8. migrate --apply again: the partial copy is merged into the user's profile"
run_jar second migrate --apply
[ "$rc" = 0 ] || fail "the second migrate --apply exited $rc: $(cat "$work/second.err")"
cat "$work/second.out"
# The merge of the two copies ran as the migration's repair: its archive entries carry the repair's run id.
run=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d.get("repairRunId") or d["runId"])' "$work/second.out")
wait_health '"state":"READY"' 60 || fail "not READY after the second migration: $(health)"
status=$(me "$user")
echo "GET /api/profiles/me -> $status $(head -c 400 "$work/me.json")"
[ "$status" = 200 ] || fail "GET /me answered $status"
grep -q '"displayName":"Old 0"' "$work/me.json" || fail "the personal info was lost in the merge"
grep -q 'saved-during-cutover.jpg' "$work/me.json" || fail "the gallery the old app saved is missing"
[ "$(old_app show "$uri" "$db" "$user" | wc -l)" = 1 ] || fail "the user has more than one document"
now_id=$(old_app show "$uri" "$db" "$user" | python3 -c 'import json,sys; print(json.loads(sys.stdin.readline())["_id"]["$oid"])')
[ "$now_id" = "$first_id" ] || fail "the profile's _id changed from $first_id to $now_id"
echo "one document, _id $now_id as before, personal info and the new gallery both there"

step "9. archive export --run $run > file: one JSON document per line"
run_jar export archive export --run "$run"
[ "$rc" = 0 ] || fail "archive export exited $rc: $(tail -n 30 "$work/export.err")"
lines=$(python3 -c 'import json,sys; print(sum(1 for l in open(sys.argv[1]) if json.loads(l)))' "$work/export.out") ||
  fail "the export is not NDJSON: $(head -c 500 "$work/export.out")"
echo "$lines line(s), each one JSON document"
[ "$lines" -gt 0 ] || fail "the second migration archived nothing"

echo
echo "adopt replay: OK (default collection refused with exit 7 and 503; takeover of $db.creatorprofiles; the old app's partial upsert merged under _id $first_id; export of $lines line(s) parsed)"
