#!/usr/bin/env bash
# Migration benchmark: how it works and its published run in docs/benchmarks.md.
# Seeds 100,000 documents in the old code's shape (ObjectId userId, __v, no version) under the old unique index
# userId_1 into an embedded mongo-java-server (or BENCH_MONGODB_URI), then runs the packaged jar's `migrate --apply`
# in its own JVM with -Xmx$BENCH_XMX, and reads that JVM's peak heap from its GC log.
#   bench/run-migration-benchmark.sh [documents]  env: BENCH_XMX (default 128m), BENCH_MONGODB_URI, SKIP_PACKAGE=1,
#   BENCH_LOOKUP_INDEX=true|false (default: true on the embedded server; see BenchSupport.addLookupIndex)
set -euo pipefail
cd "$(dirname "$0")/.."
PROFILES=${1:-100000}
if [[ "${SKIP_PACKAGE:-0}" != 1 ]]; then
  ./mvnw -B -q package -DskipTests
fi
./mvnw -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath
exec java -Xmx2g -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" \
  -Dbench.profiles="$PROFILES" -Dbench.xmx="${BENCH_XMX:-128m}" -Dbench.lookupIndex="${BENCH_LOOKUP_INDEX:-}" io.creatorprofiles.bench.MigrationBenchmark
