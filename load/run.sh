#!/usr/bin/env bash
# Builds the load tool, packages the app (or takes a quarkus-run.jar), starts N instances of it (default 3) in their
# PRODUCTION profile against one MongoDB-compatible server on 127.0.0.1, runs the scenarios spread round robin over
# the instances, and always stops everything it started.
#
# Usage: load/run.sh [options]
#   --server embedded|ferretdb|uri   embedded: mongo-java-server (memory backend) started standalone (default)
#                                    ferretdb: scripts/ferretdb.sh start/stop;  uri: an existing server (--mongo-uri)
#   --mongo-uri URI                  with --server uri; host must be 127.0.0.1
#   --jar PATH                       use this target/quarkus-app/quarkus-run.jar instead of packaging HEAD
#   --runner PATH                    run this native executable (target/*-runner of ./mvnw package -Dnative) instead
#   --app-opts "..."                 options for every instance, before its arguments (-Xmx128m, -XX:MaxRAM=512m, ...)
#   --memory-limit SIZE              run each instance in a memory cgroup of its own with this limit (512M: the
#                                    Deployment's), as its container would; reports each cgroup's peak use and OOM
#                                    kills, and fails when an instance was killed. Needs a writable cgroup (root).
#   --instances N (3)                instances of the app, one database; requests go to them round robin
#   --scenarios LIST                 comma-separated (default hot-user,many-users,steady)
#   --out DIR                        results (default: a new temporary directory)
#   --hot-requests N (500)  --users N (100)  --writes N (20)  --concurrency N (per scenario default)
#   --steady-duration 30s  --steady-rate R (0 = closed loop)  --user-pool N (200)
#   --warmup 10s                     a steady run of its own users first, so the JIT is warm (0 = none)
#   (--concurrency is the total in flight: 24 with 3 instances is 8 per instance)
# Exit status: 0 when every scenario passed, 1 when one failed, 2 on a setup error.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
GO=${GO:-$(command -v go || echo /usr/local/go/bin/go)}

server=embedded mongo_uri= jar= runner= app_opts= memory_limit= scenarios=hot-user,many-users,steady out= instances=3
warmup=10s hot_requests=500 users=100 writes=20 concurrency=0 steady_duration=30s steady_rate=0 user_pool=200
while (($# > 0)); do
  case $1 in
    --server) server=$2; shift ;;
    --mongo-uri) mongo_uri=$2; shift ;;
    --jar) jar=$2; shift ;;
    --runner) runner=$2; shift ;;
    --app-opts) app_opts=$2; shift ;;
    --memory-limit) memory_limit=$2; shift ;;
    --instances) instances=$2; shift ;;
    --scenarios) scenarios=$2; shift ;;
    --out) out=$2; shift ;;
    --hot-requests) hot_requests=$2; shift ;;
    --users) users=$2; shift ;;
    --writes) writes=$2; shift ;;
    --concurrency) concurrency=$2; shift ;;
    --steady-duration) steady_duration=$2; shift ;;
    --steady-rate) steady_rate=$2; shift ;;
    --user-pool) user_pool=$2; shift ;;
    --warmup) warmup=$2; shift ;;
    -h|--help) sed -n '2,23p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

log() { echo "run.sh: $*" >&2; }
die() { log "ERROR: $*"; exit 2; }

