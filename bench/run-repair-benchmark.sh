#!/usr/bin/env bash
# Duplicate-repair benchmark: how it works in docs/benchmarks.md, the published figures in docs/performance.md.
# Seeds 110,000 profiles (every tenth user with 2-4 copies) into an embedded mongo-java-server (or BENCH_MONGODB_URI),
# times one plain full scan, then runs the packaged jar's `repair --apply` in its own JVM with -Xmx$BENCH_XMX (or,
# with BENCH_RUNNER=target/<name>-runner, that native executable of the same commit with the same -Xmx).
#   bench/run-repair-benchmark.sh [profiles]  env: BENCH_XMX (default 128m), BENCH_RUNNER, BENCH_MONGODB_URI, SKIP_PACKAGE=1,
#   BENCH_LOOKUP_INDEX=true|false (default: true on the embedded server; see BenchSupport.addLookupIndex)
set -euo pipefail
cd "$(dirname "$0")/.."
PROFILES=${1:-110000}
if [[ "${SKIP_PACKAGE:-0}" != 1 ]]; then
  ./mvnw -B -q package -DskipTests
fi
./mvnw -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath
exec java -Xmx2g -Djava.util.logging.manager=org.jboss.logmanager.LogManager -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" \
  -Dbench.profiles="$PROFILES" -Dbench.xmx="${BENCH_XMX:-128m}" -Dbench.runner="${BENCH_RUNNER:-}" -Dbench.lookupIndex="${BENCH_LOOKUP_INDEX:-}" io.creatorprofiles.bench.RepairBenchmark
