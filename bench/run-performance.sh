#!/usr/bin/env bash
# Every measurement docs/performance.md publishes, one after another, from one packaged commit, into one directory,
# and a summary of them all (summary.md) made from the raw results by bench/performance-summary.py.
#
# Usage: bench/run-performance.sh [options]
#   --out DIR          results (default: a new temporary directory)
#   --before REV       also run the throughput benchmark (with --profile) at REV: the "before" of the before/after
#                      tables and flame graphs (default: none)
#   --java25 PATH      the java of a JDK 25 for the JDK comparison (default: $JDK25_HOME/bin/java, else the newest
#                      /usr/lib/jvm/*25*/bin/java); without one that section is skipped
#   --only LIST        comma-separated subset of the sections below (default: all)
#   --requests N       requests per scenario, side and round in the throughput sections (default 50000)
#
# Sections, each in a subdirectory of DIR, in this order:
#   throughput        bench/run-throughput-benchmark.sh --requests 50000 --rounds 3 --memory-limit 512m --profile:
#                     the published table, chart, flame graphs, CPU breakdown, memory and start-up
#   throughput-2      the same package and command without --profile, right after it
#   jdk25             the same package and command on the JDK 25 (--java), right after
#   before            the same command with --profile at --before REV (the service of REV; the ceiling and the checks
#                     of HEAD, so that before and after differ only in the service)
#   instances-embedded, instances-ferretdb, instances-ferretdb-10s
#                     load/run.sh with three instances of the same package, 24 in flight, on the embedded server and on
#                     FerretDB (the last with PROFILES_DATABASE_TIMEOUT=10s)
#   repair-embedded   bench/run-repair-benchmark.sh, 110,000 profiles, embedded server with its lookup index
#   repair-ferretdb-pg  the same on FerretDB's PostgreSQL backend (bench/ferretdb-postgresql.sh; needs PostgreSQL)
# A section whose prerequisite is missing (a JDK 25, PostgreSQL, --before) is skipped, and the summary says so.
# Two sections fail their checks on this project's FerretDB as docs/performance.md explains, and are reported as
# failed: instances-ferretdb (FerretDB's SQLite backend answers some requests after the default 3 s database
# timeout: 503) and repair-ferretdb-pg (exit 5: the index check's count after the build outlasts its time limit).
# Takes about 30 minutes on 2 cores. Run it with nothing else on the machine: every figure is compared with another
# taken minutes apart.
# Exit status: 0 when every section that ran passed its checks, 1 when one did not, 2 on a setup error.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
readonly ALL_SECTIONS=throughput,throughput-2,jdk25,before,instances-embedded,instances-ferretdb,instances-ferretdb-10s,repair-embedded,repair-ferretdb-pg

out= before= java25= only=$ALL_SECTIONS requests=50000
while (($# > 0)); do
  case $1 in
    --out) out=$2; shift ;;
    --before) before=$2; shift ;;
    --java25) java25=$2; shift ;;
    --only) only=$2; shift ;;
    --requests) requests=$2; shift ;;
    -h|--help) sed -n '2,32p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run-performance.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
log() { echo "performance: $*" >&2; }
die() { log "ERROR: $*"; exit 2; }
IFS=, read -r -a sections <<<"$only"
for s in "${sections[@]}"; do [[ ,$ALL_SECTIONS, == *,$s,* ]] || die "unknown section $s (known: $ALL_SECTIONS)"; done
wanted() { [[ ,$only, == *,$1,* ]]; }
[[ $requests =~ ^[0-9]+$ ]] || die "--requests must be a number"
before_arg=$before
if [[ -n $before ]]; then
  before=$(git -C "$REPO" rev-parse --verify "$before^{commit}" 2>/dev/null) || die "--before: no commit $before_arg"
fi
if [[ -z $java25 ]]; then
  if [[ -n ${JDK25_HOME:-} ]]; then java25=$JDK25_HOME/bin/java
  else java25=$(ls -d /usr/lib/jvm/*25*/bin/java 2>/dev/null | sort -V | tail -n 1 || true); fi
fi

