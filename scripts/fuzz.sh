#!/usr/bin/env bash
# The fuzz tier: schemathesis (pinned, installed from PyPI into a venv under ~/.cache) against the packaged app in its
# production profile, on 127.0.0.1 only, with a user token and an admin token from the development key. All checks,
# positive and negative cases, bounded in examples and time. Afterwards the database is counted: exactly one profile
# for the fuzzed user, its version equal to 1 + the accepted writes (a rejected request wrote nothing), no 5xx, and the
# duplicate repair only ever ran as a dry run. Any failing check fails the script.
#
# Usage: scripts/fuzz.sh [--jar PATH]   (default: packages HEAD's working tree with ./mvnw package -DskipTests)
# Env:   FUZZ_MAX_EXAMPLES (default 40), FUZZ_MAX_TIME seconds per run (default 120), FUZZ_SEED (default 1)
set -uo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
SCHEMATHESIS_VERSION=4.32.5
# pymongo 4.10: the newest line that still speaks wire version 8, what mongo-java-server 1.47 reports.
PYMONGO_VERSION=4.10.1
VENV=${FUZZ_VENV:-$HOME/.cache/creator-profiles/schemathesis-$SCHEMATHESIS_VERSION}
MAX_EXAMPLES=${FUZZ_MAX_EXAMPLES:-40}
MAX_TIME=${FUZZ_MAX_TIME:-120}
SEED=${FUZZ_SEED:-1}
jar=
while [[ $# -gt 0 ]]; do
  case $1 in
    --jar) jar=$2; shift ;;
    *) echo "usage: scripts/fuzz.sh [--jar PATH]" >&2; exit 2 ;;
  esac
  shift
done

log() { echo "fuzz.sh: $*" >&2; }
die() { log "ERROR: $*"; exit 2; }
free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
out=$REPO/target/fuzz
rm -rf "$out" && mkdir -p "$out"

