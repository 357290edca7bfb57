#!/usr/bin/env bash
# Plants the incident (187 copies of one user, one shared updatedAt, Mongoose-shaped) into the RUNNING dev database,
# so the duplicate runbook can be walked in dev: writes closed, scan, dry run, repair, writes open (docs/dev-replay.md).
# Usage: dev/plant-incident.sh [--objectid-user-ids] [--uri mongodb://127.0.0.1:27027] [--db creator_profiles]
# String userIds by default; --objectid-user-ids plants them as the old code stored them (needs the migration first).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
uri=mongodb://127.0.0.1:27027
db=creator_profiles
flag=
while [ $# -gt 0 ]; do
  case "$1" in
    --objectid-user-ids) flag=--objectid-user-ids ;;
    --uri) uri=$2; shift ;;
    --db) db=$2; shift ;;
    *) echo "usage: dev/plant-incident.sh [--objectid-user-ids] [--uri URI] [--db NAME]" >&2; exit 2 ;;
  esac
  shift
done
mkdir -p "$here/target"
cpfile=$here/target/plant-incident.classpath
if [ ! -s "$cpfile" ]; then
  (cd "$here" && ./mvnw -B -q dependency:build-classpath -Dmdep.outputFile="$cpfile.all") >/dev/null
  tr ':' '\n' <"$cpfile.all" | grep -E 'org/mongodb/(bson|bson-record-codec|mongodb-driver-core|mongodb-driver-sync)/' |
    paste -sd: >"$cpfile"
fi
exec java -cp "$(cat "$cpfile")" "$here/dev/PlantIncident.java" "$uri" "$db" $flag