out=${out:-$(mktemp -d "${TMPDIR:-/tmp}/creator-profiles-performance.XXXXXX")}
mkdir -p "$out"
out=$(cd "$out" && pwd)
log "results in $out"
: >"$out/sections.txt" # one line per section: name status detail
# The command as the summary names it: the options that change what is measured (no directories).
{ printf 'bench/run-performance.sh'; [[ -z $before_arg ]] || printf ' --before %s' "$before_arg"
  [[ $only == "$ALL_SECTIONS" ]] || printf ' --only %s' "$only"; ((requests == 50000)) || printf ' --requests %s' "$requests"
  echo; } >"$out/command.txt"

# The package every section measures: a clean export of HEAD (never the working tree), packaged once.
commit=$(git -C "$REPO" rev-parse HEAD)
src=$out/src
mkdir -p "$src"
git -C "$REPO" archive "$commit" | tar -x -C "$src"
echo "$commit" >"$src/.commit"
log "packaging ${commit:0:7}"
(cd "$src" && ./mvnw -B -q package -DskipTests &&
  ./mvnw -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$src/target/bench.classpath") \
  >"$out/package.log" 2>&1 || { tail -30 "$out/package.log" >&2; die "package failed"; }
jar=$src/target/quarkus-app/quarkus-run.jar

rc=0
record() { # name status detail...
  local name=$1 status=$2; shift 2
  echo "$name $status $*" >>"$out/sections.txt"
  log "$name: $status${*:+ ($*)}"
  [[ $status != failed ]] || rc=1
}
run_section() { # name command...: the command's output goes to DIR/name.log
  local name=$1; shift
  log "$name: $*"
  if "$@" >"$out/$name.log" 2>&1; then record "$name" passed "$(date -u +%FT%TZ)"
  else record "$name" failed "exit $?, see $name.log"; fi
}
throughput() { "$HERE/run-throughput-benchmark.sh" --requests "$requests" --rounds 3 --memory-limit 512m "$@"; }

wanted throughput && run_section throughput throughput --src "$src" --profile --out "$out/throughput"
wanted throughput-2 && run_section throughput-2 throughput --src "$src" --out "$out/throughput-2"
if wanted jdk25; then
  if [[ -x $java25 ]]; then run_section jdk25 throughput --src "$src" --java "$java25" --out "$out/jdk25"
  else record jdk25 skipped "no JDK 25 (set JDK25_HOME or --java25)"; fi
fi
if wanted before; then
  if [[ -n $before ]]; then run_section before throughput --commit "$before" --bench-src "$src" --profile --out "$out/before"
  else record before skipped "no --before REV"; fi
fi
wanted instances-embedded && run_section instances-embedded \
  "$REPO/load/run.sh" --server embedded --concurrency 24 --jar "$jar" --out "$out/instances-embedded"
wanted instances-ferretdb && run_section instances-ferretdb \
  "$REPO/load/run.sh" --server ferretdb --concurrency 24 --jar "$jar" --out "$out/instances-ferretdb"
wanted instances-ferretdb-10s && run_section instances-ferretdb-10s \
  env PROFILES_DATABASE_TIMEOUT=10s "$REPO/load/run.sh" --server ferretdb --concurrency 24 --jar "$jar" --out "$out/instances-ferretdb-10s"
# The repair benchmark runs inside the export, on its packaged jar and test classes.
wanted repair-embedded && run_section repair-embedded \
  bash -c 'cd "$1" && SKIP_PACKAGE=1 exec bench/run-repair-benchmark.sh' _ "$src"
if wanted repair-ferretdb-pg; then
  if ls -d /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || [[ -n ${PG_BIN:-} ]] || command -v pg_config >/dev/null; then
    run_section repair-ferretdb-pg \
      bash -c 'cd "$1" && exec bench/ferretdb-postgresql.sh -- env SKIP_PACKAGE=1 bench/run-repair-benchmark.sh' _ "$src"
  else record repair-ferretdb-pg skipped "no PostgreSQL (Debian: apt-get install postgresql)"; fi
fi

python3 "$HERE/performance-summary.py" "$out" >"$out/summary.md" || { log "summary failed"; rc=1; }
log "done: $out/summary.md (exit $rc)"
exit "$rc"
