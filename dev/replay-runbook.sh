#!/usr/bin/env bash
# Walks the duplicate runbook against a RUNNING dev mode (./mvnw quarkus:dev, embedded dev database): plants the
# incident, then readiness DOWN, scan, dry run, repair, readiness UP. Each step prints what it saw; any step that does
# not see what the runbook promises stops the walk with exit 1. docs/dev-replay.md holds a recorded run.
# Usage: dev/replay-runbook.sh [--base http://127.0.0.1:8080] [--uri mongodb://127.0.0.1:27027] [--objectid-user-ids]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
base=http://127.0.0.1:8080
plant_flag=
plant_uri=mongodb://127.0.0.1:27027
while [ $# -gt 0 ]; do
  case "$1" in
    --base) base=$2; shift ;;
    --uri) plant_uri=$2; shift ;;
    --objectid-user-ids) plant_flag=--objectid-user-ids ;;
    *) echo "usage: dev/replay-runbook.sh [--base URL] [--objectid-user-ids]" >&2; exit 2 ;;
  esac
  shift
done
step() { printf '\n== %s\n' "$*"; }
fail() { echo "runbook step failed: $*" >&2; exit 1; }
ready_status() { curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$base/q/health/ready"; }
wait_ready() { # expected-status seconds
  local i
  for ((i = 0; i < $2; i++)); do [ "$(ready_status)" = "$1" ] && return 0; sleep 1; done
  return 1
}
admin=$("$here/dev/mint-token.sh" dev-operator --admin)

step "0. the service is ready before the incident"
wait_ready 200 60 || fail "readiness is $(ready_status), not 200"
echo "GET /q/health/ready -> $(ready_status)"

step "1. plant the incident into the dev database"
"$here/dev/plant-incident.sh" --uri "$plant_uri" $plant_flag

step "2. readiness goes DOWN (the unique index cannot be built over duplicates)"
wait_ready 503 120 || fail "readiness still $(ready_status) after 120 s"
curl -s --max-time 5 "$base/q/health/ready"; echo

step "3. scan: which users have more than one profile"
curl -s --max-time 60 -H "Authorization: Bearer $admin" -H 'Accept: text/plain' "$base/api/admin/duplicates"
echo

step "4. dry run: what the repair would do (changes nothing)"
dry=$(curl -s --max-time 120 -X POST -H "Authorization: Bearer $admin" "$base/api/admin/duplicates/repair?dryRun=true")
echo "$dry" | head -c 1500; echo
echo "$dry" | grep -q '"dryRun":true' || fail "the dry run did not answer a dry-run report"

step "5. repair: merge into one profile per user, archiving every copy first"
# The apply answers 202 with the run's status and its Location, and goes on in the background; follow the run.
location=$(curl -s -D - -o /dev/null --max-time 60 -X POST -H "Authorization: Bearer $admin" \
  "$base/api/admin/duplicates/repair?dryRun=false" | tr -d '\r' | awk 'tolower($1) == "location:" {print $2}')
[ -n "$location" ] || fail "the repair did not start (no Location)"
echo "started: $location"
for ((i = 0; i < 600; i++)); do
  applied=$(curl -s --max-time 10 -H "Authorization: Bearer $admin" "$location")
  echo "$applied" | grep -q '"state":"RUNNING"' || break
  sleep 1
done
echo "$applied" | head -c 1500; echo
echo "$applied" | grep -q '"state":"DONE"' || fail "the repair did not finish DONE"

step "6. readiness comes back UP"
wait_ready 200 120 || fail "readiness still $(ready_status) after 120 s"
curl -s --max-time 5 "$base/q/health/ready"; echo

step "7. the user has one profile, and the scan is clean"
curl -s --max-time 10 "$base/api/profiles/6868125ba2158d0149812c2e"; echo
curl -s --max-time 60 -H "Authorization: Bearer $admin" -H 'Accept: text/plain' "$base/api/admin/duplicates"; echo
echo "runbook walked: DOWN, scan, dry run, repair, UP"