MONGO_PID= APP_PID=
stop_pid() { # pid name: TERM, up to 15 s, then KILL; only our own children
  local pid=$1 name=$2 i
  [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 75; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null || true
  log "stopped $name (pid $pid)"
}
cleanup() { set +e; stop_pid "$APP_PID" app; stop_pid "$MONGO_PID" StandaloneMongoServer; }
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# 1. schemathesis and pymongo, pinned, in their own venv (reused while the pins stay the same).
if ! "$VENV/bin/schemathesis" --version 2>/dev/null | grep -q "$SCHEMATHESIS_VERSION" ||
  ! "$VENV/bin/python" -c "import pymongo, sys; sys.exit(pymongo.version != '$PYMONGO_VERSION')" 2>/dev/null; then
  log "installing schemathesis==$SCHEMATHESIS_VERSION pymongo==$PYMONGO_VERSION into $VENV"
  python3 -m venv "$VENV" || die "python3 -m venv failed"
  "$VENV/bin/pip" install -q "schemathesis==$SCHEMATHESIS_VERSION" "pymongo==$PYMONGO_VERSION" ||
    die "pip install failed"
fi

# 2. The packaged app.
if [[ -z $jar ]]; then
  log "packaging (./mvnw -B package -DskipTests)"
  (cd "$REPO" && ./mvnw -B -q package -DskipTests) >"$out/package.log" 2>&1 || { tail -30 "$out/package.log" >&2; die "package failed"; }
  jar=$REPO/target/quarkus-app/quarkus-run.jar
fi
[[ -f $jar ]] || die "no jar at $jar"

# 3. The embedded server, standalone (memory backend), on a free port of 127.0.0.1.
(cd "$REPO" && ./mvnw -B -q dependency:build-classpath -Dmdep.outputFile="$out/classpath.txt") >"$out/classpath.log" 2>&1 ||
  die "dependency:build-classpath failed (see $out/classpath.log)"
cp=$(tr ':' '\n' <"$out/classpath.txt" |
  grep -E 'de/bwaldvogel/mongo-java-server-(core|memory-backend)/|io/netty/netty-(common|buffer|transport|codec|handler|resolver|transport-native-unix-common)/|org/slf4j/slf4j-api/' |
  paste -sd:)
mport=$(free_port)
java -Xmx512m -cp "$cp" "$REPO/load/StandaloneMongoServer.java" "$mport" 1800 >"$out/mongo-server.log" 2>&1 &
MONGO_PID=$!
for ((i = 0; i < 150; i++)); do
  kill -0 "$MONGO_PID" 2>/dev/null || { cat "$out/mongo-server.log" >&2; die "StandaloneMongoServer exited"; }
  timeout 3 bash "$REPO/scripts/ferretdb.sh" _ping "$mport" 2>/dev/null && break
  sleep 0.2
done
mongo_uri=mongodb://127.0.0.1:$mport
db=creator_profiles_fuzz

# 4. The app, production profile, JWT settings pointed at the development public key.
port=$(free_port)
mgmt_port=$(free_port) # health and metrics: the production build serves them on the management port only
MONGODB_URI=$mongo_uri MONGODB_DATABASE=$db \
  JWT_PUBLIC_KEY_LOCATION=$REPO/dev-keys/publicKey.pem JWT_ISSUER=https://dev.creator-profiles.local \
  QUARKUS_HTTP_PORT=$port QUARKUS_HTTP_HOST=127.0.0.1 QUARKUS_MANAGEMENT_PORT=$mgmt_port QUARKUS_MANAGEMENT_HOST=127.0.0.1 \
  java -Xmx512m -jar "$jar" >"$out/app.log" 2>&1 &
APP_PID=$!
base=http://127.0.0.1:$port
ready=
for ((i = 0; i < 240; i++)); do
  kill -0 "$APP_PID" 2>/dev/null || { tail -40 "$out/app.log" >&2; die "the app exited during startup"; }
  [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$mgmt_port/q/health/ready" || true) == 200 ]] && { ready=1; break; }
  sleep 0.5
done
[[ -n $ready ]] || { tail -40 "$out/app.log" >&2; die "/q/health/ready not 200 within 120 s"; }
log "app on $base (pid $APP_PID), MongoDB $mongo_uri (pid $MONGO_PID)"

user=fuzz-user
user_token=$("$REPO/dev/mint-token.sh" "$user" --ttl 1800)
admin_token=$("$REPO/dev/mint-token.sh" fuzz-admin --admin --ttl 1800)
# The user's profile exists before fuzzing (version 1), so its final version counts the accepted writes exactly.
[[ $(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $user_token" "$base/api/profiles/me") == 200 ]] ||
  die "GET /api/profiles/me did not create the profile"

fuzz() { # name token path-regex
  local name=$1 token=$2 paths=$3
  log "schemathesis run '$name': $paths, up to $MAX_EXAMPLES examples per operation, $MAX_TIME s"
  # From target/fuzz, so schemathesis's own example database lands there, not in the checkout.
  (cd "$out" && PYTHONPATH=$REPO/scripts SCHEMATHESIS_HOOKS=fuzz_hooks timeout $((MAX_TIME + 300)) \
    "$VENV/bin/schemathesis" --config-file "$REPO/scripts/schemathesis.toml" run "$base/q/openapi" --url "$base" \
    --checks all --mode all --phases examples,coverage,fuzzing \
    --max-examples "$MAX_EXAMPLES" --max-time "$MAX_TIME" --seed "$SEED" --workers 1 --request-timeout 20 \
    --include-path-regex "$paths" -H "Authorization: Bearer $token" \
    --report har --report-har-path "$out/$name/requests.har" --no-color) >"$out/$name.log" 2>&1
  local rc=$?
  tail -25 "$out/$name.log"
  return $rc
}
fuzz user "$user_token" '^/api/profiles'; user_rc=$?
fuzz admin "$admin_token" '^/api/admin'; admin_rc=$?

"$VENV/bin/python" "$REPO/scripts/fuzz_count.py" "$mongo_uri" "$db" "$user" "$out/user=$user" "$out/admin=fuzz-admin" |
  tee "$out/count.txt"
count_rc=${PIPESTATUS[0]}
echo "fuzz tier: schemathesis user run exit $user_rc, admin run exit $admin_rc, database count exit $count_rc"
[[ $user_rc -eq 0 && $admin_rc -eq 0 && $count_rc -eq 0 ]]