case $server in embedded|ferretdb|uri) ;; *) die "--server must be embedded, ferretdb or uri" ;; esac
[[ $instances =~ ^[1-9]$ ]] || die "--instances must be 1..9"
if [[ $server == uri ]]; then
  [[ $mongo_uri =~ ^mongodb://127\.0\.0\.1(:[0-9]+)?(/.*)?$ ]] || die "--mongo-uri must be mongodb://127.0.0.1[:port][/...]"
fi

# Memory cgroups (v2, or v1's memory hierarchy) below this process's own, one per instance, when --memory-limit is set.
cgroup_base= cgroup_version= limit_bytes=
if [[ -n $memory_limit ]]; then
  [[ $memory_limit =~ ^[1-9][0-9]*[KMG]?$ ]] || die "--memory-limit must be a size such as 512M"
  limit_bytes=$(numfmt --from=iec "$memory_limit")
  if [[ -f /sys/fs/cgroup/cgroup.controllers ]]; then
    cgroup_version=2 cgroup_base=/sys/fs/cgroup$(awk -F: '$1 == "0" {print $3}' /proc/self/cgroup)
  else
    cgroup_version=1 cgroup_base=/sys/fs/cgroup/memory$(awk -F: '$2 == "memory" {print $3}' /proc/self/cgroup)
  fi
  cgroup_base=${cgroup_base%/}
  mkdir "$cgroup_base/creator-profiles-load-$$-probe" 2>/dev/null && rmdir "$cgroup_base/creator-profiles-load-$$-probe" ||
    die "--memory-limit: cannot create a memory cgroup under $cgroup_base (needs root and a writable cgroup hierarchy)"
fi
cgroup_dir() { echo "$cgroup_base/creator-profiles-load-$$-$1"; }
make_cgroup() { # instance number: a cgroup limited to $limit_bytes, swap included
  local dir; dir=$(cgroup_dir "$1")
  mkdir "$dir" || return 1
  if [[ $cgroup_version == 2 ]]; then
    echo "$limit_bytes" >"$dir/memory.max" && { echo 0 >"$dir/memory.swap.max" 2>/dev/null || true; }
  else
    echo "$limit_bytes" >"$dir/memory.limit_in_bytes" && { echo "$limit_bytes" >"$dir/memory.memsw.limit_in_bytes" 2>/dev/null || true; }
  fi
}
cgroup_peak_kib() { # v1's max_usage_in_bytes, v2's memory.peak (kernel 5.19+): the cgroup's highest charge, page cache included
  local dir; dir=$(cgroup_dir "$1")
  local f=$dir/memory.max_usage_in_bytes; [[ $cgroup_version == 2 ]] && f=$dir/memory.peak
  [[ -r $f ]] && echo $(($(cat "$f") / 1024)) || echo unknown
}
cgroup_oom_kills() {
  local dir; dir=$(cgroup_dir "$1")
  local f=$dir/memory.oom_control; [[ $cgroup_version == 2 ]] && f=$dir/memory.events
  awk '$1 == "oom_kill" {print $2; found = 1} END {if (!found) print "unknown"}' "$f" 2>/dev/null || echo unknown
}

out=${out:-$(mktemp -d "${TMPDIR:-/tmp}/creator-profiles-load.XXXXXX")}
mkdir -p "$out"
log "results in $out"

free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }

APP_PIDS=() STARTED_NS=() READY_MS=() MONGO_PID= RSS_PID= FERRET_STARTED=
stop_pid() { # pid name: TERM, up to 15 s, then KILL; only our own children
  local pid=$1 name=$2 i
  [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 75; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  if kill -0 "$pid" 2>/dev/null; then log "$name (pid $pid) ignored TERM, killing"; kill -KILL "$pid" 2>/dev/null || true; fi
  wait "$pid" 2>/dev/null || true
  log "stopped $name (pid $pid)"
}
cleanup() {
  set +e
  stop_pid "$RSS_PID" "rss sampler"
  for i in "${!APP_PIDS[@]}"; do stop_pid "${APP_PIDS[$i]}" "app #$((i + 1))"; done
  stop_pid "$MONGO_PID" "StandaloneMongoServer"
  if [[ -n $FERRET_STARTED ]]; then FERRETDB_STATE=$out/ferretdb "$REPO/scripts/ferretdb.sh" stop; fi
  if [[ -n $memory_limit ]]; then for ((n = 1; n <= instances; n++)); do rmdir "$(cgroup_dir "$n")" 2>/dev/null; done; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# 1. The load tool.
log "building the load tool"
(cd "$HERE" && "$GO" build -o "$out/load-tool" .) || die "go build failed"

# 2. The app: package a clean export of HEAD (never the working tree's target/), unless a jar is given.
src=
commit=$(git -C "$REPO" rev-parse HEAD)
need_src() {
  if [[ -z $src ]]; then
    src=$out/src
    mkdir -p "$src"
    git -C "$REPO" archive "$commit" | tar -x -C "$src"
  fi
}
if [[ -n $runner ]]; then
  [[ -x $runner ]] || die "no executable at $runner"
  # The commit is named beside target/ by the benchmark scripts; else the caller says it in the results.
  jar_commit=$(cat "$(dirname "$runner")/../.commit" 2>/dev/null || echo "unknown (runner given)")
elif [[ -z $jar ]]; then
  need_src
  log "packaging ${commit:0:7} in $src (mvnw package -DskipTests)"
  (cd "$src" && ./mvnw -B -q package -DskipTests) >"$out/package.log" 2>&1 || { tail -30 "$out/package.log" >&2; die "package failed"; }
  jar=$src/target/quarkus-app/quarkus-run.jar
  jar_commit=$commit
else
  # A package made by bench/run-performance.sh or bench/run-throughput-benchmark.sh names its commit beside target/.
  jar_commit=$(cat "$(dirname "$jar")/../../.commit" 2>/dev/null || echo "unknown (jar given)")
fi
[[ -n $runner || -f $jar ]] || die "no jar at $jar"
# What each instance runs: the native executable, or the jar on this machine's java; app_opts before the arguments.
read -r -a opts <<<"$app_opts"
if [[ -n $runner ]]; then app_cmd=("$runner" "${opts[@]}"); artifact=$runner; else app_cmd=(java "${opts[@]}" -jar "$jar"); artifact=$jar; fi

# 3. The database server.
case $server in
  embedded)
    need_src
    (cd "$src" && ./mvnw -B -q dependency:build-classpath -Dmdep.outputFile="$out/classpath.txt") >"$out/classpath.log" 2>&1 ||
      die "dependency:build-classpath failed (see $out/classpath.log)"
    cp=$(tr ':' '\n' <"$out/classpath.txt" |
      grep -E 'de/bwaldvogel/mongo-java-server-(core|memory-backend)/|io/netty/netty-(common|buffer|transport|codec|handler|resolver|transport-native-unix-common)/|org/slf4j/slf4j-api/' |
      paste -sd:)
    mport=$(free_port)
    java -Xmx1g -cp "$cp" "$HERE/StandaloneMongoServer.java" "$mport" 3600 >"$out/mongo-server.log" 2>&1 &
    MONGO_PID=$!
    mongo_uri=mongodb://127.0.0.1:$mport
    for ((i = 0; i < 150; i++)); do
      kill -0 "$MONGO_PID" 2>/dev/null || { cat "$out/mongo-server.log" >&2; die "StandaloneMongoServer exited"; }
      timeout 3 bash "$REPO/scripts/ferretdb.sh" _ping "$mport" 2>/dev/null && break
      sleep 0.2
    done
    timeout 3 bash "$REPO/scripts/ferretdb.sh" _ping "$mport" 2>/dev/null || die "StandaloneMongoServer did not answer ping in 30 s"
    log "StandaloneMongoServer (memory backend) on $mongo_uri, pid $MONGO_PID"
    ;;
  ferretdb)
    FERRET_STARTED=1
    line=$(FERRETDB_STATE=$out/ferretdb "$REPO/scripts/ferretdb.sh" start | grep '^FERRETDB_URI=') || die "FerretDB did not start"
    mongo_uri=${line#FERRETDB_URI=}
    mongo_uri=${mongo_uri%/}
    log "FerretDB on $mongo_uri"
    ;;
esac

# 4. The app instances, production profile, one database shared by all of them (each one races the others).
db=creator_profiles_load_$(date +%s)_$RANDOM
ports=() mgmt_ports=() bases=() metrics=()
for ((n = 1; n <= instances; n++)); do
  port=$(free_port)
  mgmt_port=$(free_port) # health and metrics: the production build serves them on the management port only
  log "starting instance #$n of $artifact on 127.0.0.1:$port (management $mgmt_port), database $db"
  launch=()
  if [[ -n $memory_limit ]]; then
    make_cgroup "$n" || die "could not make the memory cgroup $(cgroup_dir "$n")"
    # The shell joins the cgroup, then becomes the app: everything the app ever allocates is charged to it.
    launch=(bash -c 'echo $$ >"$0/cgroup.procs" && exec "$@"' "$(cgroup_dir "$n")")
    log "instance #$n in memory cgroup $(cgroup_dir "$n"), limit $memory_limit"
  fi
  MONGODB_URI=$mongo_uri MONGODB_DATABASE=$db \
    JWT_PUBLIC_KEY_LOCATION=$REPO/dev-keys/publicKey.pem JWT_ISSUER=https://dev.creator-profiles.local \
    QUARKUS_HTTP_PORT=$port QUARKUS_HTTP_HOST=127.0.0.1 QUARKUS_MANAGEMENT_PORT=$mgmt_port QUARKUS_MANAGEMENT_HOST=127.0.0.1 \
    "${launch[@]}" "${app_cmd[@]}" >"$out/app-$n.log" 2>&1 &
  APP_PIDS+=($!) STARTED_NS+=("$(date +%s%N)")
  ports+=("$port") mgmt_ports+=("$mgmt_port") bases+=("http://127.0.0.1:$port") metrics+=("http://127.0.0.1:$mgmt_port")
done
for ((n = 1; n <= instances; n++)); do
  pid=${APP_PIDS[$((n - 1))]} port=${ports[$((n - 1))]} mgmt_port=${mgmt_ports[$((n - 1))]} ready=
  for ((i = 0; i < 1200; i++)); do
    kill -0 "$pid" 2>/dev/null || { tail -40 "$out/app-$n.log" >&2; die "instance #$n exited during startup"; }
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$mgmt_port/q/health/ready" || true)
    if [[ $code == 200 ]]; then ready=1; READY_MS+=($((($(date +%s%N) - STARTED_NS[n - 1]) / 1000000))); break; fi
    sleep 0.1
  done
  [[ -n $ready ]] || { tail -40 "$out/app-$n.log" >&2; die "instance #$n: /q/health/ready not 200 within 120 s"; }
  log "instance #$n ready (pid $pid, port $port) $((READY_MS[n - 1])) ms after its start (ready polled every 100 ms)"
done
base_urls=$(IFS=,; echo "${bases[*]}")
# Each instance's CPU over every load phase (cpu_s in the scenario's JSON): CPU per request = sum / requests.
watch_pids=$(for ((n = 1; n <= instances; n++)); do printf 'app%d=%d,' "$n" "${APP_PIDS[$((n - 1))]}"; done)
watch_pids=${watch_pids%,}
metrics_urls=$(IFS=,; echo "${metrics[*]}")

rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
{
  echo "server=$server"; echo "mongo_uri=$mongo_uri"; echo "db=$db"; echo "instances=$instances"
  echo "app_ports=${ports[*]}"; echo "management_ports=${mgmt_ports[*]}"; echo "app_pids=${APP_PIDS[*]}"
  echo "commit=$jar_commit"; echo "artifact=$artifact"; echo "app_opts=$app_opts"; echo "date=$(date -u +%FT%TZ)"
  for ((n = 1; n <= instances; n++)); do echo "start_to_ready_ms_$n=${READY_MS[$((n - 1))]}"; done
  for ((n = 1; n <= instances; n++)); do echo "rss_after_start_kib_$n=$(rss_kib "${APP_PIDS[$((n - 1))]}")"; done
  echo "loadavg_at_start=$(cat /proc/loadavg)"
} >"$out/run.env"

# 5. The scenarios (after a warm-up whose users are its own; its result is kept but not part of the table).
rc=0
if [[ $warmup != 0 && $warmup != 0s ]]; then
  log "warm-up: steady for $warmup"
  "$out/load-tool" -scenario steady -duration "$warmup" -max-duration 300s -user-prefix "warmup-$(date +%s)-" \
    -base-url "$base_urls" -metrics-base-url "$metrics_urls" -key "$REPO/dev-keys/privateKey.pem" -mongo-uri "$mongo_uri" -db "$db" \
    >"$out/warmup.txt" 2>&1 || { rc=1; log "warm-up FAILED: see $out/warmup.txt"; }
fi
IFS=, read -r -a list <<<"$scenarios"
for s in "${list[@]}"; do
  args=(-scenario "$s" -base-url "$base_urls" -metrics-base-url "$metrics_urls" -key "$REPO/dev-keys/privateKey.pem"
        -mongo-uri "$mongo_uri" -db "$db" -json "$out/$s.json" -watch-pids "$watch_pids")
  ((concurrency > 0)) && args+=(-concurrency "$concurrency")
  case $s in
    hot-user) args+=(-requests "$hot_requests" -max-duration 120s) ;;
    many-users) args+=(-users "$users" -writes "$writes" -max-duration 300s) ;;
    steady) args+=(-duration "$steady_duration" -rate "$steady_rate" -user-pool "$user_pool" -max-duration 600s)
      # Each instance's RSS once a second while steady runs (bounded: at most 700 samples).
      ( for ((i = 0; i < 700; i++)); do
          line=$(date +%s); for pid in "${APP_PIDS[@]}"; do line+=" $(rss_kib "$pid")"; done; echo "$line"; sleep 1
        done ) >"$out/steady-rss.txt" &
      RSS_PID=$! ;;
    *) die "unknown scenario $s" ;;
  esac
  log "scenario $s"
  src_rc=0
  "$out/load-tool" "${args[@]}" | tee "$out/$s.txt" || src_rc=$?
  if [[ $s == steady ]]; then
    stop_pid "$RSS_PID" "rss sampler"; RSS_PID=
    awk '{ for (i = 2; i <= NF; i++) { if ($i > m[i]) m[i] = $i; last[i] = $i }; n++; k = NF }
         END { for (i = 2; i <= k; i++) printf "App RSS during steady, instance #%d: %d samples, max %.0f MiB, last %.0f MiB\n", i - 1, n, m[i]/1024, last[i]/1024 }' \
      "$out/steady-rss.txt" | tee -a "$out/steady.txt"
  fi
  ((src_rc == 0)) || rc=1
done
{
  for ((n = 1; n <= instances; n++)); do echo "rss_at_end_kib_$n=$(rss_kib "${APP_PIDS[$((n - 1))]}")"; done
  echo "loadavg_at_end=$(cat /proc/loadavg)"
  if [[ -n $memory_limit ]]; then
    echo "memory_limit=$memory_limit"
    for ((n = 1; n <= instances; n++)); do
      echo "cgroup_peak_kib_$n=$(cgroup_peak_kib "$n")"; echo "cgroup_oom_kills_$n=$(cgroup_oom_kills "$n")"
    done
  fi
} >>"$out/run.env"
if [[ -n $memory_limit ]]; then
  for ((n = 1; n <= instances; n++)); do
    alive=yes; kill -0 "${APP_PIDS[$((n - 1))]}" 2>/dev/null || alive=no
    oom=$(cgroup_oom_kills "$n")
    log "instance #$n under a $memory_limit limit: cgroup peak $(($(cgroup_peak_kib "$n") / 1024)) MiB (page cache included), OOM kills $oom, alive at the end: $alive"
    [[ $alive == yes && $oom == 0 ]] || rc=1
  done
fi
log "done: results in $out (exit $rc)"
exit "$rc"
