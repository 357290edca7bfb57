#!/usr/bin/env bash
# Walks the duplicate runbook against a RUNNING dev mode (./mvnw quarkus:dev, embedded dev database): plants the
# incident, then the data state DOWN and writes closed (readiness stays UP), scan, dry run, repair, data state UP and
# writes open. Each step prints what it saw; any step that does not see what the runbook promises stops the walk with
# exit 1. docs/dev-replay.md walks the same steps by hand.
# Usage: dev/replay-runbook.sh [--base http://127.0.0.1:8080] [--health URL] [--uri mongodb://127.0.0.1:27027]
#        [--objectid-user-ids]
# --health: where /q/health is served, when not at --base (the packaged jar serves it on its management port).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
base=http://127.0.0.1:8080
health_base=
plant_flag=
plant_uri=mongodb://127.0.0.1:27027
while [ $# -gt 0 ]; do
  case "$1" in
    --base) base=$2; shift ;;
    --health) health_base=$2; shift ;;
    --uri) plant_uri=$2; shift ;;
    --objectid-user-ids) plant_flag=--objectid-user-ids ;;
    *) echo "usage: dev/replay-runbook.sh [--base URL] [--health URL] [--uri URI] [--objectid-user-ids]" >&2; exit 2 ;;
  esac
  shift
done
health_base=${health_base:-$base}
step() { printf '\n== %s\n' "$*"; }
fail() { echo "runbook step failed: $*" >&2; exit 1; }
health_status() { curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$health_base/q/health/$1"; }
ready_status() { health_status ready; }
well_status() { health_status well; }
wait_for() { # check expected-status seconds
  local i
  for ((i = 0; i < $3; i++)); do [ "$("$1")" = "$2" ] && return 0; sleep 1; done
  return 1
}
wait_ready() { wait_for ready_status "$@"; }
admin=$("$here/dev/mint-token.sh" dev-operator --admin)
user=$("$here/dev/mint-token.sh" dev-replay-user)
save() { # prints the status of a personal-info save by an ordinary user
  curl -s -o /dev/null -w '%{http_code}' --max-time 10 -X PUT -H "Authorization: Bearer $user" \
    -H 'Content-Type: application/json' -d '{"displayName":"Replay"}' "$base/api/profiles/me/personal-info"
}

step "0. the service is ready before the incident"
wait_ready 200 60 || fail "readiness is $(ready_status), not 200"
echo "GET /q/health/ready -> $(ready_status)"

step "1. plant the incident into the dev database"
"$here/dev/plant-incident.sh" --uri "$plant_uri" $plant_flag

step "2. the data state goes DOWN and profile writes close; readiness stays UP (reads go on)"
wait_for well_status 503 180 || fail "the data state is still $(well_status) after 180 s"
curl -s --max-time 5 "$health_base/q/health/well"; echo
[ "$(ready_status)" = 200 ] || fail "readiness is $(ready_status): the data state must not take the pod out of service"
status=$(save)
echo "PUT /api/profiles/me/personal-info -> $status"
[ "$status" = 503 ] || fail "a write answered $status while duplicates wait for the repair, not 503"

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
case $location in /*) location=$base$location ;; esac # a path: the service names no scheme or host
echo "started: $location"
for ((i = 0; i < 600; i++)); do
  applied=$(curl -s --max-time 10 -H "Authorization: Bearer $admin" "$location")
  echo "$applied" | grep -q '"state":"RUNNING"' || break
  sleep 1
done
echo "$applied" | head -c 1500; echo
echo "$applied" | grep -q '"state":"DONE"' || fail "the repair did not finish DONE"

step "6. the data state comes back UP and writes open"
wait_for well_status 200 120 || fail "the data state is still $(well_status) after 120 s"
curl -s --max-time 5 "$health_base/q/health/well"; echo
status=$(save)
echo "PUT /api/profiles/me/personal-info -> $status"
[ "$status" = 200 ] || fail "a write answered $status after the repair, not 200"

step "7. the user has one profile, and the scan is clean"
curl -s --max-time 10 "$base/api/profiles/6868125ba2158d0149812c2e"; echo
clean=$(curl -s --max-time 60 -H "Authorization: Bearer $admin" -H 'Accept: text/plain' "$base/api/admin/duplicates")
echo "$clean"
echo "$clean" | grep -q ': 0 user(s) with more than one profile' || fail "the scan still finds duplicates"
echo "runbook walked: writes closed, scan, dry run, repair, writes open"
