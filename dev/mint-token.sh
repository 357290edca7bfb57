#!/usr/bin/env bash
# Mints an RS256 JWT signed with the DEVELOPMENT key (dev-keys/), accepted only by the dev and test profiles.
# Usage: dev/mint-token.sh <userId> [--admin] [--ttl SECONDS]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
user=${1:?usage: dev/mint-token.sh <userId> [--admin] [--ttl SECONDS]}
shift
groups='["user"]'
ttl=3600
while [ $# -gt 0 ]; do
  case "$1" in
    --admin) groups='["user","admin"]' ;;
    --ttl) ttl=$2; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
case "$user" in *'"'*|*'\'*) echo "userId must not contain quotes or backslashes" >&2; exit 2 ;; esac
b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
now=$(date +%s)
header='{"alg":"RS256","typ":"JWT","kid":"dev"}'
payload=$(printf '{"iss":"https://dev.creator-profiles.local","aud":"creator-profiles","sub":"%s","upn":"%s","groups":%s,"iat":%d,"exp":%d,"jti":"%s"}' \
  "$user" "$user" "$groups" "$now" "$((now + ttl))" "$(openssl rand -hex 8)")
signing_input="$(printf '%s' "$header" | b64url).$(printf '%s' "$payload" | b64url)"
signature=$(printf '%s' "$signing_input" | openssl dgst -sha256 -sign "$here/dev-keys/privateKey.pem" -binary | b64url)
printf '%s.%s\n' "$signing_input" "$signature"
